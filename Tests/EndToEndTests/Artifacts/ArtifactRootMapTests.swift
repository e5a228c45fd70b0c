import Foundation
import XCTest

/// `--artifact-root-map`: relative paths, file: URIs and absolute paths rewritten, other values
/// kept; MLflow's client sees the new locations; verify passes with the mapping and fails without.
final class ArtifactRootMapTests: XCTestCase {
    func testRelocatedMigration() throws {
        let env = try TestEnvironment.require()
        let source = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        try env.sqlite(
            source,
            """
            UPDATE experiments SET artifact_location = 'mlruns/4' WHERE name = 'experiment without runs';
            UPDATE runs SET artifact_uri = './mlruns/3/x/artifacts' WHERE name = 'run-in-restored-experiment';
            UPDATE model_versions SET storage_location = '/home/alice/project/mlruns/models/m1' WHERE storage_location = '/abs/path/model';
            """)
        let maps = [
            "file:///srv/mlflow/artifacts/=mlflow-artifacts:/", "mlruns/=s3://bucket/mlruns/", "./mlruns/=s3://bucket/mlruns/",
            "/home/alice/project/mlruns=/mnt/artifacts", "/tmp/=/mnt/tmp/",
        ].flatMap { ["--artifact-root-map", $0] }
        let conninfo = try env.createDatabase("e2e_artifacts")
        defer { env.dropDatabase("e2e_artifacts") }

        let dry = try env.tool("mlflow-import", [source, "--target", conninfo, "--dry-run"] + maps)
        XCTAssertEqual(dry.status, 0, dry.stdout + dry.stderr)
        XCTAssertTrue(dry.stdout.contains("runs.artifact_uri: 9 value(s) file:///srv/mlflow/artifacts/ -> mlflow-artifacts:/"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("e.g. file:///srv/mlflow/artifacts/main -> mlflow-artifacts:/main"), dry.stdout)
        let uncovered = try env.tool("mlflow-import", [source, "--target", conninfo, "--dry-run"])
        XCTAssertTrue(uncovered.stdout.contains("warning: runs.artifact_uri: 10 local-looking location(s) no mapping covers"), uncovered.stdout)

        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("relocate-\(UUID().uuidString)").path
        let result = try env.tool("mlflow-import", [source, "--target", conninfo, "--reject-dir", rejects] + maps)
        XCTAssertEqual(result.status, 0, result.stderr)

        let snapshot = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(env.judge("snapshot", env.mlflowURI("e2e_artifacts")).utf8)) as? [String: Any])
        let experiments = try XCTUnwrap(snapshot["experiments"] as? [String: [String: Any]])
        let locations = Set(experiments.values.compactMap { $0["artifact_location"] as? String })
        XCTAssertTrue(locations.contains("mlflow-artifacts:/main"), "\(locations)")
        XCTAssertTrue(locations.contains("s3://bucket/mlruns/4"), "relative path: \(locations)")
        XCTAssertTrue(locations.contains("s3://bucket/restored"), "an unmatched value must stay: \(locations)")
        XCTAssertTrue(locations.contains { $0.hasPrefix("/mnt/tmp/") }, "absolute path: \(locations)")
        let runs = try XCTUnwrap(snapshot["runs"] as? [String: [String: Any]])
        let uris = Set(runs.values.compactMap { $0["artifact_uri"] as? String })
        XCTAssertTrue(uris.contains("s3://bucket/mlruns/3/x/artifacts"), "\(uris)")
        XCTAssertFalse(uris.contains { $0.hasPrefix("file:") }, "\(uris)")
        let storage = try env.admin(database: "e2e_artifacts").query(
            "SELECT storage_location FROM model_versions WHERE storage_location LIKE '/mnt/%'"
        ).scalar
        XCTAssertEqual(storage, "/mnt/artifacts/models/m1")

        XCTAssertEqual(try env.tool("mlflow-verify", [source, "--target", conninfo] + maps).status, 0)
        let recorded = try env.tool("mlflow-verify", [source, "--target", conninfo, "--reject-dir", rejects])
        XCTAssertEqual(recorded.status, 0, recorded.stdout + recorded.stderr)
        XCTAssertTrue(recorded.stdout.contains("artifact locations starting with"), recorded.stdout)
        let plain = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertEqual(plain.status, 1, plain.stdout)
        XCTAssertTrue(plain.stdout.contains("artifact_location: source"), plain.stdout)
    }

    /// The mapping applied by mlflow-export: the bundle holds the new locations and records the
    /// rules; importing it needs no map; verify agrees with the bundle as it is, and with the
    /// SQLite file given the same map (and only then).
    func testRelocatedExport() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relocated-bundle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = dir.appendingPathComponent("bundle").path
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let map = ["--artifact-root-map", "file:///srv/mlflow/artifacts/=mlflow-artifacts:/"]
        let exported = try env.tool("mlflow-export", [source, "--output", bundle] + map)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertTrue(exported.stdout.contains("now start with mlflow-artifacts:/"), exported.stdout)
        let manifest = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))) as? [String: Any])
        let rules = try XCTUnwrap(manifest["artifact_root_map"] as? [[String: String]])
        XCTAssertEqual(rules, [["old": "file:///srv/mlflow/artifacts/", "new": "mlflow-artifacts:/"]])

        let db = "e2e_artifacts_bundle"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let refused = try env.tool("mlflow-import", [bundle, "--target", conninfo] + map)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("give the map to mlflow-export"), refused.stderr)
        let imported = try env.tool("mlflow-import", [bundle, "--target", conninfo])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let admin = try env.admin(database: db)
        XCTAssertEqual(try admin.query("SELECT count(*) FROM runs WHERE artifact_uri LIKE 'file:///srv/mlflow/artifacts/%'").scalar, "0")
        XCTAssertEqual(try admin.query("SELECT artifact_location FROM experiments WHERE experiment_id = 1").scalar, "mlflow-artifacts:/main")
        XCTAssertEqual(try env.tool("mlflow-verify", [bundle, "--target", conninfo]).status, 0)
        XCTAssertEqual(try env.tool("mlflow-verify", [source, "--target", conninfo] + map).status, 0)
        XCTAssertEqual(try env.tool("mlflow-verify", [source, "--target", conninfo]).status, 1)
    }
}
