import Migration
import XCTest

final class RowKeyTests: XCTestCase {
    func testDisplayValueEscapesAndShortens() {
        XCTAssertEqual(displayValue("abc"), "'abc'")
        XCTAssertEqual(displayValue(""), "''")
        XCTAssertEqual(displayValue("a\tb\nc\0d'e\\"), "'a\\tb\\nc\\0d\\'e\\\\'")
        XCTAssertEqual(displayValue(String(repeating: "x", count: 100), limit: 5), "'xxxxx…'")
        XCTAssertEqual(displayValue("🚀🚀", limit: 1), "'🚀…'")
    }

    func testDescription() {
        let key = RowKey(parts: [ColumnValue(column: "key", value: "'lr'"), ColumnValue(column: "run_uuid", value: "'abc'")])
        XCTAssertEqual(key.description, "(key='lr', run_uuid='abc')")
    }
}
