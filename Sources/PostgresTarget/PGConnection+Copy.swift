import CLibPQ

extension PGConnection {
    /// Starts `COPY table (columns) FROM STDIN (FORMAT binary)`; call `finish()` or `abort(_:)`.
    ///
    /// With `raw`, the caller sends complete binary COPY data itself (`send(raw:)`).
    public func copyIn(table: String, columns: [String], raw: Bool = false) throws -> CopyInStream {
        let list = columns.map(quoteIdentifier).joined(separator: ", ")
        let sql = "COPY \(quoteIdentifier(table)) (\(list)) FROM STDIN (FORMAT binary)"
        let operation = "COPY \(table)"
        guard let result = PQexec(handle, sql) else { throw lastError(operation: operation) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_IN else {
            throw PGError(operation: operation, result: result)
        }
        return CopyInStream(connection: self, operation: operation, raw: raw)
    }

    func endCopy(errorMessage: String?, operation: String) throws -> Int {
        guard PQputCopyEnd(handle, errorMessage) == 1 else { throw lastError(operation: operation) }
        var failure: PGError?
        var count = 0
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK: count = Int(String(cString: PQcmdTuples(result))) ?? 0
            default: if failure == nil { failure = PGError(operation: operation, result: result) }
            }
        }
        if let failure { throw failure }
        if PQstatus(handle) != CONNECTION_OK { throw lastError(operation: operation) }
        return count
    }
}
