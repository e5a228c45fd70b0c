import XCTest

@testable import Migration

/// `--chunk-interval`: milliseconds, or a number with a unit; at least a second.
final class TimescaleOptionsTests: XCTestCase {
    func testIntervals() {
        XCTAssertEqual(TimescaleOptions.interval("7d"), 604_800_000)
        XCTAssertEqual(TimescaleOptions.interval("12h"), 43_200_000)
        XCTAssertEqual(TimescaleOptions.interval("30m"), 1_800_000)
        XCTAssertEqual(TimescaleOptions.interval("90s"), 90_000)
        XCTAssertEqual(TimescaleOptions.interval("1500ms"), 1500)
        XCTAssertEqual(TimescaleOptions.interval("86400000"), 86_400_000)
        XCTAssertEqual(TimescaleOptions().chunkInterval, 604_800_000)
        for bad in ["", "d", "-1d", "0", "999", "1.5d", "7w", "9999999999999999d", "7 d"] {
            XCTAssertNil(TimescaleOptions.interval(bad), bad)
        }
    }
}
