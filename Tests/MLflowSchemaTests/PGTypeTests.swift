import MLflowSchema
import XCTest

final class PGTypeTests: XCTestCase {
    func testParsesEveryFormatTypeTheLoaderKnows() {
        let cases: [(String, PGType)] = [
            ("integer", .int4), ("bigint", .int8), ("double precision", .float8), ("boolean", .bool),
            ("text", .text(maxCharacters: nil)), ("character varying(250)", .text(maxCharacters: 250)),
            ("json", .json), ("date", .date), ("bytea", .bytea),
        ]
        for (text, type) in cases {
            XCTAssertEqual(PGType(formatType: text), type, text)
            XCTAssertEqual(type.description, text)
        }
    }

    func testRefusesUnknownTypes() {
        for text in ["jsonb", "numeric", "character varying", "character varying(0)", "character varying(x)", "timestamp"] {
            XCTAssertNil(PGType(formatType: text), text)
        }
    }
}
