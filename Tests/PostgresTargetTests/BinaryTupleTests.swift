import PostgresTarget
import XCTest

/// Encoding a tuple and reading it back gives the same fields, NULL distinct from ''.
final class BinaryTupleTests: XCTestCase {
    func testRoundTripThroughReader() throws {
        let buffer = BinaryTupleBuffer(capacity: 8)  // small, to exercise growth
        buffer.beginRow(fields: 4)
        buffer.int8(-3)
        buffer.null()
        Array("".utf8).withUnsafeBytes { buffer.bytes($0) }
        buffer.bool(true)
        let reader = BinaryTupleReader(expectHeader: false)
        var tuples = 0
        try reader.read(buffer.bytes) { tuple in
            tuples += 1
            XCTAssertEqual(tuple.fieldCount, 4)
            XCTAssertEqual(tuple.value(0).map { Int64(bigEndian: $0.loadUnaligned(as: Int64.self)) }, -3)
            XCTAssertNil(tuple.value(1))
            XCTAssertEqual(tuple.value(2)?.count, 0)
            XCTAssertEqual(tuple.value(3)?.first, 1)
            XCTAssertNotEqual(Array(tuple.fieldWithLength(1)), Array(tuple.fieldWithLength(2)))
        }
        XCTAssertEqual(tuples, 1)
    }

    func testTruncatedDataIsAnError() {
        let buffer = BinaryTupleBuffer()
        buffer.beginRow(fields: 1)
        buffer.int4(7)
        let cut = UnsafeRawBufferPointer(rebasing: buffer.bytes.dropLast(2))
        XCTAssertThrowsError(try BinaryTupleReader(expectHeader: false).read(cut) { _ in })
        XCTAssertThrowsError(try BinaryTupleReader().read(buffer.bytes) { _ in })  // no header
    }

    /// Damaged lengths are errors, never reads outside the data: a negative or oversized header
    /// extension, OID flags, a field length below -1, a tuple with the wrong number of fields.
    func testDamagedLengthsAreRefused() throws {
        func file(extensionLength: Int32 = 0, flags: UInt32 = 0, fieldLength: Int32 = 4, fields: Int16 = 1) -> [UInt8] {
            var bytes = BinaryTupleBuffer.signature
            withUnsafeBytes(of: flags.bigEndian) { bytes += $0 }
            withUnsafeBytes(of: extensionLength.bigEndian) { bytes += $0 }
            withUnsafeBytes(of: fields.bigEndian) { bytes += $0 }
            withUnsafeBytes(of: fieldLength.bigEndian) { bytes += $0 }
            bytes += [0, 0, 0, 7, 0xFF, 0xFF]
            return bytes
        }
        func error(_ bytes: [UInt8], fields: Int? = 1) -> BinaryTupleReader.ReadError? {
            bytes.withUnsafeBytes { raw in
                do {
                    try BinaryTupleReader(fields: fields).read(raw) { _ in }
                    return nil
                } catch {
                    return error as? BinaryTupleReader.ReadError
                }
            }
        }
        XCTAssertNil(error(file()))
        for (bytes, expected) in [
            (file(extensionLength: -1), "a binary COPY length of -1"),
            (file(extensionLength: .min), "a binary COPY length of -2147483648"),
            (file(extensionLength: 1 << 30), "binary COPY data ends inside a tuple"),
            (file(flags: 1 << 16), "binary COPY data does not start with the PGCOPY signature and supported flags"),
            (file(fieldLength: -2), "a binary COPY length of -2"),
            (file(fieldLength: .min), "a binary COPY length of -2147483648"),
            (file(fieldLength: .max), "binary COPY data ends inside a tuple"),
            (file(fields: -5), "a binary COPY tuple with -5 fields where the table has 1"),
        ] {
            XCTAssertEqual(error(bytes).map(String.init(describing:)), expected)
        }
        XCTAssertEqual(error(file(), fields: 3).map(String.init(describing:)), "a binary COPY tuple with 1 fields where the table has 3")
    }
}
