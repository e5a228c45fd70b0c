import Foundation
import MLflowSchema
import XCTest

@testable import Migration

/// Opening and reading the fixture stores, without a PostgreSQL server.
final class SQLiteSourceTests: XCTestCase {
    static let fixtures = Repository.root.appendingPathComponent("Fixtures")

    func testOpensMLflow2_9_2Store() throws {
        let store = try SQLiteSource(path: Self.fixtures.appendingPathComponent("mlflow-2.9.2/rich.db").path)
        XCTAssertEqual(store.schema.revision, "acf3f17fdcc7")
        XCTAssertEqual(store.unknownTables, [])
        let experiments = try XCTUnwrap(store.schema.table("experiments"))
        XCTAssertEqual(try store.rowCount(experiments), 6)
        let sequence = try XCTUnwrap(store.schema.sequences.first)
        XCTAssertEqual(try store.nextValue(for: sequence), 6)
        XCTAssertEqual(store.rowKey(table: experiments, line: 1)?.description, "(experiment_id=0)")
        XCTAssertNil(store.rowKey(table: experiments, line: 99))
    }

    func testEmptyStoreNextExperimentIsOne() throws {
        let store = try SQLiteSource(path: Self.fixtures.appendingPathComponent("mlflow-2.9.2/empty.db").path)
        XCTAssertEqual(try store.nextValue(for: try XCTUnwrap(store.schema.sequences.first)), 1)
    }

    func testRefusesWhatIsNotAStore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = dir.appendingPathComponent("a.txt")
        try Data("not sqlite at all, just some text that is long enough".utf8).write(to: text)
        let empty = dir.appendingPathComponent("empty.db")
        try Data().write(to: empty)
        XCTAssertThrowsError(try SQLiteSource(path: text.path)) { error in
            guard case .sourceNotSQLite = error as? MigrationError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try SQLiteSource(path: dir.path)) { XCTAssertTrue("\($0)".contains("directory")) }
        XCTAssertThrowsError(try SQLiteSource(path: empty.path)) { XCTAssertTrue("\($0)".contains("no alembic_version")) }
        XCTAssertThrowsError(try SQLiteSource(path: dir.appendingPathComponent("nope.db").path)) { XCTAssertTrue("\($0)".contains("no such file")) }
    }
}
