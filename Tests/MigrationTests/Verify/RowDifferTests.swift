import XCTest

@testable import Migration

/// The second pass: differing rows paired by their match columns and described.
final class RowDifferTests: XCTestCase {
    typealias Row = (String, Double, Int64, String, Int64)

    /// The differences the differ finds; `allBuckets` makes it read every row, not only the rows
    /// of buckets whose sums differ.
    func differences(_ source: [Row], _ target: [Row], allBuckets: Bool = false) throws -> [VerifyReport.RowDifference] {
        let table = TupleFixtures.metrics
        let layout = TableDigest.Layout(table)
        var s = TableDigest(layout: layout), t = TableDigest(layout: layout)
        try s.add(all: TupleFixtures.reader(source).next)
        try t.add(all: TupleFixtures.reader(target).next)
        let buckets = allBuckets ? Set(0..<TableDigest.bucketCount) : Set(s.differingBuckets(from: t))
        return try RowDiffer(table: table, layout: layout, buckets: buckets)
            .differences(sourceRows: { TupleFixtures.reader(source) }, targetRows: { TupleFixtures.reader(target) })
    }

    func testChangedMissingExtraAndMultiset() throws {
        let common: [Row] = (0..<50).map { ("m", Double($0), Int64($0), "run", Int64($0)) }
        let source = common + [("changed", 1.0, 7, "run", 7), ("gone", 2.0, 8, "run", 8), ("twice", 3.0, 9, "run", 9), ("twice", 3.0, 9, "run", 9)]
        let target = common + [("changed", 1.5, 7, "run", 7), ("new", 4.0, 10, "run", 10), ("twice", 3.0, 9, "run", 9)]
        let found = try differences(source, target)
        let byKey = Dictionary(uniqueKeysWithValues: found.map { ($0.key.first { $0.column == "key" }!.value, $0) })
        XCTAssertEqual(found.count, 4, "\(found)")
        XCTAssertEqual(byKey["'changed'"]?.kind, "changed")
        XCTAssertEqual(byKey["'changed'"]?.columns.map(\.column), ["value"])
        XCTAssertEqual(byKey["'changed'"]?.columns.first?.source, "1.0 (bits 3ff0000000000000)")
        XCTAssertEqual(byKey["'changed'"]?.columns.first?.target, "1.5 (bits 3ff8000000000000)")
        XCTAssertEqual(byKey["'gone'"]?.kind, "missing_in_target")
        XCTAssertEqual(byKey["'new'"]?.kind, "extra_in_target")
        XCTAssertEqual(byKey["'twice'"]?.kind, "missing_in_target")
        XCTAssertEqual(byKey["'twice'"]?.sourceOnly.count, 1)
        // The match key leaves the value out (a double), and names the row in column order.
        XCTAssertEqual(byKey["'gone'"]?.key.map(\.column), ["key", "timestamp", "run_uuid", "step"])
    }

    func testSeveralRowsUnderOneKeyOnBothSidesAreAMultiset() throws {
        let source: [Row] = [("k", 1.0, 1, "run", 1), ("k", 2.0, 1, "run", 1)]
        let target: [Row] = [("k", 3.0, 1, "run", 1), ("k", 4.0, 1, "run", 1)]
        let found = try differences(source, target)
        XCTAssertEqual(found.map(\.kind), ["multiset"])
        XCTAssertEqual(found.first?.sourceOnly.count, 2)
        XCTAssertEqual(found.first?.targetOnly.count, 2)
    }

    func testEqualSidesHaveNoDifferences() throws {
        let rows: [Row] = [("a", 1, 1, "r", 1), ("b", 2, 2, "r", 2)]
        XCTAssertTrue(try differences(rows, rows.reversed(), allBuckets: true).isEmpty)
        XCTAssertEqual(try differences(rows, Array(rows.dropLast()), allBuckets: true).map(\.kind), ["missing_in_target"])
    }
}
