import CLibPQ

/// Pulls the tuples of a `COPY ... TO STDOUT (FORMAT binary)` one at a time.
///
/// Each CopyData message from the server holds one row (the first also the header); a tuple
/// returned by `next()` is valid until the following call. See
/// <https://www.postgresql.org/docs/15/libpq-copy.html>.
public final class CopyOutReader {
    let connection: PGConnection
    let operation: String
    private let reader: BinaryTupleReader
    private var chunk: UnsafeMutablePointer<CChar>?
    private var chunkSize = 0
    private var offset = 0
    private var done = false

    /// Starts the COPY; every tuple must have exactly `fields` fields.
    public init(connection: PGConnection, sql: String, operation: String, fields: Int) throws {
        self.connection = connection
        self.operation = operation
        self.reader = BinaryTupleReader(fields: fields)
        guard let start = PQexec(connection.handle, sql) else { throw connection.lastError(operation: operation) }
        defer { PQclear(start) }
        guard PQresultStatus(start) == PGRES_COPY_OUT else { throw PGError(operation: operation, result: start) }
    }

    deinit {
        if let chunk { PQfreemem(chunk) }
        if !done {
            // Abandoned midway: consume the rest so the connection can be used again.
            var buffer: UnsafeMutablePointer<CChar>?
            while PQgetCopyData(connection.handle, &buffer, 0) > 0 {
                if let b = buffer { PQfreemem(b) }
                buffer = nil
            }
            try? finish()
        }
    }

    /// The next tuple, or nil when the COPY has ended (its result checked).
    @inline(__always)
    public func next() throws -> BinaryTuple? {
        while true {
            if let chunk {
                let data = UnsafeRawBufferPointer(start: chunk, count: chunkSize)
                if let tuple = try reader.tuple(in: data, at: &offset) { return tuple }
                PQfreemem(chunk)
                self.chunk = nil
            }
            if done { return nil }
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(connection.handle, &buffer, 0)
            if n > 0, let buffer {
                chunk = buffer
                chunkSize = Int(n)
                offset = 0
                continue
            }
            if n == -2 { throw connection.lastError(operation: operation) }
            try finish()
            return nil
        }
    }

    /// Reads the COPY's final result.
    private func finish() throws {
        done = true
        var failure: PGError?
        while let result = PQgetResult(connection.handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                failure = PGError(operation: operation, result: result)
            }
        }
        if let failure { throw failure }
    }
}
