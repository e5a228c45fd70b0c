import XCTest

@testable import Migration

/// The order-independent table checksum, its buckets and its metric series.
final class TableDigestTests: XCTestCase {
    typealias Row = (String, Double, Int64, String, Int64)
    let rows: [Row] = [("loss", 0.5, 1, "run-a", 0), ("loss", 0.25, 2, "run-a", 1), ("acc", 0.9, 1, "run-a", 0), ("loss", 0.7, 1, "run-b", 0)]

    func digest(_ rows: [Row]) throws -> TableDigest {
        var digest = TableDigest(layout: TableDigest.Layout(TupleFixtures.metrics))
        try digest.add(all: TupleFixtures.reader(rows).next)
        return digest
    }

    func testRowOrderDoesNotMatter() throws {
        let a = try digest(rows), b = try digest(rows.reversed())
        XCTAssertEqual(a.rows, 4)
        XCTAssertEqual(a.checksum, b.checksum)
        XCTAssertEqual(a.buckets, b.buckets)
        XCTAssertTrue(a.differingSeries(from: b).isEmpty)
    }

    func testEveryChangeShowsInTheChecksumAndItsBucketAndSeries() throws {
        let base = try digest(rows)
        var changed = rows
        changed[1].1 = 0.250_000_000_000_000_1  // one ulp-scale change in the value
        let other = try digest(changed)
        XCTAssertNotEqual(base.checksum, other.checksum)
        XCTAssertEqual(base.differingBuckets(from: other).count, 1)
        let series = base.differingSeries(from: other)
        XCTAssertEqual(series.map(\.name), [["run-a", "loss"]])
        XCTAssertEqual(series.first?.source, 2)
        XCTAssertEqual(series.first?.target, 2)
    }

    /// A multiset: a duplicated row counts twice, so a lost duplicate is seen.
    func testDuplicatesCount() throws {
        let once = try digest(rows), twice = try digest(rows + [rows[0]])
        XCTAssertNotEqual(once.checksum, twice.checksum)
        XCTAssertEqual(once.differingSeries(from: twice).first?.target, 3)
    }

    func testMissingSeriesIsNamed() throws {
        let full = try digest(rows), partial = try digest(Array(rows.dropLast()))
        let series = full.differingSeries(from: partial)
        XCTAssertEqual(series.map(\.name), [["run-b", "loss"]])
        XCTAssertEqual(series.first?.source, 1)
        XCTAssertEqual(series.first?.target, 0)
    }

    /// NULL and '' are different values (the length prefix is hashed).
    func testNullDiffersFromEmptyText() throws {
        let table = TupleFixtures.metrics
        var a = TableDigest(layout: TableDigest.Layout(table)), b = TableDigest(layout: TableDigest.Layout(table))
        try a.add(all: ArrayTupleReader([["k", "0.5", "1", nil, "1"]], int8Columns: [2, 4], float8Columns: [1]).next)
        try b.add(all: ArrayTupleReader([["k", "0.5", "1", "", "1"]], int8Columns: [2, 4], float8Columns: [1]).next)
        XCTAssertNotEqual(a.checksum, b.checksum)
    }
}
