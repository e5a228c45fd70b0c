import XCTest

@testable import Migration

final class PGDateTests: XCTestCase {
    func testDaysSince2000() {
        XCTAssertEqual(PGDate.daysSince2000(iso: "2000-01-01"), 0)
        XCTAssertEqual(PGDate.daysSince2000(iso: "2000-01-02"), 1)
        XCTAssertEqual(PGDate.daysSince2000(iso: "1999-12-31"), -1)
        XCTAssertEqual(PGDate.daysSince2000(iso: "2000-03-01"), 60)  // 2000 is a leap year
        XCTAssertEqual(PGDate.daysSince2000(iso: "1970-01-01"), -10957)
        XCTAssertEqual(PGDate.daysSince2000(iso: "2026-11-27"), 9827)
    }

    func testRejectsAnythingButStrictISODates() {
        for text in ["", "2026-1-27", "2026-02-30", "1900-02-29", "2026-13-01", "2026-00-10", "2026/11/27", "２０２６-11-27", "2026-11-27T00:00"] {
            XCTAssertNil(PGDate.daysSince2000(iso: text), text)
        }
        XCTAssertNotNil(PGDate.daysSince2000(iso: "2024-02-29"))
    }
}
