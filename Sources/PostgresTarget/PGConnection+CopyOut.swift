import CLibPQ

extension PGConnection {
    /// Runs `COPY ... TO STDOUT` and hands each CopyData message to `body` (one row per message;
    /// the first also carries the binary header). See <https://www.postgresql.org/docs/15/libpq-copy.html>.
    public func copyOut(_ sql: String, operation: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let start = PQexec(handle, sql) else { throw lastError(operation: operation) }
        let status = PQresultStatus(start)
        if status != PGRES_COPY_OUT {
            defer { PQclear(start) }
            throw PGError(operation: operation, result: start)
        }
        PQclear(start)
        var failure: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(handle, &buffer, 0)
            if n > 0, let buffer {
                if failure == nil {
                    do { try body(UnsafeRawBufferPointer(start: buffer, count: Int(n))) } catch { failure = error }
                }
                PQfreemem(buffer)
                continue
            }
            if n == -2 { throw lastError(operation: operation) }
            break
        }
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                failure = PGError(operation: operation, result: result)
            }
        }
        if let failure { throw failure }
    }
}
