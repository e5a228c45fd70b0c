import XCTest

@testable import Migration

/// Character counts as PostgreSQL's varchar(n) counts them, and the byte sequences it refuses.
final class UTF8ScanTests: XCTestCase {
    func count(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { UTF8Scan.characters($0) } }

    func testCountsCodePoints() {
        XCTAssertEqual(count([]), 0)
        XCTAssertEqual(count(Array("plain".utf8)), 5)
        XCTAssertEqual(count(Array("é€😀".utf8)), 3)  // 2, 3 and 4 bytes
        XCTAssertEqual(count(Array("e\u{301}".utf8)), 2)  // a combining mark is a code point of its own
        XCTAssertEqual(count([0xF4, 0x8F, 0xBF, 0xBF]), 1)  // U+10FFFF, the last code point
        XCTAssertEqual(count([0x00]), 1)  // NUL is valid UTF-8; CellRules.text refuses it separately
    }

    func testRefusesWhatPostgreSQLRefuses() {
        for bad: [UInt8] in [
            [0x80],  // a continuation byte alone
            [0xC3, 0x28],  // a lead byte without its continuation
            [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xF0, 0x80, 0x80, 0x80],  // overlong forms
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate (U+D800)
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80], [0xFF],  // bytes that never occur
            [0xE2, 0x82],  // truncated at the end
        ] {
            XCTAssertNil(count(bad), "\(bad)")
        }
    }
}
