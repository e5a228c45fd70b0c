/// The rows an import leaves out under a policy: the rows with a skipped problem, and every row
/// that references one of them through a foreign key (which PostgreSQL would otherwise reject).
struct LeftOutRows {
    private(set) var rowids: [String: Set<Int64>] = [:]
    /// The problems that put each row here, cascades included.
    private(set) var problems: [Problem] = []

    /// Nothing left out.
    static let none = LeftOutRows()

    private init() {}

    init(problems found: [Problem], policy: RejectPolicy, source: SQLiteSource) throws {
        for p in found where policy.skip.contains(p.kind) {
            rowids[p.table, default: []].insert(p.rowid)
            problems.append(p)
        }
        guard !rowids.isEmpty else { return }
        // Parents come before children in the schema's order; repeat until nothing new is added.
        var changed = true
        while changed {
            changed = false
            for fk in source.schema.foreignKeys {
                guard let parentRows = rowids[fk.parent], !parentRows.isEmpty, let child = source.schema.table(fk.table) else { continue }
                let list = parentRows.sorted().map(String.init).joined(separator: ",")
                let sql =
                    "SELECT DISTINCT c.rowid FROM \(sqlQuote(fk.table)) c JOIN \(sqlQuote(fk.parent)) p ON \(fk.joinCondition) WHERE p.rowid IN (\(list))"
                for rowid in try source.rowids(sql, table: fk.table) where !(rowids[fk.table]?.contains(rowid) ?? false) {
                    rowids[fk.table, default: []].insert(rowid)
                    problems.append(
                        Problem(
                            kind: .referencesLeftOutRow, table: fk.table, rowid: rowid, key: source.keyParts(child, rowid: rowid),
                            column: fk.columns.joined(separator: ", "), value: nil,
                            detail: "references a row of \(fk.parent) that is left out (constraint \(fk.name))",
                            length: nil, limit: nil))
                    changed = true
                }
            }
        }
    }
}
