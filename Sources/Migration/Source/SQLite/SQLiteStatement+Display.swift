import SQLite

/// A cell for messages: numbers as they are, text quoted and shortened, NULL as NULL.
func displayCell(_ stmt: SQLiteStatement, _ column: Int32) -> String {
    switch stmt.storage(column) {
    case .null: "NULL"
    case .integer, .real: stmt.string(column)
    case .blob: "<blob of \(stmt.withBytes(column) { $0.count }) bytes>"
    case .text: displayValue(stmt.string(column))
    }
}
