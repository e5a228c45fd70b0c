import Foundation
import TestSupport
import XCTest

@testable import Migration

/// The way from an `mlruns/` folder: MLflow 3.10+'s `migrate-filestore`, then this tool.
///
/// The FileStore gives experiments random 18-digit ids, `migrate-filestore` keeps them, and
/// MLflow's PostgreSQL schema holds experiment ids as `integer`. Until the import can renumber
/// experiments (the id mapping issue 18 builds), such a store is refused before anything is
/// written, every reference named; this test pins that down, and fails once renumbering lands.
final class FileStoreTests: XCTestCase {
    /// A 2.9.2 FileStore migrated by MLflow 3.10.1 is refused for its experiment ids alone.
    ///
    /// The dry run finds exactly the experiment-id cells that do not fit `integer`, and the import
    /// refuses with the target untouched.
    func testMigratedFileStoreIsRefusedForItsExperimentIds() throws {
        let env = try TestEnvironment.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-pg-filestore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let written = try ProcessResult.run(
            try env.python(mlflow: "2.9.2"),
            [TestEnvironment.fixture("make_fixtures.py"), "--out", folder, "--filestore", folder, "--points", "20"])
        XCTAssertEqual(written.status, 0, written.stderr.suffix(3000).description)
        let store = "\(folder)/mlflow.db"
        let migrated = try ProcessResult.run(
            try env.python(mlflow: "3.10.1"), ["-m", "mlflow", "migrate-filestore", "--source", "\(folder)/mlruns", "--target", "sqlite:///\(store)"])
        XCTAssertEqual(migrated.status, 0, migrated.stderr.suffix(3000).description)
        // What the FileStore held arrived in SQLite: runs with their data, the registry, dataset inputs.
        let source = try SQLiteSource(path: store)
        for table in ["experiments", "runs", "params", "tags", "metrics", "latest_metrics", "registered_models", "model_versions", "inputs"] {
            let spec = try XCTUnwrap(source.schema.table(table), table)
            XCTAssertGreaterThan(try source.rowCount(spec), 0, "\(table) is empty after migrate-filestore")
        }
        // Every cell of an experiment_id column beyond PostgreSQL's integer.
        var tooLarge = 0
        for table in source.schema.tables where table.column("experiment_id")?.pgType == .int4 {
            tooLarge += try source.count("SELECT 1 FROM \(sqlQuote(table.name)) WHERE experiment_id > 2147483647")
        }
        XCTAssertGreaterThan(tooLarge, 0, "the FileStore's experiment ids fit integer now: import and judge the store instead")

        let db = "e2e_filestore"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let dry = try env.tool("mlflow-import", [store, "--target", conninfo, "--dry-run", "--format", "json"])
        XCTAssertEqual(dry.status, 1, dry.stdout + dry.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["problems_total"] as? Int, tooLarge, dry.stdout)
        for group in try XCTUnwrap(report["problem_groups"] as? [[String: Any]]) {
            XCTAssertEqual(group["kind"] as? String, "integer_range", "\(group)")
            XCTAssertEqual(group["column"] as? String, "experiment_id", "\(group)")
        }
        let imported = try env.tool("mlflow-import", [store, "--target", conninfo])
        XCTAssertEqual(imported.status, 1, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stderr.contains("does not fit PostgreSQL integer"), imported.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "")
    }
}
