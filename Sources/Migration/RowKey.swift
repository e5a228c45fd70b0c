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

/// Shortens a value for display: quoted, control characters escaped, at most `limit` characters.
public func displayValue(_ text: String, limit: Int = 60) -> String {
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == limit { out += "…"; break }
        switch scalar {
        case "\0": out += "\\0"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "'": out += "\\'"
        case "\\": out += "\\\\"
        default: out.unicodeScalars.append(scalar)
        }
        count += 1
    }
    return "'\(out)'"
}
