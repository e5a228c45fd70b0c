/// One left-out row as written to `rows/<table>.jsonl`.
struct RejectedRow: Codable {
    struct Cell: Codable {
        let column: String
        /// SQLite storage class: integer, real, text, blob or null.
        let type: String
        /// integer: the decimal value; real: the IEEE-754 bits as 16 hex digits.
        let value: String?
        /// text and blob: the exact bytes, base64.
        let base64: String?
    }

    let table: String
    let rowid: Int64
    let reasons: [String]
    let details: [String]
    let cells: [Cell]
}
