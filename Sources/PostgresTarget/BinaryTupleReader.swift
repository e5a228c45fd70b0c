/// Splits binary COPY data into tuples, reusing one offsets buffer.
///
/// Every length is checked against the bytes that are there before it is used: the header
/// extension, each tuple's field count (exactly `fields`, when given) and each field's length
/// (-1 for NULL, else 0 or more). Damaged data is an error, never a read outside `data`.
public final class BinaryTupleReader {
    private let offsets: UnsafeMutableBufferPointer<Int>
    /// Every tuple must have exactly this many fields (nil: any number up to 256).
    private let fields: Int?
    private var sawHeader = false
    /// True once the trailer (-1) was read.
    public private(set) var ended = false

    /// The header: signature, flags, extension length.
    static let headerSize = 11 + 4 + 4

    /// A reader for a COPY stream (`expectHeader`) or for bare tuples from a `BinaryTupleBuffer`,
    /// whose tuples have exactly `fields` fields (a table's columns) or, when nil, up to 256.
    public init(expectHeader: Bool = true, fields: Int? = nil) {
        offsets = .allocate(capacity: max(1, fields ?? 256))
        self.fields = fields
        sawHeader = !expectHeader
    }

    deinit {
        offsets.deallocate()
    }

    /// Calls `body` for each tuple in `data`, which holds whole tuples (the header may lead).
    public func read(_ data: UnsafeRawBufferPointer, _ body: (BinaryTuple) throws -> Void) throws {
        var at = 0
        while let tuple = try tuple(in: data, at: &at) { try body(tuple) }
    }

    /// The tuple at `offset` in `data` (skipping the header first if expected), advancing `offset` past it; nil at
    /// the end of `data` or at the trailer.
    ///
    /// Valid until the next call.
    @inline(__always)
    public func tuple(in data: UnsafeRawBufferPointer, at offset: inout Int) throws -> BinaryTuple? {
        if !sawHeader {
            guard data.count >= min(Self.headerSize, 11) else { throw ReadError.truncated }
            guard data.prefix(11).elementsEqual(BinaryTupleBuffer.signature.prefix(data.count)) else { throw ReadError.badHeader }
            guard data.count >= Self.headerSize else { throw ReadError.truncated }
            // Flags: bit 16 means OIDs follow, and bits 16-31 are ones a reader must not ignore.
            let flags = UInt32(bigEndian: data.loadUnaligned(fromByteOffset: 11, as: UInt32.self))
            guard flags & 0xFFFF_0000 == 0 else { throw ReadError.badHeader }
            let extensionLength = Int(Int32(bigEndian: data.loadUnaligned(fromByteOffset: 15, as: Int32.self)))
            guard extensionLength >= 0 else { throw ReadError.badLength(extensionLength) }
            guard Self.headerSize + extensionLength <= data.count else { throw ReadError.truncated }
            offset = Self.headerSize + extensionLength
            sawHeader = true
        }
        guard offset < data.count, !ended else { return nil }
        guard offset + 2 <= data.count else { throw ReadError.truncated }
        let fields = Int(Int16(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        if fields == -1 {
            ended = true
            offset += 2
            return nil
        }
        guard fields >= 0, fields <= offsets.count, self.fields.map({ $0 == fields }) ?? true else {
            throw ReadError.fieldCount(fields, expected: self.fields)
        }
        let start = offset
        var at = offset + 2
        for i in 0..<fields {
            guard at + 4 <= data.count else { throw ReadError.truncated }
            offsets[i] = at - start
            let length = Int(Int32(bigEndian: data.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            guard length >= -1 else { throw ReadError.badLength(length) }
            at += 4 + max(0, length)
            guard at <= data.count else { throw ReadError.truncated }
        }
        offset = at
        return BinaryTuple(bytes: UnsafeRawBufferPointer(rebasing: data[start..<at]), fieldStart: offsets, fieldCount: fields)
    }

    /// COPY data that does not follow the binary format.
    public enum ReadError: Error, CustomStringConvertible {
        case badHeader, truncated
        /// A tuple with another number of fields than its table has (`expected`), or an impossible one.
        case fieldCount(Int, expected: Int?)
        /// A negative length other than -1 (NULL), in a field or the header extension.
        case badLength(Int)

        public var description: String {
            switch self {
            case .badHeader: "binary COPY data does not start with the PGCOPY signature and supported flags"
            case .truncated: "binary COPY data ends inside a tuple"
            case let .fieldCount(n, expected?): "a binary COPY tuple with \(n) fields where the table has \(expected)"
            case let .fieldCount(n, nil): "a binary COPY tuple with \(n) fields"
            case .badLength(let n): "a binary COPY length of \(n)"
            }
        }
    }
}
