import MLflowSchema
import XCTest

@testable import Migration

final class FieldDisplayTests: XCTestCase {
    func show(_ bytes: [UInt8]?, _ type: MLflowSchema.PGType) -> String {
        guard let bytes else { return FieldDisplay.describe(nil, type) }
        return bytes.withUnsafeBytes { FieldDisplay.describe($0, type) }
    }

    func testDisplaysEachType() {
        XCTAssertEqual(show(nil, .int4), "NULL")
        XCTAssertEqual(show([0xff, 0xff, 0xff, 0xfe], .int4), "-2")
        XCTAssertEqual(show([0, 0, 0, 0, 0, 0, 0, 1], .int8), "1")
        XCTAssertEqual(show([0x80, 0, 0, 0, 0, 0, 0, 0], .float8), "-0.0 (bits 8000000000000000)")
        XCTAssertEqual(show([1], .bool), "true")
        XCTAssertEqual(show(Array("a\tb".utf8), .text(maxCharacters: 5)), "'a\\tb'")
        XCTAssertEqual(show([0, 0, 0, 0], .date), "2000-01-01")
        XCTAssertEqual(show([0xde, 0xad], .bytea), "\\xdead (2 bytes)")
    }

    func testDateRoundTrip() {
        for text in ["1970-01-01", "2000-02-29", "1999-12-31", "2026-11-27", "0001-01-01", "9999-12-31"] {
            let days = PGDate.daysSince2000(iso: text)!
            XCTAssertEqual(PGDate.iso(daysSince2000: days), text)
        }
    }
}
