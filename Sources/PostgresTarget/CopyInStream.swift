import CLibPQ

/// One `COPY ... FROM STDIN (FORMAT binary)` in progress: encodes fields into a buffer and sends it.
///
/// The hot path appends into one preallocated buffer; nothing is allocated per row or per cell.
/// Format: <https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4>.
public final class CopyInStream {
    let connection: PGConnection
    let operation: String
    private let capacity: Int
    private let buffer: UnsafeMutableRawPointer
    private var used = 0
    private var finished = false
    /// Rows begun so far.
    public private(set) var rows = 0

    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xff, 0x0d, 0x0a, 0x00]

    init(connection: PGConnection, operation: String, capacity: Int = 1 << 20) {
        self.connection = connection
        self.operation = operation
        self.capacity = capacity
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        Self.signature.withUnsafeBytes { append($0) }
        appendInt32(0)  // flags
        appendInt32(0)  // header extension length
    }

    deinit {
        buffer.deallocate()
    }

    /// Starts a row of `fields` fields.
    @inline(__always)
    public func beginRow(fields: Int) throws {
        if used > capacity - 64 { try flush() }
        rows += 1
        appendInt16(Int16(fields))
    }

    /// A NULL field.
    @inline(__always)
    public func null() throws {
        try reserve(4)
        appendInt32(-1)
    }

    @inline(__always)
    public func int4(_ value: Int32) throws {
        try reserve(8)
        appendInt32(4)
        appendInt32(value)
    }

    @inline(__always)
    public func int8(_ value: Int64) throws {
        try reserve(12)
        appendInt32(8)
        buffer.storeBytes(of: value.bigEndian, toByteOffset: used, as: Int64.self)
        used += 8
    }

    /// A `double precision` field with exactly these IEEE bits.
    @inline(__always)
    public func float8(_ value: Double) throws {
        try int8(Int64(bitPattern: value.bitPattern))
    }

    @inline(__always)
    public func bool(_ value: Bool) throws {
        try reserve(5)
        appendInt32(1)
        buffer.storeBytes(of: value ? 1 : 0, toByteOffset: used, as: UInt8.self)
        used += 1
    }

    /// A field whose binary form is these bytes (text, varchar, json as UTF-8; bytea as is).
    @inline(__always)
    public func bytes(_ bytes: UnsafeRawBufferPointer) throws {
        try reserve(4)
        appendInt32(Int32(bytes.count))
        if bytes.count <= capacity - used {
            append(bytes)
        } else {
            try flush()
            if bytes.count <= capacity { append(bytes) } else { try send(bytes) }
        }
    }

    /// Ends the data, waits for the server and returns the number of rows it stored.
    @discardableResult
    public func finish() throws -> Int {
        precondition(!finished)
        try reserve(2)
        appendInt16(-1)
        try flush()
        finished = true
        return try connection.endCopy(errorMessage: nil, operation: operation)
    }

    /// Abandons the COPY: the server discards what it received and reports an error.
    public func abort(_ reason: String) {
        guard !finished else { return }
        finished = true
        _ = try? connection.endCopy(errorMessage: reason, operation: operation)
    }

    @inline(__always)
    private func reserve(_ n: Int) throws {
        if used + n > capacity { try flush() }
    }

    @inline(__always)
    private func appendInt16(_ v: Int16) {
        buffer.storeBytes(of: v.bigEndian, toByteOffset: used, as: Int16.self)
        used += 2
    }

    @inline(__always)
    private func appendInt32(_ v: Int32) {
        buffer.storeBytes(of: v.bigEndian, toByteOffset: used, as: Int32.self)
        used += 4
    }

    @inline(__always)
    private func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        (buffer + used).copyMemory(from: base, byteCount: bytes.count)
        used += bytes.count
    }

    private func flush() throws {
        guard used > 0 else { return }
        try send(UnsafeRawBufferPointer(start: buffer, count: used))
        used = 0
    }

    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        let ok = PQputCopyData(connection.handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        guard ok == 1 else { throw connection.lastError(operation: operation) }
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
