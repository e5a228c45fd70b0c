import Foundation
import PostgresTarget
import XCTest

@testable import Migration

/// Reading a bundle data file in 1 MiB chunks: tuples across chunk boundaries, a tuple larger than
/// the buffer, the file hash, and files that end wrong.
final class BundleTupleReaderTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A binary COPY file of two-field tuples (row number, text of `sizes[i]` bytes); returns its path.
    func file(_ sizes: [Int], trailer: Bool = true, extra: [UInt8] = [], dropLast: Int = 0) throws -> String {
        let buffer = BinaryTupleBuffer()
        buffer.header()
        for (i, size) in sizes.enumerated() {
            buffer.beginRow(fields: 2)
            buffer.int8(Int64(i))
            Array(repeating: UInt8(ascii: "a") + UInt8(i % 26), count: size).withUnsafeBytes { buffer.bytes($0) }
        }
        if trailer { buffer.trailer() }
        var data = Data(buffer.bytes)
        data.append(contentsOf: extra)
        data.removeLast(dropLast)
        let path = directory.appendingPathComponent("t-\(UUID().uuidString).bin").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func testTuplesAcrossChunkBoundariesAndLargerThanTheBuffer() throws {
        // Sizes that put tuple edges at every offset near 1 MiB, and one tuple of 3 MiB.
        var sizes = (0..<300).map { 3_000 + ($0 * 7_919) % 9_000 }
        sizes.insert(3 << 20, at: 150)
        let path = try file(sizes)
        let reader = try BundleTupleReader(path: path, fields: 2)
        var seen = 0
        while let tuple = try reader.next() {
            XCTAssertEqual(tuple.fieldCount, 2)
            XCTAssertEqual(tuple.value(0).map { Int64(bigEndian: $0.loadUnaligned(as: Int64.self)) }, Int64(seen))
            let text = try XCTUnwrap(tuple.value(1))
            XCTAssertEqual(text.count, sizes[seen])
            XCTAssertTrue(text.allSatisfy { $0 == UInt8(ascii: "a") + UInt8(seen % 26) })
            seen += 1
        }
        XCTAssertEqual(seen, sizes.count)
    }

    /// The first tuple larger than the first chunk: the header is read once, not again as a tuple.
    func testAFirstTupleLargerThanTheBuffer() throws {
        let sizes = [5 << 20, 10]
        let reader = try BundleTupleReader(path: try file(sizes), fields: 2)
        XCTAssertEqual(try reader.next()?.value(1)?.count, sizes[0])
        XCTAssertEqual(try reader.next()?.value(1)?.count, sizes[1])
        XCTAssertNil(try reader.next())
    }

    func testAnEmptyTableIsHeaderAndTrailer() throws {
        let reader = try BundleTupleReader(path: try file([]), fields: 2)
        XCTAssertNil(try reader.next())
    }

    func testFilesThatEndWrongAreRefused() throws {
        let cases: [(String, String)] = [
            (try file([10, 2_000_000], trailer: false), "ends inside a row or without the COPY trailer"),
            (try file([10, 2_000_000], dropLast: 5), "ends inside a row or without the COPY trailer"),
            (try file([10], extra: [0, 0, 0]), "has data after the COPY trailer"),
        ]
        for (path, message) in cases {
            let reader = try BundleTupleReader(path: path, fields: 2)
            XCTAssertThrowsError(try { while try reader.next() != nil {} }()) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
        XCTAssertThrowsError(try BundleTupleReader(path: directory.appendingPathComponent("missing").path, fields: 2))
    }
}
