/// The primary-key values that name one source row in messages: `(key='lr', run_uuid='a1b2')`.
public struct RowKey: Sendable, CustomStringConvertible, Equatable {
    /// In key order.
    public let parts: [ColumnValue]

    public init(parts: [ColumnValue]) {
        self.parts = parts
    }

    public var description: String {
        "(" + parts.map { "\($0.column)=\($0.value)" }.joined(separator: ", ") + ")"
    }
}
