import CSQLite3

/// SQLite's fundamental datatypes, as `sqlite3_column_type` returns them.
public enum SQLiteStorageClass: Int32, Sendable {
    case integer = 1, real = 2, text = 3, blob = 4, null = 5

    /// The name `typeof()` gives.
    public var name: String {
        switch self {
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        case .null: "null"
        }
    }
}
