import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// Real faults at every phase of an import, and during the read-only commands: the process
/// killed, the server restarted, the connection cut, the disk full, a live writer on the source.
///
/// The import is one transaction, so it has one commit point: a fault before it leaves the target
/// as it was (and a rerun succeeds without clean-up), a fault after it leaves the import complete.
final class FaultTests: XCTestCase {
    /// The 1M-metric source, made once for the tests of this class (they only read it).
    nonisolated(unsafe) static var bulk: String?

    func bulkSource(_ env: TestEnvironment) throws -> String {
        if let path = Self.bulk { return path }
        let path = try env.bulkSource()
        Self.bulk = path
        return path
    }

    /// Waits until the server has noticed that a killed client is gone.
    func waitForBackendsToEnd(_ admin: PGConnection, _ application: String) throws {
        let ended = try TestEnvironment.wait(seconds: 60) { try TestEnvironment.backends(admin, application) == 0 }
        XCTAssertTrue(ended, "the server still runs a backend of \(application)")
    }

    /// Kills the import when `condition` (SQL over pg_stat_activity `a` of the import's backend)
    /// holds, then checks the target is as it was and that a new run succeeds.
    func killImport(
        at phase: String, condition: String, source: String, database: String,
        before setUp: (PGConnection) throws -> Void = { _ in }, after release: (PGConnection) throws -> Void = { _ in }
    ) throws {
        let env = try TestEnvironment.require()
        let conninfo = try env.createDatabase(database)
        defer { env.dropDatabase(database) }
        let admin = try env.admin()
        let holder = try env.admin(database: database)
        try setUp(holder)
        let running = try env.start("mlflow-import", [source, "--target", conninfo, "--quiet"])
        let reached = try TestEnvironment.wait(seconds: 120) { try TestEnvironment.backends(admin, "mlflow-import", where: condition) == 1 }
        running.killHard()
        let result = try running.finish()
        XCTAssertTrue(reached, "the import never reached \(phase) (\(result.status)): \(result.stderr)")
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal, "the import ended before the kill: \(result.stderr)")
        try release(holder)
        try waitForBackendsToEnd(admin, "mlflow-import")
        XCTAssertEqual(try targetFingerprint(conninfo), "", "an import killed during \(phase) left something behind")
        let rerun = try env.tool("mlflow-import", [source, "--target", conninfo, "--verify"])
        XCTAssertEqual(rerun.status, 0, "rerun after a kill during \(phase): \(rerun.stderr)")
        XCTAssertTrue(rerun.stdout.contains("EQUAL"), "the rerun after a kill during \(phase) was not verified equal: \(rerun.stdout)")
    }

    /// Killed while creating MLflow's tables: another session holds an uncommitted table of the
    /// same name as the last CREATE TABLE, so the import waits inside its pre-data DDL, the
    /// earlier tables already created in its transaction.
    func testKillDuringSchemaCreation() throws {
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let revision = try ProcessResult.run("/usr/bin/env", ["sqlite3", source, "SELECT version_num FROM alembic_version"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ddl = try String(contentsOfFile: TestEnvironment.root.appendingPathComponent("schema/\(revision)/pre-data.sql").path, encoding: .utf8)
        let last = try XCTUnwrap(ddl.split(separator: "\n").last { $0.hasPrefix("CREATE TABLE ") }?.split(separator: " ")[2])
        try killImport(
            at: "schema creation", condition: "wait_event_type = 'Lock'",
            source: source, database: "e2e_kill_schema",
            before: {
                try $0.execute("BEGIN")
                try $0.execute("CREATE TABLE \(last) (x int)")
            },
            after: { try $0.execute("ROLLBACK") })
    }

    /// Killed while PostgreSQL builds the keys and indexes after the data (seen in
    /// pg_stat_progress_create_index).
    func testKillDuringIndexBuild() throws {
        let env = try TestEnvironment.require()
        try killImport(
            at: "index builds", condition: "EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.pid = a.pid)",
            source: try bulkSource(env), database: "e2e_kill_index")
    }

    /// Killed while COMMIT waits (the cluster is made to wait for a synchronous standby that
    /// never comes): until the commit completes nothing is visible; afterwards all of it is,
    /// mlflow-verify passes, and a second import is refused because the target holds data.
    func testKillWhileCommitting() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let db = "e2e_kill_commit"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let admin = try env.admin()
        func configure(_ settings: [String]) throws {
            for setting in settings { try admin.execute("ALTER SYSTEM \(setting)") }
            try admin.execute("SELECT pg_reload_conf()")
        }
        // Every other session commits locally; only the import waits for the standby.
        try admin.execute("SET synchronous_commit = local")
        try configure(["SET synchronous_commit = local", "SET synchronous_standby_names = 'nobody'"])
        var configured = true
        usleep(500_000)  // the checkpointer applies synchronous_standby_names after the reload signal
        defer { if configured { try? configure(["RESET synchronous_standby_names", "RESET synchronous_commit"]) } }
        let running = try env.start(
            "mlflow-import", [source, "--target", conninfo, "--quiet"],
            environment: ["PGOPTIONS": "-c synchronous_commit=on"])
        let waiting = try TestEnvironment.wait(seconds: 120) {
            try TestEnvironment.backends(admin, "mlflow-import", where: "wait_event = 'SyncRep'") == 1
        }
        running.killHard()
        let result = try running.finish()
        XCTAssertTrue(waiting, "the import's COMMIT never waited: \(result.stderr)")
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try targetFingerprint(conninfo), "", "an uncommitted import is visible")
        try configure(["RESET synchronous_standby_names", "RESET synchronous_commit"])
        configured = false
        try waitForBackendsToEnd(admin, "mlflow-import")
        let verify = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertEqual(verify.status, 0, "a commit that went through must be complete: \(verify.stdout)\(verify.stderr)")
        // Run again, the import finds the target already equal to the source: nothing to do.
        let again = try env.tool("mlflow-import", [source, "--target", conninfo])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("Nothing to do: "), again.stdout)
    }

    /// The server restarted (fast shutdown) in the middle of the metrics COPY: a clear error,
    /// exit 4, the target unchanged, and a rerun succeeds once the server is back.
    func testServerRestartDuringLoad() throws {
        let env = try TestEnvironment.require()
        let cluster = try XCTUnwrap(ProcessInfo.processInfo.environment["MLFLOW_PG_TEST_CLUSTER"], "run through scripts/test.sh")
        let source = try bulkSource(env)
        let db = "e2e_restart"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let admin = try env.admin()
        let running = try env.start("mlflow-import", [source, "--target", conninfo, "--quiet"])
        let copying = try TestEnvironment.wait(seconds: 120) {
            try TestEnvironment.backends(admin, "mlflow-import", where: "query LIKE 'COPY \"metrics\"%'") == 1
        }
        XCTAssertTrue(copying, "never saw the metrics COPY running")
        // system(), not Process: Foundation lost the exit of this child while another one (the
        // import) ended at the same moment, and waited for it forever.
        let script = TestEnvironment.root.appendingPathComponent("scripts/pg-cluster.sh").path
        XCTAssertEqual(system("'\(script)' restart '\(cluster)' >/dev/null"), 0, "pg-cluster.sh restart failed")
        let result = try running.finish()
        XCTAssertEqual(result.status, 4, result.stderr)
        XCTAssertTrue(result.stderr.contains("lost the connection to the target"), result.stderr)
        XCTAssertTrue(result.stderr.contains("target is as it was"), result.stderr)
        XCTAssertFalse(result.stderr.contains("Fatal error") || result.stderr.contains("Stack"), result.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "", "a restart mid-load left something behind")
        let rerun = try env.tool("mlflow-import", [source, "--target", conninfo, "--verify"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("EQUAL"), "the rerun after the restart was not verified equal: \(rerun.stdout)")
    }

    /// The verifier's backend terminated while it reads the target: a clear error and exit 2.
    func testConnectionDroppedDuringVerify() throws {
        let env = try TestEnvironment.require()
        let source = try bulkSource(env)
        let db = "e2e_drop_verify"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let imported = try env.tool("mlflow-import", [source, "--target", conninfo, "--quiet"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        try assertDropped(
            "mlflow-verify", [source, "--target", conninfo], condition: "query LIKE 'COPY%' AND state = 'active'",
            expect: "Nothing was compared to the end")
    }

    /// The dry run's backend terminated while the dry run scans the source (it connects first):
    /// exit 2, target unchanged.
    func testConnectionDroppedDuringDryRun() throws {
        let env = try TestEnvironment.require()
        let source = try bulkSource(env)
        let db = "e2e_drop_dry"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        try assertDropped(
            "mlflow-import", [source, "--target", conninfo, "--dry-run"], application: "mlflow-import --dry-run",
            condition: "state = 'idle'", expect: "The dry run only reads the target")
        XCTAssertEqual(try targetFingerprint(conninfo), "")
    }

    func assertDropped(_ tool: String, _ arguments: [String], application: String? = nil, condition: String, expect: String) throws {
        let env = try TestEnvironment.require()
        let admin = try env.admin()
        let name = application ?? tool
        let running = try env.start(tool, arguments)
        let reached = try TestEnvironment.wait(seconds: 120) { try TestEnvironment.backends(admin, name, where: condition) == 1 }
        XCTAssertTrue(reached, "\(name) never reached: \(condition)")
        let terminated = try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [name]).scalar
        XCTAssertEqual(terminated, "t")
        let result = try running.finish()
        XCTAssertEqual(result.status, 2, "\(name): \(result.stdout)\(result.stderr)")
        XCTAssertTrue(result.stderr.contains("lost the connection to the target"), result.stderr)
        XCTAssertTrue(result.stderr.contains(expect), result.stderr)
    }

    /// The disk fills up while the bundle is written (a 4 MiB tmpfs): exit 7 naming the cause,
    /// no bundle and no partial folder left, so there is nothing an import could accept.
    func testDiskFullWhileExporting() throws {
        let env = try TestEnvironment.require()
        guard getuid() == 0 else { throw TestEnvironment.unavailable("mounting a small tmpfs needs root (CI runs as root)") }
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        let mounted = try ProcessResult.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.path])
        guard mounted.status == 0 else { throw TestEnvironment.unavailable("cannot mount a tmpfs here: \(mounted.stderr)") }
        defer {
            _ = try? ProcessResult.run("/bin/umount", [mount.path])
            try? FileManager.default.removeItem(at: mount)
        }
        let bundle = mount.appendingPathComponent("bundle").path
        let result = try env.tool("mlflow-export", [try bulkSource(env), "--output", bundle])
        XCTAssertEqual(result.status, 7, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("no space left on the device"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mount.path), [], "a partial bundle was left behind")
        let db = "e2e_full"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let imported = try env.tool("mlflow-import", [bundle, "--target", conninfo])
        XCTAssertEqual(imported.status, 3, imported.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "")
    }

    /// Import straight from a store a separate MLflow process keeps logging into (WAL mode): the
    /// target holds one point in time of it, and the logger never fails while the import reads.
    func testImportWhileMLflowLogs() throws {
        let env = try TestEnvironment.require()
        let store = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        try env.sqlite(store, "PRAGMA journal_mode = WAL")
        let logger = try MLflowLogger(env, store: store)
        var points: [Int] = []
        for n in 0..<2 {
            let db = "e2e_live_import\(n)"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            let imported = try env.tool("mlflow-import", [store, "--target", conninfo, "--quiet"])
            XCTAssertEqual(imported.status, 0, imported.stderr)
            points.append(try MLflowLogger.points(in: env.admin(database: db)))
            usleep(300_000)
        }
        XCTAssertEqual(try logger.stop(), 0, "the MLflow logger failed while the import read")
        XCTAssertLessThan(points[0], points[1], "the logger did not make progress between the imports")
    }
}
