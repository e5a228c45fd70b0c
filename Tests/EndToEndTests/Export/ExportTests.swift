import Foundation
import Migration
import PostgresTarget
import XCTest

/// `mlflow-export` bundles: SQLite → export → import → verify for every fixture, MLflow's client on
/// the bundle-imported database, a snapshot taken while MLflow keeps logging, and every kind of
/// damaged bundle refused with the target unchanged.
final class ExportTests: XCTestCase {

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func export(_ env: TestEnvironment, _ source: String, to bundle: String) throws {
        let result = try env.tool("mlflow-export", [source, "--output", bundle])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Exported"), result.stdout)
    }

    func testExportImportVerifyEveryFixture() throws {
        let env = try TestEnvironment.require()
        for (fixture, version) in TestEnvironment.fixtures {
            let source = TestEnvironment.fixture(fixture)
            let bundle = try temporaryFolder().appendingPathComponent("bundle").path
            try export(env, source, to: bundle)
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))) as? [String: Any]
            XCTAssertNotNil(manifest?["revision"] as? String)
            XCTAssertEqual((manifest?["source"] as? [String: Any])?["name"] as? String, URL(fileURLWithPath: source).lastPathComponent)
            XCTAssertFalse(try String(contentsOfFile: bundle + "/manifest.json", encoding: .utf8).contains("/" + "tmp"), "absolute path in manifest")

            let db = "e2e_bundle"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            let imported = try env.tool("mlflow-import", [bundle, "--target", conninfo])
            XCTAssertEqual(imported.status, 0, imported.stderr)
            for side in [bundle, source] {
                let verified = try env.tool("mlflow-verify", [side, "--target", conninfo])
                XCTAssertEqual(verified.status, 0, "\(fixture) verify against \(side):\n\(verified.stdout)\(verified.stderr)")
            }
            // The manifest's content checksums are the ones verify computes.
            let report = try env.tool("mlflow-verify", [source, "--target", conninfo, "--format", "json"])
            let checks = (try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["checks"] as? [[String: Any]] ?? []
            let tables = manifest?["tables"] as? [[String: Any]] ?? []
            // Every table of the revision, so that the loop below cannot pass on nothing.
            XCTAssertEqual(tables.count, checks.filter { $0["check"] as? String == "content" }.count, fixture)
            XCTAssertGreaterThan(tables.count, 5, fixture)
            for table in tables {
                let content = checks.first { $0["check"] as? String == "content" && $0["table"] as? String == table["name"] as? String }
                XCTAssertEqual(content?["target"] as? String, table["content_checksum"] as? String, "\(table["name"]!)")
            }
            if fixture.hasSuffix("rich.db") {
                let copy = try TestEnvironment.temporaryCopy(of: source)
                assertSameJSON(
                    try env.judge("snapshot", "sqlite:///\(copy)", mlflow: version),
                    try env.judge("snapshot", env.mlflowURI(db), mlflow: version),
                    "\(fixture) imported from a bundle")
                // Verify against the bundle names a changed row, like against SQLite.
                try env.admin(database: db).execute("UPDATE params SET value = 'changed' WHERE key = 'lr'")
                let changed = try env.tool("mlflow-verify", [bundle, "--target", conninfo])
                XCTAssertEqual(changed.status, 1, changed.stdout)
                XCTAssertTrue(changed.stdout.contains("key='lr'") && changed.stdout.contains("target 'changed'"), changed.stdout)
            }
        }
    }

    func testExistingOutputNeedsForce() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/empty.db")
        let dir = try temporaryFolder()
        let bundle = dir.appendingPathComponent("b").path
        try export(env, source, to: bundle)
        let again = try env.tool("mlflow-export", [source, "--output", bundle])
        XCTAssertEqual(again.status, 7, again.stderr)
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        let forced = try env.tool("mlflow-export", [source, "--output", bundle, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["b"], "leftover staging folders")
        let nowhere = try env.tool("mlflow-export", [source, "--output", "/nonexistent-dir/b"])
        XCTAssertEqual(nowhere.status, 7, nowhere.stderr)
    }

    /// `--force` replaces only a bundle of ours: never a folder that holds the store (and its
    /// artifacts), never the store itself, never a folder without a bundle manifest or a file.
    func testForceNeverDestroysWhatIsNotABundle() throws {
        let env = try TestEnvironment.require()
        let home = try temporaryFolder()
        let mlflowDir = home.appendingPathComponent("mlflow")
        try FileManager.default.createDirectory(at: mlflowDir.appendingPathComponent("mlruns/0"), withIntermediateDirectories: true)
        let store = mlflowDir.appendingPathComponent("mlflow.db").path
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("mlflow-2.9.2/rich.db"), toPath: store)
        try Data("artifact".utf8).write(to: mlflowDir.appendingPathComponent("mlruns/0/model.pkl"))
        let notes = home.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: notes.appendingPathComponent("todo.txt"))
        let fakeManifest = home.appendingPathComponent("fake")
        try FileManager.default.createDirectory(at: fakeManifest, withIntermediateDirectories: true)
        try Data(#"{"format": "something-else"}"#.utf8).write(to: fakeManifest.appendingPathComponent("manifest.json"))
        let plainFile = home.appendingPathComponent("report.txt").path
        try Data("a file".utf8).write(to: URL(fileURLWithPath: plainFile))
        let linkToStoreFolder = home.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: linkToStoreFolder, withDestinationPath: mlflowDir.path)
        let before = try treeFingerprint(home)
        for (output, words) in [
            (mlflowDir.path, "it is, or holds, the source"), (store, "it is, or holds, the source"),
            (linkToStoreFolder, "it is, or holds, the source"), (home.path, "it is, or holds, the source"),
            (notes.path, "holds no bundle manifest"), (fakeManifest.path, "holds no bundle manifest"), (plainFile, "is not a folder"),
        ] {
            let result = try env.tool("mlflow-export", [store, "--output", output, "--force"])
            XCTAssertEqual(result.status, 7, "\(output): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("mlflow-export: cannot write the bundle \(output): "), result.stderr)
            XCTAssertTrue(result.stderr.contains(words), "\(output): expected '\(words)' in \(result.stderr)")
            XCTAssertEqual(try treeFingerprint(home), before, "\(output): something was touched")
        }
        // A real bundle is replaced.
        let bundle = home.appendingPathComponent("bundle").path
        try export(env, store, to: bundle)
        let forced = try env.tool("mlflow-export", [store, "--output", bundle, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
    }

    /// A data file written to in place after the bundle was checked (same file, other bytes) is
    /// refused while it streams, before anything could commit.
    func testADataFileChangedAfterTheCheckIsRefusedWhileLoading() throws {
        let env = try TestEnvironment.require()
        let bundle = try temporaryFolder().appendingPathComponent("bundle").path
        try export(env, TestEnvironment.fixture("mlflow-2.9.2/rich.db"), to: bundle)
        let source = try BundleSource(path: bundle)
        let params = try XCTUnwrap(source.schema.table("params"))
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: bundle + "/data/params.pgcopy"))
        try handle.seek(toOffset: 40)
        try handle.write(contentsOf: Data([0x58]))
        try handle.close()
        let conninfo = try env.createDatabase("e2e_bundle_changed")
        defer { env.dropDatabase("e2e_bundle_changed") }
        let conn = try PGConnection(conninfo: conninfo, applicationName: "e2e-tests")
        try conn.execute("BEGIN")
        try conn.execute(source.schema.preDataSQL)
        XCTAssertThrowsError(try source.copy(params, into: conn, progress: nil)) { error in
            XCTAssertTrue("\(error)".contains("data/params.pgcopy changed after it was checked"), "\(error)")
        }
    }

    /// Every path below `root` with its size (links not followed), as one comparable string.
    func treeFingerprint(_ root: URL) throws -> String {
        let fm = FileManager.default
        let paths = try fm.subpathsOfDirectory(atPath: root.path).sorted()
        return try paths.map { path in
            let attributes = try fm.attributesOfItem(atPath: root.appendingPathComponent(path).path)
            return "\(path) \(attributes[.type] ?? "") \(attributes[.size] ?? "")"
        }.joined(separator: "\n")
    }

    /// Edits a bundle's manifest.json as text; fails when `old` is not in it (the damage would be no damage).
    static func replace(_ old: String, with new: String, inManifestOf bundle: String) throws {
        let url = URL(fileURLWithPath: bundle + "/manifest.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        guard text.contains(old) else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSDebugDescriptionErrorKey: "\(old) not in \(url.path)"]) }
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// One flipped byte, a truncated file, a deleted file, an edited manifest, a link in place of a
    /// file: each refused before the target is touched.
    func testDamagedBundlesAreRefused() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let pristine = try temporaryFolder().appendingPathComponent("bundle").path
        try export(env, source, to: pristine)
        let metrics = "data/metrics.pgcopy"
        let damages: [(what: String, expect: String, damage: (String) throws -> Void)] = [
            (
                "one flipped byte", "checksum",
                { b in
                    let url = URL(fileURLWithPath: b + "/" + metrics)
                    var data = try Data(contentsOf: url)
                    data[data.count / 2] ^= 0x01
                    try data.write(to: url)
                }
            ),
            (
                "a truncated file", "bytes, the manifest says",
                { b in
                    let url = URL(fileURLWithPath: b + "/" + metrics)
                    try Data(contentsOf: url).prefix(1000).write(to: url)
                }
            ),
            ("a deleted file", "is missing", { b in try FileManager.default.removeItem(atPath: b + "/data/params.pgcopy") }),
            (
                "an edited manifest (rows)", "holds 6 rows, the manifest says 7",
                { b in try Self.replace("\"rows\" : 6,", with: "\"rows\" : 7,", inManifestOf: b) }
            ),
            (
                "a manifest with a wrong type", "wrong type",
                { b in try Self.replace("\"format_version\" : 2", with: "\"format_version\" : \"2\"", inManifestOf: b) }
            ),
            (
                "a manifest pointing outside the bundle", "must be data/tags.pgcopy",
                { b in try Self.replace("\"data/tags.pgcopy\"", with: "\"../../etc/passwd\"", inManifestOf: b) }
            ),
            (
                "a symbolic link in place of a data file", "not a regular file",
                { b in
                    let file = b + "/data/tags.pgcopy"
                    try FileManager.default.moveItem(atPath: file, toPath: b + "/tags.real")
                    try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: b + "/tags.real")
                }
            ),
        ]
        for (what, expect, damage) in damages {
            let bundle = try temporaryFolder().appendingPathComponent("bundle").path
            try FileManager.default.copyItem(atPath: pristine, toPath: bundle)
            try damage(bundle)
            let db = "e2e_damaged"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            let result = try env.tool("mlflow-import", [bundle, "--target", conninfo])
            XCTAssertEqual(result.status, 3, "\(what): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expect), "\(what): expected '\(expect)' in:\n\(result.stderr)")
            XCTAssertEqual(try targetFingerprint(conninfo), "", "\(what): target changed")
            let verify = try env.tool("mlflow-verify", [bundle, "--target", conninfo])
            XCTAssertEqual(verify.status, 2, "\(what): \(verify.stderr)")
        }
    }

    /// Export while a separate MLflow process keeps logging (WAL mode): the bundle is one point in
    /// time: latest_metrics agrees with metrics, counts agree, and it imports and verifies cleanly.
    func testExportWhileMLflowLogs() throws {
        let env = try TestEnvironment.require()
        let store = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        try env.sqlite(store, "PRAGMA journal_mode = WAL")
        let dir = try temporaryFolder()
        let logger = try MLflowLogger(env, store: store)
        var points: [Int] = []
        for n in 0..<2 {
            let bundle = dir.appendingPathComponent("bundle\(n)").path
            try export(env, store, to: bundle)
            let db = "e2e_live\(n)"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            let imported = try env.tool("mlflow-import", [bundle, "--target", conninfo, "--verify"])
            XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
            points.append(try MLflowLogger.points(in: env.admin(database: db)))
        }
        XCTAssertEqual(try logger.stop(), 0, "the MLflow logger failed while the export ran")
        XCTAssertLessThan(points[0], points[1], "the logger did not make progress between the exports")
    }
}
