import MLflowSchema

extension ForeignKeySpec {
    /// The join of a child row `c` to its parent row `p` in SQLite SQL: `p."id" = c."run_id" AND ...`.
    var joinCondition: String {
        zip(columns, parentColumns).map { "p.\(sqlQuote($1)) = c.\(sqlQuote($0))" }.joined(separator: " AND ")
    }
}
