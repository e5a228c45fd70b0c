/// A growable byte buffer that encodes rows as PostgreSQL binary COPY tuples.
///
/// The same bytes serve two purposes: `CopyInStream` sends them to the server, and the verifier
/// hashes them, because a binary COPY field is the canonical form of a value on both sides.
/// Format: <https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4>.
public final class BinaryTupleBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0

    public init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        self.base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit {
        base.deallocate()
    }

    /// The bytes written so far.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the contents, keeping the memory.
    @inline(__always)
    public func removeAll() { count = 0 }

    /// Starts a tuple of `fields` fields.
    @inline(__always)
    public func beginRow(fields: Int) {
        reserve(2)
        store(Int16(fields).bigEndian)
    }

    /// A NULL field.
    @inline(__always)
    public func null() {
        reserve(4)
        store(Int32(-1).bigEndian)
    }

    @inline(__always)
    public func int4(_ value: Int32) {
        reserve(8)
        store(Int32(4).bigEndian)
        store(value.bigEndian)
    }

    @inline(__always)
    public func int8(_ value: Int64) {
        reserve(12)
        store(Int32(8).bigEndian)
        store(value.bigEndian)
    }

    /// A `double precision` field with exactly these IEEE bits.
    @inline(__always)
    public func float8(_ value: Double) {
        int8(Int64(bitPattern: value.bitPattern))
    }

    @inline(__always)
    public func bool(_ value: Bool) {
        reserve(5)
        store(Int32(1).bigEndian)
        store(UInt8(value ? 1 : 0))
    }

    /// A field whose binary form is these bytes (text, varchar and json as UTF-8; bytea as is).
    @inline(__always)
    public func bytes(_ bytes: UnsafeRawBufferPointer) {
        reserve(4 + bytes.count)
        store(Int32(bytes.count).bigEndian)
        raw(bytes)
    }

    /// The signature that starts binary COPY data.
    public static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xff, 0x0d, 0x0a, 0x00]

    /// Appends the binary COPY header: signature, flags 0, no header extension.
    public func header() {
        Self.signature.withUnsafeBytes { raw($0) }
        rawInt32(0)
        rawInt32(0)
    }

    /// Appends the binary COPY trailer (a field count of -1).
    public func trailer() {
        rawInt16(-1)
    }

    /// Appends bytes as they are.
    @inline(__always)
    public func raw(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    private func rawInt16(_ value: Int16) {
        reserve(2)
        store(value.bigEndian)
    }

    private func rawInt32(_ value: Int32) {
        reserve(4)
        store(value.bigEndian)
    }

    @inline(__always)
    private func store<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    @inline(__always)
    private func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        bigger.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }
}
