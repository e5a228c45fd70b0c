import Foundation
import MLflowSchema
import SQLite

/// Finds every row of an SQLite store that PostgreSQL would reject, before anything is written.
///
/// Per cell: storage class, NULL in NOT NULL columns, integer range, 0/1 booleans, NUL characters,
/// UTF-8 validity, `varchar(n)` length in characters, JSON syntax, ISO dates, CHECK value lists.
/// Per table: duplicate primary or unique keys and orphaned rows, checked with the target schema's
/// constraints (not SQLite's declarations, which a foreign writer may have changed).
public struct Preflight {
    /// Everything the scan found.
    public struct Result {
        /// Every problem, in the source's scratch database (counted here, read back a few at a time).
        let problems: ProblemLog
        /// `PRAGMA integrity_check`: "ok" or its first messages.
        public var integrity: [String] = []
        /// `PRAGMA foreign_key_check`: how many violations SQLite's own declarations show.
        public var sqliteForeignKeyViolations = 0
        /// Per table.column with `too_long` values: the longest value in characters.
        public var longest: [String: Int] = [:]
        /// Every `integer` table.column with `integer_range` values.
        public var outOfRange: Set<String> = []
        /// What `--artifact-root-map` does to the artifact locations.
        public var artifacts = ArtifactReport()

        /// The counts of every problem and the first `limit` of them (of `kinds`, or all).
        public func summary(listing limit: Int, kinds: Set<Problem.Kind>? = nil) throws -> ProblemSummary {
            try problems.summary(listing: limit, kinds: kinds)
        }
    }

    let source: SQLiteSource
    /// `PRAGMA integrity_check` (thorough, for the dry run) or `quick_check` (before an import).
    let thorough: Bool
    /// Receives a phase per table scanned and per key checked; may be nil.
    public var progress: ProgressHandler?
    var map: ArtifactRootMap { source.artifactMap ?? ArtifactRootMap(rules: []) }

    public init(source: SQLiteSource, thorough: Bool = true, progress: ProgressHandler? = nil) {
        self.source = source
        self.thorough = thorough
        self.progress = progress
    }

    public func run() throws -> Result {
        var result = Result(problems: try ProblemLog(source: source))
        let schema = source.schema
        progress?(.step("pre-flight: SQLite's \(thorough ? "integrity_check" : "quick_check") and foreign_key_check of \(source.path)"))
        result.integrity = try source.pragmaRows(thorough ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)")
        result.sqliteForeignKeyViolations = try source.count("PRAGMA foreign_key_check")
        let total = schema.tables.count + schema.uniqueKeys.count + schema.foreignKeys.count
        var done = 0
        func next(_ current: String) {
            progress?(.phase(name: "pre-flight", done: done, total: total, current: current))
            done += 1
        }
        for table in schema.tables {
            next("values of \(table.name)")
            try scanCells(table, into: &result)
        }
        for key in schema.uniqueKeys {
            next("duplicate keys of \(key.table)")
            try duplicates(key, into: &result)
        }
        for fk in schema.foreignKeys {
            next("references of \(fk.table)")
            try orphans(fk, into: &result)
        }
        progress?(.phase(name: "pre-flight", done: total, total: total, current: ""))
        return result
    }

    /// Every cell of every row of a table through `CellRules`: the encoder's rules and the server's.
    private func scanCells(_ table: TableSpec, into result: inout Result) throws {
        let columns = table.loadedColumns
        let allowed = columns.map { source.schema.allowedValues(table: table.name, column: $0.name) }
        let locations = ArtifactColumns(table: table, map: map)
        let stmt = try source.scan(table, all: true)
        let rowidColumn = Int32(columns.count)
        while try source.step(stmt, table) {
            for (index, column) in columns.enumerated() {
                let faults = faults(stmt, index, column, of: table.name, allowed: allowed[index], locations: locations, artifacts: &result.artifacts)
                for fault in faults {
                    try result.add(fault, table: table, column: column, rowid: stmt.int64(rowidColumn), stmt: stmt, index: index)
                }
            }
        }
    }

    /// The faults of one cell: the encoder's rules first; for text also NUL, UTF-8, the length
    /// (after an artifact location rewrite), JSON syntax and CHECK values, each reported.
    private func faults(
        _ stmt: SQLiteStatement, _ index: Int, _ column: ColumnSpec, of table: String, allowed: [String]?,
        locations: ArtifactColumns, artifacts: inout ArtifactReport
    ) -> [CellFault] {
        let bytes: UnsafeRawBufferPointer
        do {
            guard case .text(let text) = try CellRules.read(stmt, Int32(index), as: column.pgType, nullable: column.nullable) else { return [] }
            bytes = text
        } catch {
            return [error]
        }
        var found: [CellFault] = []
        do { try CellRules.text(bytes) } catch { found.append(error) }
        var length: Int
        do { length = try CellRules.characters(bytes) } catch { return found + [error] }
        var rewritten = false
        if locations.holdsLocation(stmt, index) {
            let text = String(decoding: bytes, as: UTF8.self)  // valid UTF-8: checked above
            if let r = map.rewrite(bytes) {
                rewritten = true
                length = r.bytes.withUnsafeBytes { UTF8Scan.characters($0) } ?? length
                artifacts.add(table: table, column: column.name, rule: r.rule, before: text, after: String(decoding: r.bytes, as: UTF8.self))
            } else if ArtifactRootMap.looksLocal(text) {
                artifacts.uncovered(table: table, column: column.name, value: text)
            }
        }
        do { try CellRules.length(length, fits: column.pgType, rewritten: rewritten) } catch { found.append(error) }
        if column.pgType == .json {
            do { try CellRules.json(bytes) } catch { found.append(error) }
        }
        if let allowed {
            do { try CellRules.check(bytes, allowed: allowed) } catch { found.append(error) }
        }
        return found
    }

    /// Rows whose key a row with a smaller rowid already has.
    private func duplicates(_ key: UniqueSpec, into result: inout Result) throws {
        guard source.schema.table(key.table) != nil else { return }
        // A unique index of SQLite's on the same columns already rules duplicates out.
        if try source.hasUniqueIndex(key.table, columns: key.columns) { return }
        let cols = key.columns.map(sqlQuote).joined(separator: ", ")
        let notNull = key.columns.map { "\(sqlQuote($0)) IS NOT NULL" }.joined(separator: " AND ")
        let sql = """
            SELECT rowid FROM \(sqlQuote(key.table)) WHERE \(notNull) AND rowid NOT IN
            (SELECT min(rowid) FROM \(sqlQuote(key.table)) WHERE \(notNull) GROUP BY \(cols)) ORDER BY rowid
            """
        // The row's key is read back with the problem when it is listed (`ProblemLog`), not for every row here.
        try source.forEachRowid(sql, table: key.table) { rowid in
            try result.problems.add(
                Problem(
                    kind: .duplicateKey, table: key.table, rowid: rowid,
                    key: [], column: key.columns.joined(separator: ", "),
                    value: nil, detail: "another row has the same \(key.columns.joined(separator: ", ")) (constraint \(key.name))",
                    length: nil, limit: nil))
        }
    }

    /// Rows whose foreign key points at no parent row (all key columns set, as PostgreSQL checks).
    private func orphans(_ fk: ForeignKeySpec, into result: inout Result) throws {
        guard source.schema.table(fk.table) != nil else { return }
        let notNull = fk.columns.map { "c.\(sqlQuote($0)) IS NOT NULL" }.joined(separator: " AND ")
        let sql = """
            SELECT c.rowid FROM \(sqlQuote(fk.table)) c WHERE \(notNull)
            AND NOT EXISTS (SELECT 1 FROM \(sqlQuote(fk.parent)) p WHERE \(fk.joinCondition)) ORDER BY c.rowid
            """
        // The row's key is read back with the problem when it is listed (`ProblemLog`), not for every row here.
        try source.forEachRowid(sql, table: fk.table) { rowid in
            try result.problems.add(
                Problem(
                    kind: .orphan, table: fk.table, rowid: rowid, key: [],
                    column: fk.columns.joined(separator: ", "), value: nil,
                    detail: "references \(fk.parent)(\(fk.parentColumns.joined(separator: ", "))), which has no such row (constraint \(fk.name))",
                    length: nil, limit: nil))
        }
    }
}

extension Preflight.Result {
    /// Records a cell's fault as a problem, with the value shown as the operator needs it.
    mutating func add(_ fault: CellFault, table: TableSpec, column: ColumnSpec, rowid: Int64, stmt: SQLiteStatement, index: Int) throws {
        let i = Int32(index)
        var value = stmt.display(i), length: Int?, limit: Int?
        switch fault {
        case .notNull:
            value = "NULL"
        case .invalidUTF8:
            value = stmt.withBytes(i) { FieldDisplay.describe($0, .bytea) }
        case let .tooLong(characters, columnLimit, _):
            value = displayValue(stmt.string(i), limit: 40)
            (length, limit) = (characters, columnLimit)
            longest["\(table.name).\(column.name)"] = max(longest["\(table.name).\(column.name)"] ?? 0, characters)
        case .integerRange where column.pgType == .int4:
            outOfRange.insert("\(table.name).\(column.name)")
        default:
            break
        }
        try problems.add(
            Problem(
                kind: fault.kind, table: table.name, rowid: rowid, key: RowKey.parts(of: stmt, in: table), column: column.name,
                value: value, detail: fault.detail(for: column), length: length, limit: limit))
    }
}
