import MLflowSchema
import SQLite
import XCTest

@testable import Migration

/// The per-cell rules on cells SQLite computes itself (a SELECT of literals), one PostgreSQL type at a time.
final class CellRulesTests: XCTestCase {
    /// A statement positioned on one row of literal cells.
    func row(_ select: String) throws -> SQLiteStatement {
        let db = try SQLiteDatabase(readOnlyPath: Repository.fixture("mlflow-2.9.2/empty.db"))
        let stmt = try db.prepare("SELECT " + select)
        XCTAssertTrue(try stmt.step())
        return stmt
    }

    func read(_ literal: String, as type: PGType, nullable: Bool = true) throws -> Result<Cell, CellFault> {
        let stmt = try row(literal)
        do { return .success(try CellRules.read(stmt, 0, as: type, nullable: nullable)) } catch { return .failure(error) }
    }

    func fault(_ literal: String, as type: PGType, nullable: Bool = true) throws -> CellFault? {
        if case .failure(let fault) = try read(literal, as: type, nullable: nullable) { return fault }
        return nil
    }

    func testIntegers() throws {
        guard case .success(.int8(let big)) = try read("9223372036854775807", as: .int8) else { return XCTFail() }
        XCTAssertEqual(big, .max)
        guard case .success(.int4(let small)) = try read("-2147483648", as: .int4) else { return XCTFail() }
        XCTAssertEqual(small, .min)
        XCTAssertEqual(try fault("2147483648", as: .int4), .integerRange(2_147_483_648))
        XCTAssertEqual(try fault("'12'", as: .int8), .storageClass(.text))
        XCTAssertEqual(try fault("1.5", as: .int4), .storageClass(.real))
    }

    func testDoublesKeepTheirBits() throws {
        guard case .success(.float8(let value)) = try read("0.1", as: .float8) else { return XCTFail() }
        XCTAssertEqual(value.bitPattern, 0.1.bitPattern)
        guard case .success(.float8(let maximum)) = try read("1.7976931348623157e308", as: .float8) else { return XCTFail() }
        XCTAssertEqual(maximum, .greatestFiniteMagnitude)
        // SQLite stores a whole REAL as an integer only on disk; a literal 1 is an integer and refused.
        XCTAssertEqual(try fault("1", as: .float8), .storageClass(.integer))
        XCTAssertEqual(try fault("'abc'", as: .float8), .storageClass(.text))
    }

    func testBooleansAreExactlyZeroOrOne() throws {
        guard case .success(.bool(false)) = try read("0", as: .bool), case .success(.bool(true)) = try read("1", as: .bool) else {
            return XCTFail()
        }
        XCTAssertEqual(try fault("2", as: .bool), .boolean(2))
        XCTAssertEqual(try fault("-1", as: .bool), .boolean(-1))
        XCTAssertEqual(try fault("'true'", as: .bool), .storageClass(.text))
    }

    func testNullOnlyWhereAllowed() throws {
        guard case .success(.null) = try read("NULL", as: .text(maxCharacters: 5)) else { return XCTFail() }
        XCTAssertEqual(try fault("NULL", as: .int8, nullable: false), .notNull)
    }

    func testTextIsPassedAsStoredAndNULIsRefused() throws {
        let stmt = try row("'a' || char(0) || 'b', 'héllo', x'00ff'")
        guard case .text(let withNUL) = try CellRules.read(stmt, 0, as: .text(maxCharacters: nil), nullable: false) else { return XCTFail() }
        XCTAssertEqual(Array(withNUL), [0x61, 0, 0x62])
        XCTAssertThrowsError(try CellRules.text(withNUL)) { XCTAssertEqual($0 as? CellFault, .nulCharacter) }
        guard case .text(let accented) = try CellRules.read(stmt, 1, as: .json, nullable: false) else { return XCTFail() }
        XCTAssertNoThrow(try CellRules.text(accented))
        XCTAssertEqual(try CellRules.characters(accented), 5)
        guard case .bytea(let blob) = try CellRules.read(stmt, 2, as: .bytea, nullable: false) else { return XCTFail() }
        XCTAssertEqual(Array(blob), [0, 0xff])
        XCTAssertEqual(try fault("x'41'", as: .text(maxCharacters: nil)), .storageClass(.blob))
        XCTAssertEqual(try fault("'41'", as: .bytea), .storageClass(.text))
    }

    func testDates() throws {
        guard case .success(.date(let days)) = try read("'2000-01-02'", as: .date) else { return XCTFail() }
        XCTAssertEqual(days, 1)
        for bad in ["'2024-02-30'", "'2024-2-3'", "'2024-02-03T00:00'", "'2024-02-0' || char(0)"] {
            XCTAssertEqual(try fault(bad, as: .date), .date, bad)
        }
        XCTAssertEqual(try fault("20240203", as: .date), .storageClass(.integer))
    }

    func testTheServersRules() throws {
        try [0xC3, 0x28].withUnsafeBytes { bad in
            XCTAssertThrowsError(try CellRules.characters(bad)) { XCTAssertEqual($0 as? CellFault, .invalidUTF8) }
        }
        XCTAssertNoThrow(try CellRules.length(5, fits: .text(maxCharacters: 5)))
        XCTAssertThrowsError(try CellRules.length(6, fits: .text(maxCharacters: 5), rewritten: true)) {
            XCTAssertEqual($0 as? CellFault, .tooLong(length: 6, limit: 5, rewritten: true))
        }
        XCTAssertNoThrow(try CellRules.length(100_000, fits: .text(maxCharacters: nil)))
        try Array(#"{"a": [1, 2.5, null]}"#.utf8).withUnsafeBytes { XCTAssertNoThrow(try CellRules.json($0)) }
        try Array("\"just a string\"".utf8).withUnsafeBytes { XCTAssertNoThrow(try CellRules.json($0)) }
        try Array("{'a': 1}".utf8).withUnsafeBytes { bad in
            XCTAssertThrowsError(try CellRules.json(bad)) { XCTAssertEqual($0 as? CellFault, .invalidJSON) }
        }
        try Array("PAUSED".utf8).withUnsafeBytes { bad in
            XCTAssertThrowsError(try CellRules.check(bad, allowed: ["FAILED", "RUNNING"])) {
                XCTAssertEqual($0 as? CellFault, .check(allowed: ["FAILED", "RUNNING"]))
            }
        }
        try Array("RUNNING".utf8).withUnsafeBytes { XCTAssertNoThrow(try CellRules.check($0, allowed: ["FAILED", "RUNNING"])) }
    }

    func testExpectedStorage() {
        XCTAssertEqual(CellRules.expectedStorage(.bool), .integer)
        XCTAssertEqual(CellRules.expectedStorage(.int4), .integer)
        XCTAssertEqual(CellRules.expectedStorage(.float8), .real)
        XCTAssertEqual(CellRules.expectedStorage(.json), .text)
        XCTAssertEqual(CellRules.expectedStorage(.date), .text)
        XCTAssertEqual(CellRules.expectedStorage(.bytea), .blob)
    }

    /// One wording per fault, naming the column's types where it helps.
    func testDetails() {
        let column = ColumnSpec(name: "step", sqliteDeclared: "BIGINT", pgType: .int8, nullable: false)
        XCTAssertEqual(
            CellFault.storageClass(.text).detail(for: column), "SQLite storage class text where BIGINT (PostgreSQL bigint) expects integer")
        XCTAssertEqual(
            CellFault.integerRange(2_147_483_648).detail(for: column), "does not fit PostgreSQL integer (-2147483648...2147483647)")
        XCTAssertEqual(CellFault.boolean(2).detail(for: column), "a boolean column value that is not 0 or 1")
        XCTAssertEqual(CellFault.tooLong(length: 300, limit: 256, rewritten: false).detail(for: column), "300 characters, the column holds 256")
        XCTAssertEqual(
            CellFault.tooLong(length: 300, limit: 256, rewritten: true).detail(for: column),
            "300 characters after --artifact-root-map, the column holds 256")
        XCTAssertEqual(CellFault.check(allowed: ["A", "B"]).detail(for: column), "not one of A, B (CHECK constraint)")
        XCTAssertEqual(CellFault.nulCharacter.kind, .nulCharacter)
        XCTAssertEqual(CellFault.check(allowed: []).kind, .check)
    }
}
