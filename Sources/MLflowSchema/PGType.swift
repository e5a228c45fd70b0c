/// A PostgreSQL column type that the schema map knows how to load, parsed from `format_type()`.
public enum PGType: Sendable, Equatable, CustomStringConvertible {
    case int4
    case int8
    case float8
    case bool
    /// `text` (`maxCharacters == nil`) or `character varying(n)`.
    case text(maxCharacters: Int?)
    /// `json`: the text as it is; PostgreSQL checks its syntax.
    case json
    /// `date`: ISO `YYYY-MM-DD` text in SQLite.
    case date
    case bytea

    /// Parses a `format_type()` string such as `character varying(250)`; nil for unknown types.
    public init?(formatType: String) {
        switch formatType {
        case "integer": self = .int4
        case "bigint": self = .int8
        case "double precision": self = .float8
        case "boolean": self = .bool
        case "text": self = .text(maxCharacters: nil)
        case "json": self = .json
        case "date": self = .date
        case "bytea": self = .bytea
        default:
            let prefix = "character varying("
            guard formatType.hasPrefix(prefix), formatType.hasSuffix(")"),
                let n = Int(formatType.dropFirst(prefix.count).dropLast()), n > 0
            else { return nil }
            self = .text(maxCharacters: n)
        }
    }

    /// The type as PostgreSQL's `format_type()` spells it.
    public var description: String {
        switch self {
        case .int4: "integer"
        case .int8: "bigint"
        case .float8: "double precision"
        case .bool: "boolean"
        case .text(nil): "text"
        case .text(let n?): "character varying(\(n))"
        case .json: "json"
        case .date: "date"
        case .bytea: "bytea"
        }
    }
}
