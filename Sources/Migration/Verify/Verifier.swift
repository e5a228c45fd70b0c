import Foundation
import MLflowSchema
import PostgresTarget

/// Proves a PostgreSQL target holds exactly the rows of an MLflow SQLite store, or names what differs.
///
/// Reads both sides once, in one snapshot each (an SQLite read transaction and a PostgreSQL
/// `REPEATABLE READ READ ONLY` transaction), and never writes. Both sides are reduced to the same
/// canonical form (`CanonicalTupleBuffer`), each by its own code, and compared by order-independent checksums; only where
/// a checksum differs is a second pass made to find the differing rows.
public struct Verifier {
    public let sourcePath: String
    public let conninfo: String?
    /// At most this many differing rows (and series) are listed.
    public let maxDiffs: Int

    /// The import's reject directory: rows it records as left out are not expected in the target.
    public let rejectDirectory: String?

    /// Receives a step event per table checksummed; may be nil.
    public let progress: ProgressHandler?
    /// The import's `--artifact-root-map` (also read from the reject directory's record).
    public let artifactMap: ArtifactRootMap

    public init(
        sourcePath: String, conninfo: String?, maxDiffs: Int = 20, rejectDirectory: String? = nil,
        artifactMap: ArtifactRootMap = ArtifactRootMap(rules: []), progress: ProgressHandler? = nil
    ) {
        self.sourcePath = sourcePath
        self.conninfo = conninfo
        self.maxDiffs = maxDiffs
        self.rejectDirectory = rejectDirectory
        self.artifactMap = artifactMap
        self.progress = progress
    }

    public func run() throws -> VerifyReport {
        let started = Date()
        let source = try SourceOpener.open(sourcePath, lendingSchemaFrom: conninfo, application: "mlflow-verify")
        let accounted = try applyRecord(to: source)
        let conn = try PGConnection.target(conninfo, application: "mlflow-verify")
        // Equal rows do not prove an intact file: damage may sit in pages no scan reads.
        let integrity = source is SQLiteSource ? BackgroundIntegrityCheck(path: sourcePath) : nil
        do {
            try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { try? conn.execute("ROLLBACK") }
            var report: VerifyReport
            do {
                report = try verify(source, conn, started: started)
                try integrity?.requireIntact(sourcePath)
            } catch MigrationError.sourceRead(let path, let table, let error) where integrity != nil {
                throw integrity!.explaining(MigrationError.sourceRead(path: path, table: table, error: error), path: sourcePath)
            } catch MigrationError.rejectedValue(let path, let table, let row, let column, let problem, _) {
                throw MigrationError.rejectedValue(
                    path: path, table: table, row: row, column: column, problem: problem,
                    remedy: "This source row cannot be in any PostgreSQL target. If the import left it out by a policy, pass its --reject-dir.")
            }
            report.accounted = accounted
            return report
        } catch let error as PGError {
            throw conn.lost(
                error, "Nothing was compared to the end and the target was only read. Run mlflow-verify again once the server accepts connections.")
                ?? MigrationError.targetReadFailed(error: error)
        }
    }

    /// Applies the import's reject record and artifact rules to the source, so that it reads as
    /// the import loaded it; returns the differences they account for, for the report.
    private func applyRecord(to source: any MigrationSource) throws -> [String] {
        var accounted: [String] = []
        if let policy = (source as? BundleSource)?.manifest.policy {
            for (table, rows) in policy.leftOut.sorted(by: { $0.key < $1.key }) {
                accounted.append("\(table): \(rows) row(s) left out by mlflow-export (--skip-rows), recorded in the bundle's manifest.json")
            }
            for w in policy.widened {
                accounted.append("\(w.table).\(w.column) widened by mlflow-export from \(w.from) to \(w.to) (values unchanged)")
            }
        }
        var map = artifactMap
        if let rejectDirectory {
            guard let store = source as? SQLiteSource else {
                throw MigrationError.usage("--reject-dir goes with the SQLite file the import read")
            }
            let record = try RejectDirectory.read(rejectDirectory, into: store)
            for t in record.leftOut {
                let why = t.reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                accounted.append("\(t.table): \(t.rows) row(s) left out by the import (\(why)), recorded in \(rejectDirectory)/rows/\(t.table).jsonl")
            }
            store.widen(record.widened)
            for w in record.widened {
                accounted.append("\(w.table).\(w.column) widened from \(w.from) to \(w.to) (values unchanged)")
            }
            if map.isEmpty { map = ArtifactRootMap(rules: record.artifactRootMap) }
        }
        if !map.isEmpty {
            guard let store = source as? SQLiteSource else {
                throw MigrationError.usage("--artifact-root-map goes with the SQLite file the import read")
            }
            store.artifactMap = map
            for rule in map.rules { accounted.append("artifact locations starting with \(rule.old) expected as \(rule.new)") }
        }
        return accounted
    }

    private func verify(_ source: any MigrationSource, _ conn: PGConnection, started: Date) throws -> VerifyReport {
        let schema = source.schema
        let targetTables = try checkedTargetTables(conn, schema)
        var checks = structureChecks(schema, targetTables: targetTables)
        checks += try sequenceChecks(source, conn)
        var found = Differences(limit: maxDiffs)
        let tables = schema.tables.filter { targetTables.contains($0.name) }
        for (index, table) in tables.enumerated() {
            progress?(.phase(name: "checksumming tables", done: index, total: tables.count, current: table.name))
            checks += try compare(table, source, conn, into: &found)
        }
        progress?(.phase(name: "checksumming tables", done: tables.count, total: tables.count, current: ""))
        var report = VerifyReport(
            tool: "mlflow-verify", source: sourcePath, target: conn.displayName, revision: schema.revision,
            checks: checks, differences: found.rows, seriesDifferences: found.series,
            differencesTruncated: found.truncated, seconds: Date().timeIntervalSince(started))
        report.schemaReadFromTarget = schema.readFromTarget != nil
        return report
    }

    /// The target schema's tables, once it is known to be an MLflow store at the source's revision.
    private func checkedTargetTables(_ conn: PGConnection, _ schema: SchemaRevision) throws -> Set<String> {
        let namespace = try conn.currentSchema() ?? "public"
        let tables = Set(try conn.relations(in: namespace).filter(\.isTable).map(\.name))
        guard tables.contains("alembic_version") else {
            throw MigrationError.targetNotMLflow(target: conn.displayName, reason: "schema \(namespace) has no alembic_version table")
        }
        let revisions = try conn.alembicRevisions()
        guard revisions == [schema.revision] else {
            throw MigrationError.revisionMismatch(
                source: sourcePath, sourceRevision: schema.revision,
                target: conn.displayName, targetRevision: revisions.map(displayName).joined(separator: ", "))
        }
        return tables
    }

    /// The revision (already equal) and the set of tables.
    private func structureChecks(_ schema: SchemaRevision, targetTables: Set<String>) -> [VerifyReport.Check] {
        let expected = Set(schema.tables.map(\.name))
        let missing = expected.subtracting(targetTables).sorted(), extra = targetTables.subtracting(expected).sorted()
        var detail: [String] = []
        if !missing.isEmpty { detail.append("missing in target: \(missing.joined(separator: ", "))") }
        if !extra.isEmpty { detail.append("only in target: \(extra.joined(separator: ", "))") }
        return [
            .init(check: "revision", table: nil, passed: true, source: schema.revision, target: schema.revision, detail: nil),
            .init(
                check: "tables", table: nil, passed: detail.isEmpty, source: "\(expected.count) tables",
                target: "\(targetTables.count) tables", detail: detail.isEmpty ? nil : detail.joined(separator: "; ")),
        ]
    }

    /// Each sequence's next value against the one MLflow would get on the source.
    private func sequenceChecks(_ source: any MigrationSource, _ conn: PGConnection) throws -> [VerifyReport.Check] {
        try source.schema.sequences.map { sequence in
            let sourceNext = try source.nextValue(for: sequence)
            let targetNext = try conn.query(
                """
                SELECT CASE WHEN is_called THEN last_value::numeric + 1 ELSE last_value END FROM \(conn.quoteIdentifier(sequence.name))
                """
            ).scalar.flatMap { Int64($0) }
            return .init(
                check: "sequence", table: sequence.name, passed: sourceNext == targetNext,
                source: "next \(sourceNext)", target: targetNext.map { "next \($0)" } ?? "missing",
                detail: sourceNext == targetNext ? nil : "MLflow's next \(sequence.table).\(sequence.column) would differ")
        }
    }

    /// The differing rows and series found so far, up to the report's limit.
    struct Differences {
        let limit: Int
        var rows: [VerifyReport.RowDifference] = []
        var series: [VerifyReport.SeriesDifference] = []
        var truncated = false
    }

    /// One table: row count, content checksum and series checksums; where the content differs,
    /// a second pass names the differing rows.
    private func compare(
        _ table: TableSpec, _ source: any MigrationSource, _ conn: PGConnection,
        into found: inout Differences
    ) throws -> [VerifyReport.Check] {
        let scanner = TableScanner(source: source, conn: conn, table: table)
        let layout = TableDigest.Layout(table)
        var s = TableDigest(layout: layout), t = TableDigest(layout: layout)
        let sourceRows = try scanner.sourceRows(), targetRows = try scanner.targetRows()
        try s.add(all: sourceRows.next)
        try t.add(all: targetRows.next)
        let sameContent = s.rows == t.rows && s.sum == t.sum
        var checks: [VerifyReport.Check] = [
            .init(check: "row_count", table: table.name, passed: s.rows == t.rows, source: String(s.rows), target: String(t.rows), detail: nil),
            .init(check: "content", table: table.name, passed: sameContent, source: s.checksum, target: t.checksum, detail: nil),
        ]
        if layout.series != nil {
            let differing = s.differingSeries(from: t)
            checks.append(
                .init(
                    check: "series", table: table.name, passed: differing.isEmpty,
                    source: "\(s.series.count) series", target: "\(t.series.count) series",
                    detail: differing.isEmpty ? nil : "\(differing.count) series differ"))
            for d in differing {
                guard found.series.count < found.limit else {
                    found.truncated = true
                    break
                }
                found.series.append(.init(table: table.name, runUUID: d.name[0], key: d.name[1], sourcePoints: d.source, targetPoints: d.target))
            }
        }
        if !sameContent {
            let budget = found.limit - found.rows.count
            let buckets = s.differingBuckets(from: t)
            if budget <= 0 || buckets.count > budget { found.truncated = true }
            if budget > 0 {
                var rows = try RowDiffer(table: table, layout: layout, buckets: Set(buckets.prefix(budget)))
                    .differences(sourceRows: scanner.sourceRows, targetRows: scanner.targetRows)
                if rows.count > budget {
                    found.truncated = true
                    rows = Array(rows.prefix(budget))
                }
                found.rows += rows
            }
        }
        return checks
    }
}
