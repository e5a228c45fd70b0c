import SQLite

extension SQLiteStatement {
    /// Cell `column` of the current row for messages: numbers as they are, text quoted and
    /// shortened, blobs by size, NULL as NULL.
    func display(_ column: Int32) -> String {
        switch storage(column) {
        case .null: "NULL"
        case .integer, .real: string(column)
        case .blob: "<blob of \(bytes(column).count) bytes>"
        case .text: displayValue(string(column))
        }
    }
}
