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

extension PGError {
    /// Reads every error field of a failed result.
    init(operation: String, result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let p = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: p)
        }
        let primary = field("M") ?? String(cString: PQresultErrorMessage(result))
        self.init(operation: operation, sqlState: field("C"),
                  message: primary.trimmingTrailingNewlines(), detail: field("D"), hint: field("H"),
                  context: field("W"), table: field("t"), column: field("c"), constraint: field("n"))
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while s.last == "\n" { s = s.dropLast() }
        return String(s)
    }
}
