import Foundation
import MLflowSchema
import PostgresTarget

/// Proves a merge: every row of the sources is in the target under the record's mapping, with
/// exact values and series checksums, and the target's other rows are what it held before.
///
/// Per table it reads each source in canonical form, rewritten by the record
/// (`MergedRowRewriter`), into one order-independent checksum, and remembers the rows' match keys.
/// The target is read once: rows under a source key are compared with the sources (and, where
/// they differ, named row by row as mlflow-verify does), the others with the row count and
/// checksum the merge recorded before it added anything.
public struct MergeVerifier {
    public let sourcePaths: [String]
    public let conninfo: String?
    /// The folder `mlflow-import --merge --record` wrote.
    public let recordDirectory: String
    public let maxDiffs: Int
    public let artifactMap: ArtifactRootMap
    public let progress: ProgressHandler?

    public init(
        sourcePaths: [String], conninfo: String?, recordDirectory: String, maxDiffs: Int = 20,
        artifactMap: ArtifactRootMap = ArtifactRootMap(rules: []),
        progress: ProgressHandler? = nil
    ) {
        self.sourcePaths = sourcePaths
        self.conninfo = conninfo
        self.recordDirectory = recordDirectory
        self.maxDiffs = maxDiffs
        self.artifactMap = artifactMap
        self.progress = progress
    }

    /// Compares every table and returns the report; throws when the comparison cannot be made.
    public func run() throws -> VerifyReport {
        let started = Date()
        let record = try MergeRecord.read(recordDirectory)
        guard record.sources.count == sourcePaths.count else {
            throw MigrationError.usage(
                "the merge record in \(recordDirectory) is of \(record.sources.count) source(s) (\(record.sources.map(\.path).joined(separator: ", "))),"
                    + " \(sourcePaths.count) given: name the same sources, in the same order")
        }
        for (given, recorded) in zip(sourcePaths, record.sources.map(\.path))
        where URL(fileURLWithPath: given).lastPathComponent != URL(fileURLWithPath: recorded).lastPathComponent {
            throw MigrationError.usage(
                "the merge record in \(recordDirectory) lists \(record.sources.map(\.path).joined(separator: ", ")) in this order;"
                    + " \(given) is not \(recorded): name the same sources, in the same order")
        }
        let map = artifactMap.isEmpty ? ArtifactRootMap(rules: record.artifactRootMap) : artifactMap
        let sources = try sourcePaths.map { path in
            let source = try SourceOpener.open(path, lendingSchemaFrom: conninfo, application: "mlflow-verify")
            if !map.isEmpty {
                guard let store = source as? SQLiteSource else {
                    throw MigrationError.usage("--artifact-root-map goes with the SQLite file the merge read; a bundle holds its values as exported")
                }
                store.artifactMap = map
            }
            return source
        }
        let schema = sources[0].schema
        for source in sources where source.schema.revision != record.revision {
            throw MigrationError.usage("\(source.path) is at revision \(source.schema.revision), the merge record at \(record.revision)")
        }
        let conn = try PGConnection.target(conninfo, application: "mlflow-verify")
        do {
            try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { try? conn.execute("ROLLBACK") }
            let revisions = try conn.alembicRevisions()
            guard revisions == [record.revision] else {
                throw MigrationError.revisionMismatch(
                    source: recordDirectory, sourceRevision: record.revision, target: conn.displayName,
                    targetRevision: revisions.map(displayName).joined(separator: ", "))
            }
            var checks: [VerifyReport.Check] = [
                .init(check: "revision", table: nil, passed: true, source: record.revision, target: record.revision, detail: nil)
            ]
            checks += try sequenceChecks(schema, conn)
            var found = Verifier.Differences(limit: maxDiffs)
            let columns = MergeColumns(schema)
            for (index, table) in schema.tables.enumerated() {
                progress?(.phase(name: "checksumming tables", done: index, total: schema.tables.count, current: table.name))
                checks += try compare(table, sources, record, columns, conn, into: &found)
            }
            progress?(.phase(name: "checksumming tables", done: schema.tables.count, total: schema.tables.count, current: ""))
            var report = VerifyReport(
                tool: "mlflow-verify", source: sourcePaths.joined(separator: ", "), target: conn.displayName, revision: record.revision,
                checks: checks, differences: found.rows, seriesDifferences: found.series, differencesTruncated: found.truncated,
                seconds: Date().timeIntervalSince(started))
            report.accounted = accounted(record)
            return report
        } catch let error as PGError {
            throw conn.lost(
                error, "Nothing was compared to the end and the target was only read. Run mlflow-verify again once the server accepts connections.")
                ?? MigrationError.targetReadFailed(error: error)
        }
    }

    /// What the record accounts for, for the report.
    private func accounted(_ record: MergeRecord) -> [String] {
        var out = [
            "merge record \(recordDirectory): \(record.ids.count) id(s), \(record.names.count) name(s) and \(record.versions.count) version number(s) changed"
        ]
        let skipped = Dictionary(grouping: record.skipped.filter { $0.table != "alembic_version" }, by: \.table)
        for (table, rows) in skipped.sorted(by: { $0.key < $1.key }) {
            out.append("\(table): \(rows.count) source row(s) not added (\(Set(rows.map(\.why)).sorted().joined(separator: "; ")))")
        }
        return out
    }

    /// Every sequence is past the largest id of its column, so that MLflow's next row gets a new one.
    private func sequenceChecks(_ schema: SchemaRevision, _ conn: PGConnection) throws -> [VerifyReport.Check] {
        try schema.sequences.map { sequence in
            let row = try conn.query(
                """
                SELECT (SELECT CASE WHEN is_called THEN last_value::numeric + 1 ELSE last_value END FROM \(conn.quoteIdentifier(sequence.name))),
                       (SELECT max(\(conn.quoteIdentifier(sequence.column))) FROM \(conn.quoteIdentifier(sequence.table)))
                """
            ).rows.first
            let next = row?[0].flatMap { Int64($0) }, largest = row?[1].flatMap { Int64($0) }
            let passed = next != nil && (largest == nil || next! > largest!)
            return .init(
                check: "sequence", table: sequence.name, passed: passed, source: largest.map { "largest \($0)" } ?? "no rows",
                target: next.map { "next \($0)" } ?? "missing",
                detail: passed ? nil : "MLflow's next \(sequence.table).\(sequence.column) would collide with an existing row")
        }
    }

    /// One table: the sources as merged against the target rows under their keys, the other
    /// target rows against the record's `before`, and the rows not added against the target.
    private func compare(
        _ table: TableSpec, _ sources: [any MigrationSource], _ record: MergeRecord, _ columns: MergeColumns, _ conn: PGConnection,
        into found: inout Verifier.Differences
    ) throws -> [VerifyReport.Check] {
        let layout = TableDigest.Layout(table)
        let merged = table.name != "alembic_version"
        let skipped = SkippedRows()
        func sourceRows(noting: Bool = false) throws -> any TupleReader {
            let readers = try sources.enumerated().map { i, source in
                MergedRowRewriter(
                    try source.canonicalRows(table), table: table, columns: columns, record: record, source: i + 1,
                    onSkipped: noting ? { skipped.note($0, equal: $1, match: layout.match) } : nil) as any TupleReader
            }
            return ConcatenatedReader(merged ? readers : [])
        }
        var s = TableDigest(layout: layout)
        var keys = Set<UInt64>()
        let all = try sourceRows(noting: true)
        while let tuple = try all.next() {
            s.add(tuple)
            keys.insert(TableDigest.keyHash(tuple, layout.match))
        }
        let scanner = TableScanner(source: sources[0], conn: conn, table: table)
        var added = TableDigest(layout: layout), earlier = TableDigest(layout: layout)
        let target = try scanner.targetRows()
        while let tuple = try target.next() {
            let key = TableDigest.keyHash(tuple, layout.match)
            if keys.contains(key) { added.add(tuple) } else { earlier.add(tuple) }
            skipped.check(tuple, key: key)
        }
        let same = s.rows == added.rows && s.sum == added.sum
        let before = record.before[table.name]
        let untouched = before.map { $0.rows == earlier.rows && $0.checksum == earlier.checksum } ?? false
        var checks: [VerifyReport.Check] = [
            .init(
                check: "row_count", table: table.name, passed: s.rows == added.rows, source: String(s.rows), target: String(added.rows), detail: nil),
            .init(check: "content", table: table.name, passed: same, source: s.checksum, target: added.checksum, detail: nil),
            .init(
                check: "earlier_rows", table: table.name, passed: untouched,
                source: before.map { "\($0.rows) rows \($0.checksum)" } ?? "not recorded", target: "\(earlier.rows) rows \(earlier.checksum)",
                detail: untouched ? nil : "the target's rows that are not the sources' differ from what the merge recorded before it added anything"),
        ]
        if !skipped.rows.isEmpty {
            let missing = skipped.rows.count - skipped.found.count, unequal = skipped.found.values.filter { !$0 }.count
            checks.append(
                .init(
                    check: "rows_not_added", table: table.name, passed: missing == 0 && unequal == 0,
                    source: "\(skipped.rows.count) rows the record says the target has", target: "\(skipped.found.count) found, \(unequal) differ",
                    detail: missing == 0 && unequal == 0
                        ? nil : "rows the merge did not add because the target had them are missing there or differ"))
        }
        if layout.series != nil {
            let differing = s.differingSeries(from: added)
            checks.append(
                .init(
                    check: "series", table: table.name, passed: differing.isEmpty, source: "\(s.series.count) series",
                    target: "\(added.series.count) series", detail: differing.isEmpty ? nil : "\(differing.count) series differ"))
            for d in differing.prefix(max(0, found.limit - found.series.count)) {
                found.series.append(.init(table: table.name, runUUID: d.name[0], key: d.name[1], sourcePoints: d.source, targetPoints: d.target))
            }
            if differing.count > found.limit { found.truncated = true }
        }
        if !same {
            let budget = found.limit - found.rows.count
            let buckets = s.differingBuckets(from: added)
            if budget <= 0 || buckets.count > budget { found.truncated = true }
            if budget > 0 {
                let rows = try RowDiffer(table: table, layout: layout, buckets: Set(buckets.prefix(budget))).differences(
                    sourceRows: { try sourceRows() },
                    targetRows: { KeyFilterReader(try scanner.targetRows(), keys: keys, match: layout.match, keep: true) })
                found.rows += rows.prefix(budget)
                if rows.count > budget { found.truncated = true }
            }
        }
        return checks
    }
}
