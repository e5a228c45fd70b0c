/// A column name and a value displayed for an operator (`key='lr'`), as errors and reports show rows.
public struct ColumnValue: Codable, Sendable, Equatable {
    public let column: String
    /// Already shortened and quoted (`displayValue`), or `NULL`.
    public let value: String

    public init(column: String, value: String) {
        self.column = column
        self.value = value
    }
}
