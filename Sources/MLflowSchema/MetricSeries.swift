/// Which MLflow tables hold metric series, and the columns that name one series.
///
/// A series is every point one run logged under one key; the verifier checks each separately so
/// that a report can say "run X, metric loss" instead of "metrics differ".
public enum MetricSeries {
    /// Table name to the columns that identify a series.
    public static let tables: [String: [String]] = [
        "metrics": ["run_uuid", "key"],
        "latest_metrics": ["run_uuid", "key"],
    ]

    /// The series columns of a table, if it holds series.
    public static func keyColumns(of table: TableSpec) -> [String]? {
        guard let columns = tables[table.name], columns.allSatisfy({ table.column($0) != nil }) else { return nil }
        return columns
    }
}
