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

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xff }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " - while executing `\(sql)`" }
        return text
    }
}

extension SQLiteError {
    /// `SQLITE_NOTADB`: the file is not a database.
    public static let notADatabase: Int32 = 26
    /// `SQLITE_CORRUPT`: the database disk image is malformed.
    public static let corrupt: Int32 = 11
    /// `SQLITE_CANTOPEN`: unable to open the database file.
    public static let cantOpen: Int32 = 14
}
