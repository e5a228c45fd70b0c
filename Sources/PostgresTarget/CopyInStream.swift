import CLibPQ

/// One binary `COPY FROM STDIN` in progress, sending rows in CopyData messages of about 64 KiB.
///
/// Rows go into a buffer that is sent when it holds a message's worth; nothing is allocated per
/// row or per cell.
///
/// The message size matters: the server reads a whole message before it parses any of it, so
/// 1 MiB messages make client and server take turns, while 64 KiB (the server's own COPY read
/// buffer) lets them work at the same time: the metrics COPY of 1M rows took 2.5 s with 1 MiB
/// messages and 1.1 s with 64 KiB (16 KiB: 1.2 s).
///
/// In raw mode the caller sends complete binary COPY data (header, tuples, trailer) as it is, for
/// example a bundle's data file, with `send(raw:)`.
public final class CopyInStream {
    let connection: PGConnection
    let operation: String
    /// Encode each row into this buffer between `beginRow` and the next row.
    public let buffer = BinaryTupleBuffer(capacity: 1 << 17)
    /// The largest CopyData message sent.
    static let messageSize = 1 << 16
    private let raw: Bool
    private var finished = false

    init(connection: PGConnection, operation: String, raw: Bool) {
        self.connection = connection
        self.operation = operation
        self.raw = raw
        if !raw { buffer.header() }
    }

    /// Sends bytes of complete binary COPY data as they are (raw mode).
    public func send(raw bytes: UnsafeRawBufferPointer) throws {
        precondition(raw)
        try put(bytes)
    }

    /// Sends the buffer once it holds a chunk's worth; call between rows.
    @inline(__always)
    public func rowDone() throws {
        if buffer.count >= Self.messageSize { try flush() }
    }

    /// Ends the data, waits for the server and returns the number of rows it stored.
    @discardableResult
    public func finish() throws -> Int {
        precondition(!finished)
        if !raw { buffer.trailer() }
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
        try put(buffer.bytes)
        buffer.removeAll()
    }

    /// Sends bytes as CopyData messages of at most `messageSize`.
    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = min(Self.messageSize, bytes.count - offset)
            let ok = PQputCopyData(connection.handle, (base + offset).assumingMemoryBound(to: CChar.self), Int32(n))
            guard ok == 1 else { throw connection.lastError(operation: operation) }
            offset += n
        }
    }
}
