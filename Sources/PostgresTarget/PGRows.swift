import CLibPQ

/// The rows of a finished query, copied out of libpq as text.
public struct PGRows: Sendable {
    /// Column names in result order.
    public let columns: [String]
    /// Each row's values as text, NULL as nil.
    public let rows: [[String?]]

    init(_ result: OpaquePointer) {
        let nrows = PQntuples(result), ncols = PQnfields(result)
        columns = (0..<ncols).map { String(cString: PQfname(result, $0)) }
        rows = (0..<nrows).map { r in
            (0..<ncols).map { c in
                PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c))
            }
        }
    }

    /// The first column of the first row, if any.
    public var scalar: String? { rows.first?.first ?? nil }
}
