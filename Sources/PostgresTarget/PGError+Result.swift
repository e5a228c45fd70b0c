import CLibPQ

extension PGError {
    /// Reads every error field of a failed result.
    init(operation: String, result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let p = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: p)
        }
        let primary = field("M") ?? String(cString: PQresultErrorMessage(result))
        self.init(
            operation: operation, sqlState: field("C"),
            message: primary.trimmingTrailingNewlines(), detail: field("D"), hint: field("H"),
            context: field("W"), table: field("t"), column: field("c"), constraint: field("n"))
    }
}
