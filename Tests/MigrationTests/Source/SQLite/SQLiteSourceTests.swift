import Foundation
import MLflowSchema
import SQLite
import TestSupport
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

    /// Ids at the largest 64-bit integer (in sqlite_sequence, also as a REAL SQLite clamps, or as
    /// a key) are refused naming the table, never an overflow.
    func testExhaustedIdsAreRefusedByName() throws {
        let autoincrement = "CREATE TABLE ai (id INTEGER PRIMARY KEY AUTOINCREMENT)"
        for change in [
            [autoincrement, "INSERT INTO sqlite_sequence VALUES ('experiments', 9223372036854775807)"],
            [autoincrement, "INSERT INTO sqlite_sequence VALUES ('experiments', 1e300)"],
            ["UPDATE experiments SET experiment_id = 9223372036854775807 WHERE experiment_id = 1"],
        ] {
            let copy = try Repository.copy(of: "mlflow-2.9.2/rich.db", changedBy: change)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            let store = try SQLiteSource(path: copy)
            let sequence = try XCTUnwrap(store.schema.sequences.first { $0.table == "experiments" })
            XCTAssertThrowsError(try store.nextValue(for: sequence), "\(change)") { error in
                guard case .idsExhausted(_, "experiments", "experiment_id", _) = error as? MigrationError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("table experiments cannot go on"), "\(error)")
            }
        }
        let fine = try Repository.copy(
            of: "mlflow-2.9.2/rich.db", changedBy: [autoincrement, "INSERT INTO sqlite_sequence VALUES ('experiments', 41)"])
        defer { try? FileManager.default.removeItem(atPath: fine) }
        let store = try SQLiteSource(path: fine)
        XCTAssertEqual(try store.nextValue(for: try XCTUnwrap(store.schema.sequences.first { $0.table == "experiments" })), 42)
    }

    /// Every source is read defensively, with an untrusted schema.
    func testConnectionsAreHardened() throws {
        let db = try SQLiteDatabase(readOnlyPath: Repository.fixture("mlflow-2.9.2/rich.db"))
        XCTAssertTrue(db.isDefensive)
        XCTAssertEqual(try db.rows("PRAGMA trusted_schema"), [["0"]])
    }

    /// A generated column where MLflow has a plain one would run its expression on every read.
    func testGeneratedColumnsMLflowNeverMakesAreRefused() throws {
        let copy = try Repository.copy(
            of: "mlflow-2.9.2/rich.db",
            changedBy: [
                "CREATE TABLE params_new (key VARCHAR(250) NOT NULL, value VARCHAR(8000) GENERATED ALWAYS AS (printf('%.*c', 999999999, 'x')) VIRTUAL, run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY (key, run_uuid))",
                "INSERT INTO params_new (key, run_uuid) SELECT key, run_uuid FROM params", "DROP TABLE params",
                "ALTER TABLE params_new RENAME TO params",
            ])
        defer { try? FileManager.default.removeItem(atPath: copy) }
        XCTAssertThrowsError(try SQLiteSource(path: copy)) { error in
            guard case .sourceSchemaMismatch(_, let problems) = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertEqual(problems, ["params: column value is a generated column, which MLflow never makes there"])
        }
        // MLflow 3's own generated column (spans.duration_ns) is fine.
        XCTAssertNoThrow(try SQLiteSource(path: Repository.fixture("mlflow-3.17.2/rich.db")))
    }

    /// A writer holding its lock (rollback journal) is reported as such, after the busy timeout.
    func testALockedSourceIsReportedAsLocked() throws {
        let copy = try Repository.copy(of: "mlflow-2.9.2/empty.db", changedBy: ["PRAGMA journal_mode=DELETE"])
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let ready = copy + ".ready"
        let writer = try RunningProcess(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sqlite3, sys, time\ndb = sqlite3.connect(sys.argv[1], isolation_level=None)\ndb.execute('BEGIN EXCLUSIVE')\nopen(sys.argv[2], 'w').close()\ntime.sleep(12)",
                copy, ready,
            ])
        defer { writer.killHard() }
        for _ in 0..<500 where !FileManager.default.fileExists(atPath: ready) { usleep(10_000) }
        defer { try? FileManager.default.removeItem(atPath: ready) }
        XCTAssertThrowsError(try SQLiteSource(path: copy)) { error in
            guard case .sourceLocked = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("is locked by another process that is writing to it"), "\(error)")
        }
    }
}
