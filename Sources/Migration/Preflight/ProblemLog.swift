import MLflowSchema
import SQLite

/// Every problem a pre-flight finds, written to the source's scratch database as it is found:
/// counted in memory, read back a few at a time, so that memory does not grow with the problems.
final class ProblemLog {
    let source: SQLiteSource
    /// Problems per kind, table and column (the group's `rows` left 0: the count is the value).
    private var groups: [ProblemSummary.Group: Int] = [:]
    /// Problems per kind.
    var counts: [Problem.Kind: Int] { groups.reduce(into: [:]) { $0[$1.key.kind, default: 0] += $1.value } }
    private let insert: SQLiteStatement
    private var rowStatement: SQLiteStatement?

    /// Starts an empty log (a pre-flight that runs again on the same source starts afresh).
    init(source: SQLiteSource) throws {
        self.source = source
        let db = try source.scratch()
        insert = try SQLiteSource.writingScratch {
            try db.execute("DELETE FROM \(SQLiteScratch.problems)")
            return try db.prepare(
                "INSERT INTO \(SQLiteScratch.problems) (kind, tbl, row, col, value, detail, length, lim) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        }
    }

    /// Records one problem.
    func add(_ p: Problem) throws {
        defer { insert.reset() }
        try SQLiteSource.writingScratch {
            try insert.bind(1, p.kind.rawValue)
            try insert.bind(2, p.table)
            try insert.bind(3, p.rowid)
            try insert.bind(4, p.column)
            try insert.bind(5, p.value)
            try insert.bind(6, p.detail)
            try insert.bind(7, p.length.map(Int64.init))
            try insert.bind(8, p.limit.map(Int64.init))
            _ = try insert.step()
        }
        groups[.init(kind: p.kind, table: p.table, column: p.column, rows: 0), default: 0] += 1
    }

    /// The counts of the problems of `kinds` (all when nil) and the first `limit` of them.
    func summary(listing limit: Int, kinds: Set<Problem.Kind>? = nil) throws -> ProblemSummary {
        var summary = ProblemSummary()
        let chosen = counts.filter { kinds?.contains($0.key) ?? true }
        summary.counts = chosen
        summary.total = chosen.values.reduce(0, +)
        summary.groups = groups.filter { chosen[$0.key.kind] != nil }
            .map { .init(kind: $0.key.kind, table: $0.key.table, column: $0.key.column, rows: $0.value) }.sorted(by: ProblemSummary.Group.order)
        guard limit > 0, summary.total > 0 else { return summary }
        let list = chosen.keys.map { sqlLiteral($0.rawValue) }.sorted().joined(separator: ", ")
        summary.listed = try problems("WHERE kind IN (\(list)) ORDER BY seq LIMIT \(limit)")
        return summary
    }

    /// Every problem recorded for one row (whose key the caller read), cascades included, in the order found.
    func problems(of table: String, rowid: Int64, key: [ColumnValue]) throws -> [Problem] {
        try SQLiteSource.read(source.db, path: source.path, table: table) { db in
            let stmt = try rowStatement ?? db.prepare("\(select) WHERE tbl = ? AND row = ? ORDER BY seq")
            rowStatement = stmt
            defer { stmt.reset() }
            try stmt.bind(1, table)
            try stmt.bind(2, rowid)
            return try read(stmt) { _, _ in key }
        }
    }

    /// The problems a clause selects, each with its row's key read from the snapshot.
    private func problems(_ clause: String) throws -> [Problem] {
        try SQLiteSource.read(source.db, path: source.path, table: nil) { db in
            try read(db.prepare("\(select) \(clause)")) { table, rowid in
                source.schema.table(table).map { source.keyParts($0, rowid: rowid) } ?? []
            }
        }
    }

    private let select = "SELECT kind, tbl, row, col, value, detail, length, lim FROM \(SQLiteScratch.problems)"

    /// The problems a statement over `select` returns.
    private func read(_ stmt: SQLiteStatement, key: (String, Int64) -> [ColumnValue]) throws -> [Problem] {
        var found: [Problem] = []
        while try stmt.step() {
            let table = stmt.string(1), rowid = stmt.int64(2)
            func text(_ i: Int32) -> String? { stmt.isNull(i) ? nil : stmt.string(i) }
            func int(_ i: Int32) -> Int? { stmt.isNull(i) ? nil : Int(stmt.int64(i)) }
            found.append(
                Problem(
                    kind: Problem.Kind(rawValue: stmt.string(0)) ?? .referencesLeftOutRow, table: table, rowid: rowid, key: key(table, rowid),
                    column: text(3), value: text(4), detail: stmt.string(5), length: int(6), limit: int(7)))
        }
        return found
    }
}
