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
}
