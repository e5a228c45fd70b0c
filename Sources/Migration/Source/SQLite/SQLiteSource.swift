import Foundation
import MLflowSchema
import PostgresTarget
import SQLite

/// An MLflow SQLite store opened read-only inside one read transaction (a consistent snapshot).
///
/// Opening checks that the file is SQLite, holds MLflow's tables at a known revision, and has the
/// columns the schema map expects. The snapshot lasts until the value is released.
public final class SQLiteSource: MigrationSource {
    /// The path as given.
    public let path: String
    /// The schema map of the store's revision (with the store's own SQLite types when it was read
    /// from a target).
    public private(set) var schema: SchemaRevision
    /// Tables in the file that the schema map does not know: reported, never loaded.
    public let unknownTables: [String]
    /// Rows that reads (`canonicalRows(_:)`, `copy`) leave out, counted per table; the rows themselves
    /// are in the scratch database (`SQLiteSource+LeftOut`): what a policy or a reject record leaves out.
    public internal(set) var leftOut: [String: Int] = [:]
    /// True once the scratch tables exist on the connection.
    var hasScratch = false
    /// The prepared insert of `leaveOut(_:rowid:)`.
    var leaveOutStatement: SQLiteStatement?
    /// Artifact locations are rewritten with this map on the way out (`--artifact-root-map`).
    public var artifactMap: ArtifactRootMap?
    let db: SQLiteDatabase

    /// Opens `path` and validates it against `catalog`.
    public init(path: String, catalog: SchemaCatalog = .embedded) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MigrationError.sourceUnreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw MigrationError.sourceUnreadable(path: path, reason: "it is a directory without manifest.json, neither an SQLite file nor a bundle")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MigrationError.sourceUnreadable(path: path, reason: "permission denied")
        }
        do {
            db = try SQLiteDatabase(readOnlyPath: path)
            try db.execute("BEGIN")
            // The first read starts the snapshot; everything after sees the same state.
            _ = try db.rows("SELECT count(*) FROM sqlite_master")
        } catch let error as SQLiteError where error.isLocked {
            throw MigrationError.sourceLocked(path: path, error: error)
        } catch let error as SQLiteError {
            throw MigrationError.sourceNotSQLite(path: path, error: error)
        }
        let tables: Set<String>
        do {
            tables = Set(
                try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").compactMap { $0[0] })
        } catch let error as SQLiteError {
            throw MigrationError.sourceNotSQLite(path: path, error: error)
        }
        guard tables.contains("alembic_version") else {
            if tables.isSuperset(of: ["experiments", "runs", "metrics", "params", "tags"]) {
                throw MigrationError.sourceBeforeAlembic(path: path)
            }
            throw MigrationError.sourceNotMLflow(path: path, reason: "it has no alembic_version table")
        }
        let versions = try Self.read(db, path: path, table: "alembic_version") {
            try $0.rows("SELECT version_num FROM alembic_version").map { $0[0] ?? "NULL" }
        }
        guard versions.count == 1, let revision = versions.first else {
            throw MigrationError.sourceNotMLflow(path: path, reason: "alembic_version holds \(versions.count) rows instead of 1")
        }
        guard let schema = catalog.revision(revision) else {
            throw MigrationError.unknownRevision(path: path, revision: displayName(revision), advice: catalog.advice(forUnsupported: revision))
        }
        self.schema = schema
        // Reported, never loaded: kept as they may be shown.
        self.unknownTables = tables.subtracting(schema.tables.map(\.name)).sorted().map(displayName)
        guard let origin = schema.readFromTarget else {
            _ = try checkColumns(existing: tables)
            return
        }
        // The schema came from the target: where the two differ, neither can be told to be MLflow's.
        do {
            let declared = try checkColumns(existing: tables)
            guard unknownTables.isEmpty else {
                throw MigrationError.sourceSchemaMismatch(path: path, problems: unknownTables.map { "table \($0) is not in the target" })
            }
            self.schema = schema.declaringSQLiteTypes(declared)
        } catch MigrationError.sourceSchemaMismatch(_, let problems) {
            throw MigrationError.targetRefused(
                target: origin.target,
                found: "its MLflow schema at revision \(schema.revision) differs from \(path)'s: \(problems.joined(separator: "; "))",
                remedy: "Import into a database that an MLflow server of the store's own release created and nobody has changed.")
        }
    }

    /// Reads the widened columns as their new types from now on: what a policy made of the target.
    func widen(_ widened: [RejectRecord.Widened]) {
        let types = widened.compactMap { w in PGType(formatType: w.to).map { (w.table, w.column, $0) } }
        if !types.isEmpty { schema = schema.changingTypes(types) }
    }

    /// Fails unless every table of the revision exists with exactly the map's columns; returns
    /// the SQLite type each column declares, by table and column.
    private func checkColumns(existing: Set<String>) throws -> [String: [String: String]] {
        var declared: [String: [String: String]] = [:]
        var problems: [String] = []
        for table in schema.tables {
            guard existing.contains(table.name) else {
                problems.append("table \(table.name) is missing")
                continue
            }
            let info = try Self.read(db, path: path, table: table.name) {
                try $0.rows("PRAGMA table_xinfo(\(sqlQuote(table.name)))").compactMap { row in row[1].map { ($0, row[6] ?? "0", row[2] ?? "") } }
            }
            for (name, _, type) in info { declared[table.name, default: [:]][name] = type }
            let found = info.map(\.0)
            let expected = table.columns.map(\.name)
            // hidden: 1 a virtual table's hidden column, 2 and 3 generated. MLflow makes generated
            // columns only where the map has them; any other would run its expression on every read.
            for (name, hidden, _) in info where hidden != "0" && !(table.column(name)?.generated ?? false) {
                problems.append(
                    "\(table.name): column \(displayName(name)) is \(hidden == "1" ? "a hidden column" : "a generated column"), which MLflow never makes there"
                )
            }
            let missing = expected.filter { !found.contains($0) }
            let extra = found.filter { !expected.contains($0) }
            if !missing.isEmpty { problems.append("\(table.name): missing column(s) \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { problems.append("\(table.name): unexpected column(s) \(extra.map(displayName).joined(separator: ", "))") }
        }
        if !problems.isEmpty { throw MigrationError.sourceSchemaMismatch(path: path, problems: problems) }
        return declared
    }

    /// The number of `metrics` chunks of `interval` ms the snapshot's timestamps fill.
    ///
    /// Bucketed as TimescaleDB buckets them: floor division, below zero too.
    public func chunkCount(_ interval: Int64) throws -> Int {
        try count("SELECT DISTINCT (\"timestamp\" - ((\"timestamp\" % \(interval)) + \(interval)) % \(interval)) FROM metrics")
    }

    /// The number of rows of a table in the snapshot.
    public func rowCount(_ table: TableSpec) throws -> Int {
        try Self.read(db, path: path, table: table.name) {
            Int(try $0.rows("SELECT count(*) FROM \(sqlQuote(table.name))").first?.first??.description ?? "0") ?? 0
        }
    }

    /// A statement that reads the table's loaded columns in storage order (rowid), the order COPY
    /// sends, followed by the rowid itself (one column more than the table loads).
    ///
    /// Rows left out (`leftOut`) are not read unless `all` is set.
    func scan(_ table: TableSpec, all: Bool = false) throws -> SQLiteStatement {
        let columns = table.loadedColumns.map { "t.\(sqlQuote($0.name))" }.joined(separator: ", ")
        let skip = all ? "" : leftOutFilter(table)
        return try Self.read(db, path: path, table: table.name) {
            try $0.prepare("SELECT \(columns), t.rowid FROM \(sqlQuote(table.name)) AS t\(skip) ORDER BY t.rowid")
        }
    }

    /// The WHERE clause that leaves out the left-out rows of `t`, or nothing when there are none.
    private func leftOutFilter(_ table: TableSpec) -> String {
        guard (leftOut[table.name] ?? 0) > 0 else { return "" }
        return " WHERE NOT EXISTS (SELECT 1 FROM \(SQLiteScratch.leftOut) l WHERE l.tbl = \(sqlLiteral(table.name)) AND l.row = t.rowid)"
    }

    /// The rows a PRAGMA returns, first column as text.
    func pragmaRows(_ sql: String) throws -> [String] {
        try Self.read(db, path: path, table: nil) { try $0.rows(sql).map { $0.first.flatMap { $0 } ?? "" } }
    }

    /// The number of rows a statement returns, counted as they are read.
    func count(_ sql: String) throws -> Int {
        try Self.read(db, path: path, table: nil) { db in
            let stmt = try db.prepare(sql)
            var n = 0
            while try stmt.step() { n += 1 }
            return n
        }
    }

    /// True when SQLite has a unique index on exactly these columns (in any order).
    func hasUniqueIndex(_ table: String, columns: [String]) throws -> Bool {
        try Self.read(db, path: path, table: table) { db in
            for index in try db.rows("PRAGMA index_list(\(sqlQuote(table)))") where index.count > 2 && index[2] == "1" {
                guard let name = index[1] else { continue }
                let indexed = try db.rows("PRAGMA index_info(\(sqlQuote(name)))").compactMap { $0.count > 2 ? $0[2] : nil }
                if Set(indexed) == Set(columns) && indexed.count == columns.count { return true }
            }
            return false
        }
    }

    /// Calls `body` with each rowid a query returns, as it reads them.
    func forEachRowid(_ sql: String, table: String, _ body: (Int64) throws -> Void) throws {
        let stmt = try Self.read(db, path: path, table: table) { try $0.prepare(sql) }
        while try Self.read(db, path: path, table: table, { _ in try stmt.step() }) { try body(stmt.int64(0)) }
    }

    /// The primary key of the row with this rowid, displayed.
    func keyParts(_ table: TableSpec, rowid: Int64) -> [ColumnValue] {
        keyParts(table, "WHERE t.rowid = ?", rowid)
    }

    /// The displayed primary key of the first row `clause` (one parameter) selects.
    private func keyParts(_ table: TableSpec, _ clause: String, _ parameter: Int64) -> [ColumnValue] {
        let columns = table.primaryKey.map(sqlQuote).joined(separator: ", ")
        guard !table.primaryKey.isEmpty, let stmt = try? db.prepare("SELECT \(columns) FROM \(sqlQuote(table.name)) AS t \(clause)") else {
            return []
        }
        try? stmt.bind(1, parameter)
        guard (try? stmt.step()) == true else { return [] }
        return table.primaryKey.indices.map { ColumnValue(column: table.primaryKey[$0], value: stmt.display(Int32($0))) }
    }

    public func canonicalRows(_ table: TableSpec) throws -> any TupleReader {
        try SQLiteCanonicalReader(source: self, table: table)
    }

    public func copy(_ table: TableSpec, into conn: PGConnection, progress: ((Int) -> Void)?) throws -> (stream: CopyInStream, rows: Int) {
        let stream = try conn.copyIn(table: table.name, columns: table.loadedColumns.map(\.name))
        let encoder = RowEncoder(path: path, table: table, artifactMap: artifactMap)
        var sent = 0
        do {
            let stmt = try scan(table)
            while try step(stmt, table) {
                try encoder.encode(stmt, into: stream.buffer)
                try stream.rowDone()
                sent += 1
                if sent & 0xFFFF == 0 { progress?(sent) }
            }
        } catch {
            stream.abort("stopped: \(error)")
            throw error
        }
        return (stream, sent)
    }

    /// Advances a scan; a read error names the file and table.
    func step(_ stmt: SQLiteStatement, _ table: TableSpec) throws -> Bool {
        try Self.read(db, path: path, table: table.name) { _ in try stmt.step() }
    }

    /// The value SQLite's next rowid-assigned id would take for a sequence's column.
    public func nextValue(for sequence: SequenceSpec) throws -> Int64 {
        func exhausted(_ what: String) -> MigrationError {
            .idsExhausted(path: path, table: sequence.table, column: sequence.column, detail: what)
        }
        return try Self.read(db, path: path, table: sequence.table) { db in
            // A non-integer maximum is a storage-class problem that the load itself reports.
            let largest = try db.prepare("SELECT max(\(sqlQuote(sequence.column))) FROM \(sqlQuote(sequence.table))")
            var maxID: Int64 = 0
            if try largest.step(), largest.storage(0) == .integer { maxID = largest.int64(0) }
            guard maxID < Int64.max else { throw exhausted("its largest \(sequence.column) is 9223372036854775807") }
            var next = maxID + 1
            let hasSequenceTable = try !db.rows("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").isEmpty
            if hasSequenceTable {
                let stmt = try db.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?")
                try stmt.bind(1, sequence.table)
                if try stmt.step(), stmt.storage(0) != .null {
                    // SQLite reads a REAL such as 1e300 as the largest integer, as its AUTOINCREMENT does.
                    let seq = stmt.int64(0)
                    guard seq < Int64.max else { throw exhausted("sqlite_sequence holds \(stmt.string(0)) for it") }
                    next = max(next, seq + 1)
                }
            }
            return max(next, 1)
        }
    }

    /// The primary key of the `line`-th row (1-based) of a table in scan order (left-out rows
    /// not counted, as COPY never saw them), for messages.
    public func rowKey(table: TableSpec, line: Int) -> RowKey? {
        guard line > 0 else { return nil }
        let parts = keyParts(table, "\(leftOutFilter(table)) ORDER BY t.rowid LIMIT 1 OFFSET ?", Int64(line - 1))
        return parts.isEmpty ? nil : RowKey(parts: parts)
    }

    static func read<R>(_ db: SQLiteDatabase, path: String, table: String?, _ body: (SQLiteDatabase) throws -> R) throws -> R {
        do {
            return try body(db)
        } catch let error as SQLiteError {
            throw MigrationError.sourceRead(path: path, table: table, error: error)
        }
    }
}
