import CLibPQ

/// One libpq connection: the only owner of a `PGconn*`.
///
/// Not thread-safe and not `Sendable`. See <https://www.postgresql.org/docs/15/libpq-connect.html>.
public final class PGConnection {
    let handle: OpaquePointer

    /// Connects with a libpq URI or `key=value` string; nil or "" uses libpq's environment
    /// (`PGHOST`, `PGDATABASE`, ...) and `~/.pgpass`, as `psql` does.
    public init(conninfo: String?, applicationName: String) throws {
        // libpq's own message for a string it cannot parse can echo the password.
        if let conninfo, !conninfo.isEmpty, let problem = Self.conninfoProblem(conninfo) {
            throw PGError(operation: "reading the connection string", message: "it cannot be parsed: \(problem)")
        }
        let keys = ["dbname", "fallback_application_name"]
        let values = [conninfo ?? "", applicationName]
        let conn: OpaquePointer? = keys.withCStrings { k in
            values.withCStrings { v in PQconnectdbParams(k, v, 1) }
        }
        guard let conn else { throw PGError(operation: "connecting", message: "out of memory") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.redacting(String(cString: PQerrorMessage(conn)).trimmingTrailingNewlines(), from: conninfo)
            PQfinish(conn)
            throw PGError(operation: "connecting", message: message)
        }
        handle = conn
        // Server notices (e.g. "does not exist, skipping") are not for the operator's terminal.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        try execute("SET client_encoding = 'UTF8'")
    }

    deinit {
        PQfinish(handle)
    }

    /// False once the server closed the connection or the socket broke (after a failed call).
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Where the connection went, without the password: `user@host:port/dbname`.
    public var displayName: String {
        func s(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        return "\(s(PQuser(handle)))@\(s(PQhost(handle))):\(s(PQport(handle)))/\(s(PQdb(handle)))"
    }

    /// Runs SQL (one or more statements) that returns no rows needed by the caller.
    public func execute(_ sql: String, operation: String? = nil) throws {
        _ = try query(sql, operation: operation)
    }

    /// Runs one query with text parameters (`$1`, ...) and returns its rows as text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = [], operation: String? = nil) throws -> PGRows {
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(handle, sql)
        } else {
            result = parameters.withOptionalCStrings { values in
                PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
        }
        return try check(result, operation: operation ?? "running `\(sql.prefix(80))`")
    }

    /// Quotes an identifier for SQL (`PQescapeIdentifier`).
    public func quoteIdentifier(_ name: String) -> String {
        guard let p = PQescapeIdentifier(handle, name, name.utf8.count) else { return "\"\(name)\"" }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    func check(_ result: OpaquePointer?, operation: String) throws -> PGRows {
        guard let result else { throw lastError(operation: operation) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGRows(result)
        default:
            throw PGError(operation: operation, result: result)
        }
    }

    /// libpq's last message on this connection, as an error of `operation`.
    public func lastError(operation: String) -> PGError {
        PGError(operation: operation, message: String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())
    }
}
