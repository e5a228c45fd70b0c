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
        // Many tuple edges around the 1 MiB chunk ends, and one tuple of 3 MiB.
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

    /// The first chunk (1 MiB) ends at every byte of the second tuple's field count, its first
    /// length word, its integer and its second length word.
    func testAChunkEndInsideEveryPartOfATuple() throws {
        let header = 19, fixed = 2 + 4 + 8 + 4  // field count, int8 field, text length word
        for delta in 0..<(fixed + 2) {
            let first = (1 << 20) - delta - header - fixed
            let sizes = [first, 5, 7]
            let reader = try BundleTupleReader(path: try file(sizes), fields: 2)
            for (i, size) in sizes.enumerated() {
                let tuple = try XCTUnwrap(try reader.next(), "delta \(delta), tuple \(i)")
                XCTAssertEqual(tuple.value(0).map { Int64(bigEndian: $0.loadUnaligned(as: Int64.self)) }, Int64(i))
                XCTAssertEqual(tuple.value(1)?.count, size, "delta \(delta)")
            }
            XCTAssertNil(try reader.next())
        }
    }

    func testDataThatIsNotBinaryCopyIsNamedSo() throws {
        let path = directory.appendingPathComponent("text.bin").path
        try Data(String(repeating: "not a copy file\n", count: 10).utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try BundleTupleReader(path: path, fields: 2).next()) { error in
            XCTAssertTrue("\(error)".contains("is not binary COPY data (binary COPY data does not start with the PGCOPY signature"), "\(error)")
        }
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
