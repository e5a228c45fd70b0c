import Foundation
import TestSupport
import XCTest

@testable import Migration

/// The way from an `mlruns/` folder: MLflow 3.10+'s `migrate-filestore`, then this tool.
///
/// The FileStore gives experiments random 18-digit ids, `migrate-filestore` keeps them, and
/// MLflow's PostgreSQL schema holds experiment ids as `integer`. Strictly, such a store is refused
/// before anything is written, every cell named; `--widen-integers` keeps the ids and makes
/// those columns (and the experiment sequence) `bigint`, recorded in the reject directory.
final class FileStoreTests: XCTestCase {
    /// A 2.9.2 FileStore migrated by MLflow 3.10.1: refused for its experiment ids alone, then
    /// imported with `--widen-integers` into an empty database and into one MLflow 3.10.1 created,
    /// verified, and judged by MLflow 3.10.1 (what it sees, and what it writes afterwards).
    func testMigratedFileStoreImportsWithItsExperimentIdsWidened() throws {
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
        var widened: [String] = []
        for table in source.schema.tables where table.column("experiment_id")?.pgType == .int4 {
            let cells = try source.count("SELECT 1 FROM \(sqlQuote(table.name)) WHERE experiment_id > 2147483647")
            tooLarge += cells
            if cells > 0 { widened.append("\(table.name).experiment_id") }
        }
        XCTAssertGreaterThan(tooLarge, 0, "the FileStore's experiment ids fit integer now: the policy is not needed")

        let db = "e2e_filestore", created = "e2e_filestore_created"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        // Strict: every such cell listed, nothing written, the policy named.
        let dry = try env.tool("mlflow-import", [store, "--target", conninfo, "--dry-run", "--format", "json"])
        XCTAssertEqual(dry.status, 1, dry.stdout + dry.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["problems_total"] as? Int, tooLarge, dry.stdout)
        for group in try XCTUnwrap(report["problem_groups"] as? [[String: Any]]) {
            XCTAssertEqual(group["kind"] as? String, "integer_range", "\(group)")
            XCTAssertEqual(group["column"] as? String, "experiment_id", "\(group)")
        }
        let refused = try env.tool("mlflow-import", [store, "--target", conninfo])
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        for text in ["does not fit PostgreSQL integer", "--widen-integers"] {
            XCTAssertTrue(refused.stderr.contains(text), "expected '\(text)' in:\n\(refused.stderr)")
        }
        XCTAssertEqual(try targetFingerprint(conninfo), "")

        // Widened: the ids are kept, in an empty database and in one MLflow 3.10.1 created.
        _ = try env.createDatabase(created)
        defer { env.dropDatabase(created) }
        _ = try env.judge("create", env.mlflowURI(created), mlflow: "3.10.1")
        for target in [db, created] {
            let rejects = "\(folder)/rejects-\(target)"
            let options = ["--target", env.conninfo(target), "--widen-integers", "--reject-dir", rejects]
            let planned = try env.tool("mlflow-import", [store, "--dry-run"] + options)
            XCTAssertEqual(planned.status, 0, planned.stdout + planned.stderr)
            // The columns holding large ids, and those MLflow writes them into later.
            for column in widened + ["trace_info.experiment_id", "logged_models.experiment_id", "datasets.experiment_id"] {
                XCTAssertTrue(planned.stdout.contains("widen \(column) from integer to bigint"), "\(column) in:\n\(planned.stdout)")
            }
            let imported = try env.tool("mlflow-import", [store, "--verify"] + options)
            XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
            XCTAssertTrue(imported.stdout.contains("EQUAL"), imported.stdout)
            let verified = try env.tool("mlflow-verify", [store, "--target", env.conninfo(target), "--reject-dir", rejects])
            XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
            XCTAssertTrue(verified.stdout.contains("widened from integer to bigint"), verified.stdout)
            let types = try env.admin(database: target).query(
                "SELECT data_type FROM information_schema.sequences WHERE sequence_name = 'experiments_experiment_id_seq'")
            XCTAssertEqual(types.scalar, "bigint", target)
        }
        let copy = try TestEnvironment.temporaryCopy(of: store)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
        let uris = ["sqlite:///\(copy)", env.mlflowURI(db), env.mlflowURI(created)]
        let seen = try env.judge(batch: uris.map { ("snapshot", $0) } + uris.map { ("write", $0) }, mlflow: "3.10.1")
        for index in 1...2 {
            assertSameJSON(seen[0], seen[index], "a migrated FileStore with its experiment ids widened (\(uris[index]))")
            assertSameJSON(seen[3], seen[3 + index], "a migrated FileStore with its experiment ids widened: MLflow writing (\(uris[index]))")
        }
    }
}
