import Foundation
import TestSupport
import XCTest

@testable import Migration

/// Every table of the newest captured revision carries rows through a real import, the verifier
/// and real MLflow's judge: the 3.17.2 fixture (written through MLflow's API) with its 35 tables
/// that the client API does not reach filled by `SchemaFiller`, which brings the `date` and
/// `bytea` columns and the identity sequences their first end-to-end rows.
final class EveryTableTests: XCTestCase {
    func testEveryTableOf3172IsImportedVerifiedAndJudged() throws {
        let env = try TestEnvironment.require()
        let store = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-3.17.2/rich.db"))
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: store).deletingLastPathComponent().path) }
        let (sql, filled) = try SchemaFiller.sql(for: store)
        XCTAssertGreaterThanOrEqual(filled.count, 30, "the fixture gained rows through MLflow's API: update this test's note")
        try env.sqlite(store, sql)
        let source = try SQLiteSource(path: store)
        for table in source.schema.tables {
            XCTAssertGreaterThan(try source.rowCount(table), 0, "\(table.name) has no rows")
        }
        let db = "e2e_every_table"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let imported = try env.tool("mlflow-import", [store, "--target", conninfo, "--verify"])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stdout.contains("EQUAL"), imported.stdout)
        let copy = try TestEnvironment.temporaryCopy(of: store)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
        assertSameJSON(
            try env.judge("snapshot", "sqlite:///\(copy)", mlflow: "3.17.2"), try env.judge("snapshot", env.mlflowURI(db), mlflow: "3.17.2"),
            "3.17.2 with every table filled")
        // The identity sequences were set from the filled rows: MLflow keeps writing.
        assertSameJSON(
            try env.judge("write", "sqlite:///\(copy)", mlflow: "3.17.2"), try env.judge("write", env.mlflowURI(db), mlflow: "3.17.2"),
            "3.17.2 with every table filled: MLflow writing after the migration")
    }
}
