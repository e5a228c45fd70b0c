import Foundation
import TestSupport
import XCTest

/// Stores and targets at different MLflow revisions: refused with the remedy, and the documented
/// remedy (import at the store's revision, then `mlflow db upgrade` on PostgreSQL) works end to end.
final class RevisionTests: XCTestCase {
    /// A 1.30.1 store into a database an MLflow 2.9.2 server created: refused, nothing written.
    func testMismatchedTargetIsRefusedWithTheRemedy() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_mismatch"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        _ = try env.judge("create", env.mlflowURI(db), mlflow: "2.9.2")
        let before = try targetFingerprint(conninfo)
        let result = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-1.30.1/rich.db"), "--target", conninfo])
        XCTAssertEqual(result.status, 5, result.stderr)
        for text in ["acf3f17fdcc7", "97727af70f4d", "Import into an empty database", "mlflow db upgrade"] {
            XCTAssertTrue(result.stderr.contains(text), "expected '\(text)' in:\n\(result.stderr)")
        }
        XCTAssertEqual(try targetFingerprint(conninfo), before)
    }

    /// A 1.x store imported at its revision and then upgraded by MLflow 2.9.2 on PostgreSQL looks to
    /// MLflow 2.9.2 exactly like a copy of the SQLite file upgraded by MLflow 2.9.2.
    func testImportThenUpgradeEqualsUpgradedSQLiteCopy() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_upgrade"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let source = TestEnvironment.fixture("mlflow-1.30.1/rich.db")
        let imported = try env.tool("mlflow-import", [source, "--target", conninfo, "--verify"])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)

        let python = try env.python(mlflow: "2.9.2")
        let copy = try TestEnvironment.temporaryCopy(of: source)
        for uri in ["sqlite:///\(copy)", env.mlflowURI(db)] {
            let upgrade = try ProcessResult.run(python, ["-m", "mlflow", "db", "upgrade", uri])
            XCTAssertEqual(upgrade.status, 0, "mlflow db upgrade \(uri): \(upgrade.stderr.suffix(2000))")
        }
        let revision = try env.admin(database: db).query("SELECT version_num FROM alembic_version").scalar
        XCTAssertEqual(revision, "acf3f17fdcc7")
        assertSameJSON(
            try env.judge("snapshot", "sqlite:///\(copy)", mlflow: "2.9.2"),
            try env.judge("snapshot", env.mlflowURI(db), mlflow: "2.9.2"),
            "1.30.1 store upgraded by MLflow 2.9.2 on SQLite vs on PostgreSQL")
        let verified = try env.tool("mlflow-verify", [copy, "--target", conninfo])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
    }

    /// A store of MLflow 0.9.1 is refused with the command that brings it into MLflow's chain.
    ///
    /// The command's packages are those of the 1.14.1 venv that runs it here; the upgraded copy
    /// imports, verifies and looks the same to MLflow 1.14.1 on both sides.
    func testStoreFromBeforeAlembicIsRefusedWithTheCommandThatWorks() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-0.9.1/rich.db")
        let refused = try env.tool("mlflow-import", [source, "--target", env.conninfo("postgres"), "--dry-run"])
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("MLflow 0.9 or older"), refused.stderr)
        let imported = try env.tool("mlflow-import", [source, "--target", env.conninfo("postgres")])
        XCTAssertEqual(imported.status, 3, imported.stderr)
        for text in ["MLflow 0.9 or older", "no alembic_version table", "pip install mlflow==1.14.1", "mlflow db upgrade sqlite:///COPY"] {
            XCTAssertTrue(imported.stderr.contains(text), "expected '\(text)' in:\n\(imported.stderr)")
        }
        // The advice, as given: the message's `pip install` is the recipe of the venv used below.
        let python = try env.python(mlflow: "1.14.1")
        let install = try XCTUnwrap(imported.stderr.split(separator: "\n").first { $0.contains("pip install mlflow==1.14.1") })
        let advised = Set(install.split(separator: " ").dropFirst(2).map { $0.replacingOccurrences(of: "'", with: "") })
        let recipeFile = URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".mlflow-pg-migrate-recipe")
        let recipe = Set(try String(contentsOf: recipeFile, encoding: .utf8).split(whereSeparator: \.isWhitespace).map(String.init))
        XCTAssertEqual(advised, recipe.subtracting(["psycopg2-binary"]), "the message's pins and scripts/mlflow-venv.sh's differ")
        let copy = try TestEnvironment.temporaryCopy(of: source)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
        let mlflow = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("mlflow").path
        let upgrade = try ProcessResult.run(mlflow, ["db", "upgrade", "sqlite:///\(copy)"])
        XCTAssertEqual(upgrade.status, 0, upgrade.stderr.suffix(2000).description)
        let db = "e2e_pre_alembic"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let loaded = try env.tool("mlflow-import", [copy, "--target", conninfo, "--verify"])
        XCTAssertEqual(loaded.status, 0, loaded.stdout + loaded.stderr)
        XCTAssertTrue(loaded.stdout.contains("a8c4a736bde6"), loaded.stdout)
        let judged = try TestEnvironment.temporaryCopy(of: copy)
        assertSameJSON(
            try env.judge("snapshot", "sqlite:///\(judged)", mlflow: "1.14.1"), try env.judge("snapshot", env.mlflowURI(db), mlflow: "1.14.1"),
            "a 0.9.1 store upgraded by MLflow 1.14.1, then migrated")
    }
}
