/// Builds canonical rows: the form in which mlflow-verify compares a source row with a target row.
///
/// A canonical row is framed like a binary COPY tuple (a 16-bit field count, then per field a
/// 32-bit length, -1 for NULL, and the bytes), so that the digest and the differ read it as one.
/// Its values, by the column's PostgreSQL type:
/// - `integer`, `bigint`: the value as a 64-bit big-endian two's complement integer (8 bytes);
/// - `double precision`: the IEEE-754 bits, big-endian (8 bytes);
/// - `boolean`: one byte, 0 or 1;
/// - `varchar`, `text`, `json`, `bytea`: the bytes as stored;
/// - `date`: the ISO text `YYYY-MM-DD`.
///
/// This writer is the verifier's own: it shares no code with the encoder (`RowEncoder`,
/// `BinaryTupleBuffer`), so that a fault in the encoder cannot hide itself on both sides.
final class CanonicalTupleBuffer {
    private var base: UnsafeMutableRawPointer
    private var capacity = 1 << 12
    private var count = 0

    init() { base = .allocate(byteCount: capacity, alignment: 8) }

    deinit { base.deallocate() }

    /// The row so far; valid until the buffer is written to again.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the row, keeping the memory.
    @inline(__always)
    func removeAll() { count = 0 }

    /// Starts a row of `fields` fields.
    @inline(__always)
    func beginRow(fields: Int) { append(UInt16(truncatingIfNeeded: fields).bigEndian) }

    @inline(__always)
    func null() { append(Int32(-1).bigEndian) }

    /// An integer of any width.
    @inline(__always)
    func integer(_ value: Int64) {
        append(Int32(8).bigEndian)
        append(value.bigEndian)
    }

    @inline(__always)
    func double(bits: UInt64) {
        append(Int32(8).bigEndian)
        append(bits.bigEndian)
    }

    @inline(__always)
    func boolean(_ value: UInt8) {
        append(Int32(1).bigEndian)
        append(value)
    }

    /// Text, JSON, a date's ISO text or bytea: the bytes as they are.
    @inline(__always)
    func raw(_ value: UnsafeRawBufferPointer) {
        append(Int32(value.count).bigEndian)
        reserve(value.count)
        if let source = value.baseAddress, value.count > 0 { (base + count).copyMemory(from: source, byteCount: value.count) }
        count += value.count
    }

    /// Appends a fixed-width value's bytes in memory order (callers pass it big-endian).
    @inline(__always)
    private func append<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        (base + count).storeBytes(of: value, as: T.self)
        count += MemoryLayout<T>.size
    }

    @inline(__always)
    private func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        while count + n > capacity { capacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
    }
}
