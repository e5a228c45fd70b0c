import Foundation
import PostgresTarget
import XCTest

/// The binary COPY encoder against a real server: every value comes back with the same bits.
final class CopyInStreamTests: XCTestCase {
    func connect() throws -> PGConnection {
        let env = ProcessInfo.processInfo.environment
        guard env["PGHOST"] != nil else {
            if env["MLFLOW_PG_REQUIRE_INTEGRATION"] == "1" { XCTFail("PGHOST not set") }
            throw XCTSkip("PGHOST not set: run through scripts/test.sh")
        }
        let conn = try PGConnection(conninfo: "dbname=postgres", applicationName: "copy-tests")
        try conn.execute("BEGIN")
        try conn.execute("CREATE TEMP TABLE t (i4 integer, i8 bigint, f double precision, b boolean, s text, v varchar(3), j json, y bytea, d date)")
        return conn
    }

    func testValuesSurviveBitForBit() throws {
        let conn = try connect()
        let doubles: [Double] = [
            0, -0.0, .nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, 1.0 / 3.0,
        ]
        let stream = try conn.copyIn(table: "t", columns: ["i4", "i8", "f", "b", "s", "v", "j", "y", "d"])
        for (n, value) in doubles.enumerated() {
            stream.buffer.beginRow(fields: 9)
            stream.buffer.int4(n == 0 ? .min : .max)
            stream.buffer.int8(n == 0 ? .min : Int64(n))
            stream.buffer.float8(value)
            stream.buffer.bool(n % 2 == 0)
            let text = n == 1 ? "" : "\\N\t🚀\(n)"
            Array(text.utf8).withUnsafeBytes { stream.buffer.bytes($0) }
            if n == 2 { stream.buffer.null() } else { Array("äb".utf8).withUnsafeBytes { stream.buffer.bytes($0) } }
            Array("{\"a\": [1, 2]}".utf8).withUnsafeBytes { stream.buffer.bytes($0) }
            ([0, 255, 10] as [UInt8]).withUnsafeBytes { stream.buffer.bytes($0) }
            stream.buffer.int4(Int32(n))
        }
        XCTAssertEqual(try stream.finish(), doubles.count)
        let rows = try conn.query(
            """
            SELECT encode(float8send(f), 'hex'), i4, i8, b, s, v IS NULL, v, j::text, encode(y, 'hex'), d::text
            FROM t ORDER BY i8
            """
        ).rows
        XCTAssertEqual(rows.count, doubles.count)
        for (n, value) in doubles.enumerated() {
            let row = rows[n]
            let bits = String(value.bitPattern, radix: 16)
            XCTAssertEqual(row[0], String(repeating: "0", count: 16 - bits.count) + bits, "double \(value)")
            XCTAssertEqual(row[1], n == 0 ? "-2147483648" : "2147483647")
            XCTAssertEqual(row[2], n == 0 ? "-9223372036854775808" : String(n))
            XCTAssertEqual(row[3], n % 2 == 0 ? "t" : "f")
            XCTAssertEqual(row[4], n == 1 ? "" : "\\N\t🚀\(n)")
            XCTAssertEqual(row[5], n == 2 ? "t" : "f")
            XCTAssertEqual(row[6], n == 2 ? nil : "äb")
            XCTAssertEqual(row[7], "{\"a\": [1, 2]}")
            XCTAssertEqual(row[8], "00ff0a")
        }
        for (n, row) in rows.enumerated() { XCTAssertEqual(row[9], String(format: "2000-01-%02d", n + 1)) }
    }

    func testServerRejectionCarriesLineAndColumn() throws {
        let conn = try connect()
        let stream = try conn.copyIn(table: "t", columns: ["v"])
        for text in ["ok", "abcd"] {
            stream.buffer.beginRow(fields: 1)
            Array(text.utf8).withUnsafeBytes { stream.buffer.bytes($0) }
        }
        XCTAssertThrowsError(try stream.finish()) { error in
            let pg = error as? PGError
            XCTAssertEqual(pg?.sqlState, "22001")
            XCTAssertEqual(pg?.copyLine, 2)
            XCTAssertEqual(pg?.copyColumn, "v")
        }
    }

    func testLargeFieldsStreamThroughTheBuffer() throws {
        let conn = try connect()
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let stream = try conn.copyIn(table: "t", columns: ["s"])
        for _ in 0..<2 {
            stream.buffer.beginRow(fields: 1)
            big.withUnsafeBytes { stream.buffer.bytes($0) }
        }
        XCTAssertEqual(try stream.finish(), 2)
        XCTAssertEqual(try conn.query("SELECT sum(length(s)) FROM t").scalar, String(2 * big.count))
    }
}
