/// An error SQLite returned, with the code, its message and the SQL that failed.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`SQLITE_NOTADB` is 26, `SQLITE_CORRUPT` 11, ...).
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// True when another connection holds the lock this one needed (SQLITE_BUSY or SQLITE_LOCKED).
    public var isLocked: Bool { code & 0xFF == 5 || code & 0xFF == 6 }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " - while executing `\(sql)`" }
        return text
    }
}
