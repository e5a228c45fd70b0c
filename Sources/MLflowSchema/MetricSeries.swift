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

extension TableSpec {
    /// The columns that pair a source row with a target row when they differ: the primary key
    /// without its float and boolean columns (metrics' key includes the value itself).
    public var matchColumns: [String] {
        let key = primaryKey.filter { name in
            guard let type = column(name)?.pgType else { return false }
            return type != .float8 && type != .bool
        }
        if !key.isEmpty { return key }
        if !primaryKey.isEmpty { return primaryKey }
        return loadedColumns.filter { $0.pgType != .float8 }.map(\.name)
    }
}
