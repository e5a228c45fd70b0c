import Foundation
import PostgresTarget
import XCTest

/// "The target is as it was" holds for everything the import changes, sequences included, and
/// what can be checked before the transaction is checked before it.
final class TargetIntegrityTests: XCTestCase {
    /// A failure at COMMIT (a deferred trigger of another party on an MLflow-created target) comes
    /// after the sequences were set: they must be rolled back with everything else.
    func testSequencesOfAnMLflowCreatedTargetAreRolledBack() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_sequence_rollback"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        _ = try env.judge("create", env.mlflowURI(db))
        let admin = try env.admin(database: db)
        try admin.execute(
            """
            CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused at commit by another party'; END $$;
            CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON experiments
              DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit();
            """)
        let before = try targetFingerprint(conninfo)
        XCTAssertTrue(before.contains("experiments_experiment_id_seq:S"), before)
        let result = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("refused at commit by another party"), result.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), before, "the failed import changed the target (a sequence?)")
        // The record of an import that did not commit is removed, so that the import can run again.
        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("rejects-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: rejects) }
        let problems = TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db")
        let policy = ["--skip-rows", "all", "--widen-too-long", "--reject-dir", rejects]
        let failed = try env.tool("mlflow-import", [problems, "--target", conninfo] + policy)
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: rejects + "/rejects.json"), "a record of an import that did not commit")
        try admin.execute("DROP TRIGGER refuse_at_commit ON experiments")
        let again = try env.tool("mlflow-import", [problems, "--target", conninfo] + policy)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: rejects + "/rejects.json"))
    }

    /// A role that may write MLflow's tables but owns no sequence (MLflow ran as another role)
    /// still imports into the schema MLflow created: its sequences are set with setval, last.
    func testARoleThatDoesNotOwnTheSequencesCanStillImport() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_sequence_owner"
        _ = try env.createDatabase(db)
        defer {
            env.dropDatabase(db)
            try? env.admin().execute("DROP ROLE IF EXISTS e2e_writer")
        }
        _ = try env.judge("create", env.mlflowURI(db))
        let admin = try env.admin(database: db)
        try admin.execute(
            """
            DROP ROLE IF EXISTS e2e_writer;
            CREATE ROLE e2e_writer LOGIN;
            GRANT USAGE ON SCHEMA public TO e2e_writer;
            GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO e2e_writer;
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO e2e_writer;
            """)
        let conninfo = env.conninfo(db).replacingOccurrences(of: "user=postgres", with: "user=e2e_writer")
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let result = try env.tool("mlflow-import", [source, "--target", conninfo, "--verify"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        try admin.execute(
            "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM e2e_writer; REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM e2e_writer; REVOKE ALL ON SCHEMA public FROM e2e_writer"
        )
    }

    /// A reject directory that already holds a record is refused before the transaction begins.
    func testAUsedRejectDirectoryIsRefusedBeforeTheLoad() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_used_rejects"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("rejects-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rejects, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rejects) }
        try Data("{}".utf8).write(to: rejects.appendingPathComponent("rejects.json"))
        let started = Date()
        let result = try env.tool(
            "mlflow-import",
            [
                TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db"), "--target", conninfo, "--skip-rows", "all",
                "--widen-too-long", "--reject-dir", rejects.path, "--progress", "json",
            ])
        XCTAssertEqual(result.status, 7, result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot write the reject directory \(rejects.path): it already holds a reject record"), result.stderr)
        XCTAssertFalse(result.stderr.contains("table_started"), "the load started before the check:\n\(result.stderr)")
        XCTAssertEqual(try targetFingerprint(conninfo), "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    /// Two imports into one schema at once: the second is refused (exit 5) before it writes,
    /// instead of failing on the catalog and being reported as a rejected value.
    func testASecondImportIntoTheSameSchemaIsRefused() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_import_lock"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let holder = try env.admin(database: db)
        try holder.execute("SELECT pg_advisory_lock(1296844368, (SELECT oid::int FROM pg_namespace WHERE nspname = 'public'))")
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let refused = try env.tool("mlflow-import", [source, "--target", conninfo])
        XCTAssertEqual(refused.status, 5, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("another mlflow-import is loading into schema public of this database right now"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("Correct the row"), refused.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "")
        try holder.execute("SELECT pg_advisory_unlock_all()")
        let imported = try env.tool("mlflow-import", [source, "--target", conninfo])
        XCTAssertEqual(imported.status, 0, imported.stderr)
    }
}
