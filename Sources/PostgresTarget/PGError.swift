/// An error from PostgreSQL or libpq, with every field the server sent.
///
/// See <https://www.postgresql.org/docs/15/protocol-error-fields.html>.
public struct PGError: Error, CustomStringConvertible, Sendable {
    /// What failed, in the toolkit's words (`connecting`, `COPY metrics`, ...).
    public var operation: String
    /// SQLSTATE (`23505`, `22001`, ...), nil for client-side failures such as a lost connection.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// Where the server was, such as `COPY metrics, line 7, column value`.
    public var context: String?
    public var table: String?
    public var column: String?
    public var constraint: String?

    public init(
        operation: String, sqlState: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, context: String? = nil, table: String? = nil, column: String? = nil,
        constraint: String? = nil
    ) {
        self.operation = operation
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.context = context
        self.table = table
        self.column = column
        self.constraint = constraint
    }

    /// True for authentication failures (wrong password, no pg_hba entry, missing password).
    ///
    /// libpq reports a failed connection by its message only (no SQLSTATE), so the message decides.
    public var isAuthenticationFailure: Bool {
        message.contains("password authentication failed")
            || message.contains("no password supplied")
            || message.contains("no pg_hba.conf entry")
    }

    /// The 1-based data line of a COPY failure, parsed from the context (`COPY t, line N`).
    public var copyLine: Int? {
        guard let context else { return nil }
        let parts = context.split(separator: ",")
        guard let part = parts.first(where: { $0.hasPrefix(" line ") }) else { return nil }
        return Int(part.dropFirst(" line ".count).prefix { $0.isNumber })
    }

    /// The column of a COPY failure: the server's column field, else parsed from the context.
    public var copyColumn: String? {
        if let column { return column }
        guard let context, let part = context.split(separator: ",").first(where: { $0.hasPrefix(" column ") }) else { return nil }
        let name = part.dropFirst(" column ".count)
        return String(name.prefix { $0 != ":" })
    }

    public var description: String {
        var lines = ["PostgreSQL error while \(operation): \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")]
        if let detail { lines.append("  DETAIL: \(detail)") }
        if let hint { lines.append("  HINT: \(hint)") }
        if let context { lines.append("  CONTEXT: \(context)") }
        return lines.joined(separator: "\n")
    }
}
