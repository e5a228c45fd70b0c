/// The rows an import leaves out under a policy: the rows with a skipped problem, and every row
/// that references one of them through a foreign key (which PostgreSQL would otherwise reject).
///
/// Chosen in SQL over the source's scratch database, so that neither the rows nor their problems
/// are held in memory; each row a foreign key cascades to gets a `references_left_out_row`
/// problem in the log, for the reject record.
enum LeftOutRows {
    /// Leaves the rows out of the source's later reads; returns the rows left out per table.
    static func choose(from log: ProblemLog, policy: RejectPolicy, source: SQLiteSource) throws -> [String: Int] {
        let skipped = log.counts.keys.filter { policy.skip.contains($0) }.map { sqlLiteral($0.rawValue) }.sorted()
        guard !skipped.isEmpty else { return source.leftOut }
        for table in source.schema.tables {
            try source.leaveOut(
                table.name,
                selecting:
                    "SELECT row FROM \(SQLiteScratch.problems) WHERE tbl = \(sqlLiteral(table.name)) AND kind IN (\(skipped.joined(separator: ", ")))"
            )
        }
        // Parents come before children in the schema's order; repeat until nothing new is added.
        var changed = true
        while changed {
            changed = false
            for fk in source.schema.foreignKeys where (source.leftOut[fk.parent] ?? 0) > 0 {
                let detail = "references a row of \(fk.parent) that is left out (constraint \(fk.name))"
                let added = try source.cascade(fk) { db in
                    try db.execute(
                        """
                        INSERT INTO \(SQLiteScratch.problems) (kind, tbl, row, col, value, detail)
                        SELECT \(sqlLiteral(Problem.Kind.referencesLeftOutRow.rawValue)), \(sqlLiteral(fk.table)), row,
                          \(sqlLiteral(fk.columns.joined(separator: ", "))), NULL, \(sqlLiteral(detail)) FROM \(SQLiteScratch.cascade)
                        """)
                }
                if added > 0 { changed = true }
            }
        }
        return source.leftOut
    }
}
