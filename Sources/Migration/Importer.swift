import Foundation
import MLflowSchema
import PostgresTarget

/// Moves an MLflow SQLite store into PostgreSQL in one transaction: all of it, or nothing.
///
/// Phases, as pg_restore runs them: pre-data DDL (tables, sequences), data (one binary COPY per
/// table, referenced tables first), post-data DDL (keys, indexes, foreign keys), sequences, commit.
/// Any failure rolls the transaction back; a killed process leaves an aborted transaction that the
/// server discards, so the target is as it was.
public struct Importer {
    /// The SQLite file to read.
    public let sourcePath: String
    /// A libpq URI or key=value string; nil uses libpq's environment and ~/.pgpass.
    public let conninfo: String?
    /// Receives one line per finished step (for `--verbose`-style logging); may be nil.
    public let log: ((String) -> Void)?

    public init(sourcePath: String, conninfo: String?, log: ((String) -> Void)? = nil) {
        self.sourcePath = sourcePath
        self.conninfo = conninfo
        self.log = log
    }

    /// Runs the import and returns what it did.
    public func run() throws -> ImportSummary {
        let started = Date()
        let source = try openSource(sourcePath)
        let schema = source.schema
        let conn: PGConnection
        do {
            conn = try PGConnection(conninfo: conninfo, applicationName: "mlflow-import")
        } catch let error as PGError {
            throw MigrationError.targetUnreachable(error: error)
        }
        try conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        do {
            try conn.execute("SET LOCAL lock_timeout = '30s'")
            let state = try TargetState.inspect(conn, for: schema)
            switch state {
            case .empty:
                try conn.execute(schema.preDataSQL, operation: "creating MLflow's \(schema.revision) tables")
            case .createdByMLflow:
                for table in schema.tables.reversed() where schema.createdRows[table.name] != nil {
                    try conn.execute("DELETE FROM \(conn.quoteIdentifier(table.name))",
                                     operation: "removing the rows MLflow inserted into \(table.name)")
                }
            }
            var loaded: [ImportSummary.Table] = []
            for table in schema.tables {
                let t0 = Date()
                let rows = try copy(table, from: source, to: conn)
                loaded.append(.init(name: table.name, rows: rows, seconds: Date().timeIntervalSince(t0)))
                log?("\(table.name): \(rows) rows")
            }
            if state == .empty {
                do {
                    try conn.execute(schema.postDataSQL, operation: "adding MLflow's keys, indexes and foreign keys")
                } catch let error as PGError {
                    throw MigrationError.loadFailed(path: sourcePath, table: error.table, row: nil, error: error)
                }
            }
            var sequences: [(String, Int64)] = []
            for sequence in schema.sequences {
                let next = try source.nextValue(for: sequence)
                try conn.query("SELECT setval($1::regclass, $2::bigint, false)", [conn.quoteIdentifier(sequence.name), String(next)],
                               operation: "setting sequence \(sequence.name)")
                sequences.append((sequence.name, next))
            }
            try conn.execute("COMMIT", operation: "committing the import")
            return ImportSummary(source: sourcePath, revision: schema.revision, mlflowVersions: schema.mlflowVersions,
                                 target: conn.displayName, targetState: state, tables: loaded, sequences: sequences,
                                 unknownTables: source.unknownTables, seconds: Date().timeIntervalSince(started))
        } catch {
            try? conn.execute("ROLLBACK")
            if let error = error as? PGError {
                throw MigrationError.loadFailed(path: sourcePath, table: error.table, row: nil, error: error)
            }
            throw error
        }
    }

    /// Streams one table; a value PostgreSQL rejects is reported with the source row it came from.
    private func copy(_ table: TableSpec, from source: any MigrationSource, to conn: PGConnection) throws -> Int {
        let (stream, sent) = try source.copy(table, into: conn)
        do {
            let stored = try stream.finish()
            guard stored == sent else {
                throw MigrationError.loadFailed(path: sourcePath, table: table.name, row: nil, error: PGError(
                    operation: "COPY \(table.name)", message: "the server stored \(stored) rows, \(sent) were sent"))
            }
            return stored
        } catch let error as PGError {
            let row = error.copyLine.flatMap { source.rowKey(table: table, line: $0) }
            throw MigrationError.loadFailed(path: sourcePath, table: table.name, row: row, error: error)
        }
    }
}
