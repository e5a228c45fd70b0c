/// One binary COPY tuple and where each of its fields lies, for hashing and display.
///
/// Both sides of a verification produce tuples: the SQLite side by encoding a row into a
/// `BinaryTupleBuffer`, the PostgreSQL side by `COPY ... TO STDOUT (FORMAT binary)`.
public struct BinaryTuple {
    /// The whole tuple: field count, then each field's length and bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Field `i` covers `fieldStart[i] ..< fieldStart[i] + 4 + max(0, length)`, length prefix included.
    let fieldStart: UnsafeMutableBufferPointer<Int>
    public let fieldCount: Int

    /// The bytes of field `i` including its 4-byte length prefix (so NULL and '' differ).
    @inline(__always)
    public func fieldWithLength(_ i: Int) -> UnsafeRawBufferPointer {
        let start = fieldStart[i]
        let end = i + 1 < fieldCount ? fieldStart[i + 1] : bytes.count
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// The value bytes of field `i`, or nil for NULL.
    public func value(_ i: Int) -> UnsafeRawBufferPointer? {
        let field = fieldWithLength(i)
        let length = Int32(bigEndian: field.loadUnaligned(as: Int32.self))
        return length < 0 ? nil : UnsafeRawBufferPointer(rebasing: field[4...])
    }
}
