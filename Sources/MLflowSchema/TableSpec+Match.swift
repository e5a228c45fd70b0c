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
