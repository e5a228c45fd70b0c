/// Splits binary COPY data into tuples, reusing one offsets buffer.
public final class BinaryTupleReader {
    private let offsets: UnsafeMutableBufferPointer<Int>
    private var sawHeader = false
    /// True once the trailer (-1) was read.
    public private(set) var ended = false

    /// The header: signature, flags, extension length.
    static let headerSize = 11 + 4 + 4

    /// A reader for a COPY stream (`expectHeader`) or for bare tuples from a `BinaryTupleBuffer`.
    public init(expectHeader: Bool = true, maxFields: Int = 256) {
        offsets = .allocate(capacity: maxFields)
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

    /// The tuple at `offset` in `data` (skipping the header first if expected), advancing
    /// `offset` past it; nil at the end of `data` or at the trailer. Valid until the next call.
    @inline(__always)
    public func tuple(in data: UnsafeRawBufferPointer, at offset: inout Int) throws -> BinaryTuple? {
        if !sawHeader {
            guard data.count >= Self.headerSize,
                data.prefix(11).elementsEqual(BinaryTupleBuffer.signature)
            else { throw ReadError.badHeader }
            let extensionLength = Int(Int32(bigEndian: data.loadUnaligned(fromByteOffset: 15, as: Int32.self)))
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
        guard fields >= 0, fields <= offsets.count else { throw ReadError.tooManyFields(fields) }
        let start = offset
        var at = offset + 2
        for i in 0..<fields {
            guard at + 4 <= data.count else { throw ReadError.truncated }
            offsets[i] = at - start
            let length = Int(Int32(bigEndian: data.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            at += 4 + max(0, length)
            guard at <= data.count else { throw ReadError.truncated }
        }
        offset = at
        return BinaryTuple(bytes: UnsafeRawBufferPointer(rebasing: data[start..<at]), fieldStart: offsets, fieldCount: fields)
    }

    /// COPY data that does not follow the binary format.
    public enum ReadError: Error, CustomStringConvertible {
        case badHeader, truncated, tooManyFields(Int)

        public var description: String {
            switch self {
            case .badHeader: "binary COPY data does not start with the PGCOPY signature"
            case .truncated: "binary COPY data ends inside a tuple"
            case .tooManyFields(let n): "binary COPY tuple with \(n) fields"
            }
        }
    }
}
