import CLibPQ

/// One `COPY ... FROM STDIN (FORMAT binary)` in progress: rows go into a buffer that is sent in
/// chunks of about 1 MiB. Nothing is allocated per row or per cell.
public final class CopyInStream {
    let connection: PGConnection
    let operation: String
    /// Encode each row into this buffer between `beginRow` and the next row.
    public let buffer = BinaryTupleBuffer(capacity: 1 << 20 + 1 << 16)
    private let flushSize = 1 << 20
    private var finished = false

    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xff, 0x0d, 0x0a, 0x00]

    init(connection: PGConnection, operation: String) {
        self.connection = connection
        self.operation = operation
        Self.signature.withUnsafeBytes { buffer.raw($0) }
        buffer.rawInt32(0)  // flags
        buffer.rawInt32(0)  // header extension length
    }

    /// Sends the buffer once it holds a chunk's worth; call between rows.
    @inline(__always)
    public func rowDone() throws {
        if buffer.count >= flushSize { try flush() }
    }

    /// Ends the data, waits for the server and returns the number of rows it stored.
    @discardableResult
    public func finish() throws -> Int {
        precondition(!finished)
        buffer.rawInt16(-1)
        try flush()
        finished = true
        return try connection.endCopy(errorMessage: nil, operation: operation)
    }

    /// Abandons the COPY: the server discards what it received.
    public func abort(_ reason: String) {
        guard !finished else { return }
        finished = true
        _ = try? connection.endCopy(errorMessage: reason, operation: operation)
    }

    private func flush() throws {
        let bytes = buffer.bytes
        guard bytes.count > 0 else { return }
        let ok = PQputCopyData(connection.handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        guard ok == 1 else { throw connection.lastError(operation: operation) }
        buffer.removeAll()
    }
}

extension PGConnection {
    /// Starts `COPY table (columns) FROM STDIN (FORMAT binary)`; call `finish()` or `abort(_:)`.
    public func copyIn(table: String, columns: [String]) throws -> CopyInStream {
        let list = columns.map(quoteIdentifier).joined(separator: ", ")
        let sql = "COPY \(quoteIdentifier(table)) (\(list)) FROM STDIN (FORMAT binary)"
        let operation = "COPY \(table)"
        guard let result = PQexec(handle, sql) else { throw lastError(operation: operation) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_IN else {
            throw PGError(operation: operation, result: result)
        }
        return CopyInStream(connection: self, operation: operation)
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
