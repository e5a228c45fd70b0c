/// One reason PostgreSQL would reject a source row, found before anything is written.
public struct Problem: Codable, Sendable {
    /// The kinds of problem, each with its own policy.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case tooLong = "too_long"
        case nulCharacter = "nul_character"
        case invalidUTF8 = "invalid_utf8"
        case integerRange = "integer_range"
        case storageClass = "storage_class"
        case notNull = "not_null"
        case boolean
        case date
        case invalidJSON = "invalid_json"
        case check = "check_violation"
        case orphan
        case duplicateKey = "duplicate_key"
        /// Left out with a row it references (only under `--skip-rows`).
        case referencesLeftOutRow = "references_left_out_row"
    }

    public let kind: Kind
    public let table: String
    /// SQLite's rowid of the row.
    public let rowid: Int64
    /// The row's primary key, displayed.
    public let key: [ColumnValue]
    public let column: String?
    /// The offending value, shortened for display.
    public let value: String?
    public let detail: String
    /// For `too_long`: the value's length in characters and the column's limit.
    public let length: Int?
    public let limit: Int?

    enum CodingKeys: String, CodingKey { case kind, table, rowid, key, column, value, detail, length, limit }

    /// One line for a report: table, key, column, what is wrong.
    public var line: String {
        "table \(table), row \(RowKey(parts: key))" + (column.map { ", column \($0)" } ?? "") + ": \(detail)"
            + (kind == .notNull ? "" : value.map { ": \($0)" } ?? "")
    }
}
