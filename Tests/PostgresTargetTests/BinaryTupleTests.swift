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
}
