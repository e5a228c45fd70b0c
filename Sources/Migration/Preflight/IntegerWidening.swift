import MLflowSchema

/// The `integer` columns `--widen-integers` makes `bigint`: those holding larger values, and every
/// column that holds the same ids, so that MLflow can go on writing them.
///
/// A column that references a widened one through a foreign key is widened with it (MLflow
/// writes the parent's ids there later, such as a trace into an experiment with an 18-digit id).
/// MLflow also keeps experiment ids without a foreign key (`assessments`, the SQL rollups), so a
/// widened `experiments.experiment_id` widens every `integer` column named `experiment_id`.
enum IntegerWidening {
    /// The columns to widen, as `table.column`, sorted; `outOfRange` are those holding larger values.
    static func columns(_ outOfRange: Set<String>, in schema: SchemaRevision) -> [String] {
        func isInteger(_ table: String, _ column: String) -> Bool {
            schema.table(table)?.column(column)?.pgType == .int4
        }
        var widened = outOfRange.filter { name in
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            return parts.count == 2 && isInteger(parts[0], parts[1])
        }
        if widened.contains("experiments.experiment_id") {
            for table in schema.tables where isInteger(table.name, "experiment_id") { widened.insert("\(table.name).experiment_id") }
        }
        let foreignKeys = schema.foreignKeys
        var changed = true
        while changed {
            changed = false
            for fk in foreignKeys {
                for (column, parentColumn) in zip(fk.columns, fk.parentColumns)
                where widened.contains("\(fk.parent).\(parentColumn)") && isInteger(fk.table, column) {
                    changed = widened.insert("\(fk.table).\(column)").inserted || changed
                }
            }
        }
        return widened.sorted()
    }
}
