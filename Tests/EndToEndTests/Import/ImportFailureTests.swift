import Foundation
import XCTest

/// All or nothing, and errors an operator can act on: every failure leaves the target unchanged.
final class ImportFailureTests: XCTestCase {
    /// A source whose rows hold a value PostgreSQL rejects (a 300-character experiment name, which
    /// SQLite accepts), loaded without the pre-flight so that the server itself rejects it mid-COPY:
    /// the import fails with the row named and writes nothing.
    func testRejectedValueLeavesEmptyAndMLflowCreatedTargetsUnchanged() throws {
        let env = try TestEnvironment.require()
        let source = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        try env.sqlite(source, "UPDATE experiments SET name = '\(String(repeating: "n", count: 300))' WHERE name = 'experiment without runs'")
        for mlflowCreated in [false, true] {
            let db = "e2e_rejected"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            if mlflowCreated { _ = try env.judge("create", env.mlflowURI(db)) }
            let before = try targetFingerprint(conninfo)
            let result = try env.tool("mlflow-import", [source, "--target", conninfo, "--no-preflight"])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains("table experiments"), result.stderr)
            XCTAssertTrue(result.stderr.contains("experiment_id=4"), result.stderr)
            XCTAssertTrue(result.stderr.contains("column name"), result.stderr)
            XCTAssertTrue(result.stderr.contains("22001"), result.stderr)
            XCTAssertTrue(result.stderr.contains("target is unchanged") || result.stderr.contains("Nothing was written"), result.stderr)
            XCTAssertEqual(try targetFingerprint(conninfo), before, "target changed by a failed import")
        }
    }

    /// A value the encoder refuses before PostgreSQL sees it (NUL in a param, an integer outside
    /// int4): named by file, table, row key and column, by the pre-flight and, without it, by the
    /// encoder during the load; the target stays empty either way.
    func testValuesTheEncoderRefusesAreNamed() throws {
        let env = try TestEnvironment.require()
        let cases: [(sql: String, expect: [String])] = [
            (
                "UPDATE params SET value = 'a' || char(0) || 'b' WHERE key = 'lr'",
                ["table params", "key='lr'", "column value", "NUL"]
            ),
            (
                "UPDATE experiment_tags SET experiment_id = 4294967296 WHERE key = 'restored'",
                ["table experiment_tags", "key='restored'", "column experiment_id", "4294967296"]
            ),
            (
                "UPDATE metrics SET is_nan = 2 WHERE rowid = 5",
                ["table metrics", "column is_nan", "not 0 or 1"]
            ),
            (
                "UPDATE metrics SET value = 'abc' WHERE rowid = 6",
                ["table metrics", "column value", "storage class text", "'abc'"]
            ),
        ]
        for (sql, expect) in cases {
            let source = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
            try env.sqlite(source, "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; " + sql)
            let db = "e2e_refused"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            for flags in [[], ["--no-preflight"]] {
                let result = try env.tool("mlflow-import", [source, "--target", conninfo] + flags)
                XCTAssertEqual(result.status, 1, "\(sql) \(flags): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(source), result.stderr)
                for text in expect { XCTAssertTrue(result.stderr.contains(text), "\(sql) \(flags): expected '\(text)' in:\n\(result.stderr)") }
                XCTAssertEqual(try targetFingerprint(conninfo), "", "target changed by a failed import")
            }
        }
    }

    /// An orphaned row (a param of a run that does not exist) fails the foreign key after the data:
    /// everything is rolled back; by default the pre-flight then lists it, with `--no-preflight` the
    /// server's error is reported as it came.
    func testForeignKeyViolationRollsBack() throws {
        let env = try TestEnvironment.require()
        let source = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        try env.sqlite(source, "PRAGMA foreign_keys = OFF; UPDATE params SET run_uuid = 'no-such-run' WHERE key = 'lr'")
        let db = "e2e_orphan"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let result = try env.tool("mlflow-import", [source, "--target", conninfo, "--no-preflight"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("params_run_uuid_fkey"), result.stderr)
        XCTAssertTrue(result.stderr.contains("no-such-run"), result.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "")
        // By default the refusal is followed by the pre-flight, which names the orphan as a problem.
        let listed = try env.tool("mlflow-import", [source, "--target", conninfo])
        XCTAssertEqual(listed.status, 1, listed.stderr)
        XCTAssertTrue(listed.stderr.contains("holds 1 row problem(s)") && listed.stderr.contains("[orphan]"), listed.stderr)
        XCTAssertTrue(listed.stderr.contains("no-such-run") && listed.stderr.contains("params_run_uuid_fkey"), listed.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "")
    }

    /// SIGKILL in the middle of the biggest COPY: the server discards the transaction, the target
    /// is empty again, and a new run succeeds without any clean-up.
    func testKilledImportLeavesNothingAndCanBeRerun() throws {
        let env = try TestEnvironment.require()
        let source = try env.bulkSource()
        let db = "e2e_killed"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let running = try env.start("mlflow-import", [source, "--target", conninfo, "--quiet", "--no-preflight"])
        let admin = try env.admin()
        let sawCopy = try TestEnvironment.wait(seconds: 120) {
            try TestEnvironment.backends(admin, "mlflow-import", where: "query LIKE 'COPY \"metrics\"%'") == 1
        }
        XCTAssertTrue(sawCopy, "never saw the metrics COPY running")
        usleep(200_000)
        running.killHard()
        _ = try running.finish()
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal)
        // The server notices the closed connection and aborts the transaction.
        var remaining = "?"
        for _ in 0..<200 {
            remaining = try admin.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mlflow-import'").scalar ?? "?"
            if remaining == "0" { break }
            usleep(50_000)
        }
        XCTAssertEqual(remaining, "0")
        XCTAssertEqual(try targetFingerprint(conninfo), "", "a killed import left something behind")
        let rerun = try env.tool("mlflow-import", [source, "--target", conninfo, "--no-preflight", "--verify"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("metrics"), rerun.stdout)
        XCTAssertTrue(rerun.stdout.contains("EQUAL"), "the rerun after the kill was not verified equal: \(rerun.stdout)")
    }

    /// An `mlflow db upgrade` that commits while the import waits for its lock on MLflow's tables:
    /// the import looks at the revision again under the lock and refuses, instead of loading old
    /// rows into an upgraded schema. (Here the "upgrade" is another session's uncommitted update
    /// of alembic_version, committed once the import waits.)
    func testRevisionChangedWhileWaitingForTheLockIsRefused() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let db = "e2e_race"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        _ = try env.judge("create", env.mlflowURI(db))
        let created = try targetFingerprint(conninfo)
        XCTAssertTrue(created.contains("acf3f17fdcc7"))
        let upgrader = try env.admin(database: db)
        try upgrader.execute("BEGIN")
        try upgrader.execute("UPDATE alembic_version SET version_num = 'f5a4f2784254'")
        let running = try env.start("mlflow-import", [source, "--target", conninfo])
        let admin = try env.admin()
        let waiting = try TestEnvironment.wait(seconds: 60) {
            try TestEnvironment.backends(admin, "mlflow-import", where: "wait_event_type = 'Lock'") == 1
        }
        XCTAssertTrue(waiting, "the import never waited for its lock")
        try upgrader.execute("COMMIT")
        let result = try running.finish()
        XCTAssertEqual(result.status, 5, result.stderr)
        XCTAssertTrue(result.stderr.contains("revision f5a4f2784254"), result.stderr)
        // What the "upgrade" left, and nothing of the import.
        XCTAssertEqual(try targetFingerprint(conninfo), created.replacingOccurrences(of: "acf3f17fdcc7", with: "f5a4f2784254"))
    }

    func testTargetWithDataIsRefused() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let db = "e2e_used"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        XCTAssertEqual(try env.tool("mlflow-import", [source, "--target", conninfo]).status, 0)
        let before = try targetFingerprint(conninfo)
        // Another store of the same revision (the same one again would find nothing to do).
        let again = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/empty.db"), "--target", conninfo])
        XCTAssertEqual(again.status, 5, again.stderr)
        XCTAssertTrue(again.stderr.contains("already hold data"), again.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), before)

        try env.admin(database: db).execute("CREATE TABLE unrelated (id int)")
        let other = try env.createDatabase("e2e_other")
        defer { env.dropDatabase("e2e_other") }
        try env.admin(database: "e2e_other").execute("CREATE TABLE customer_data (id int)")
        let foreign = try env.tool("mlflow-import", [source, "--target", other])
        XCTAssertEqual(foreign.status, 5, foreign.stderr)
        XCTAssertTrue(foreign.stderr.contains("customer_data"), foreign.stderr)
    }

    func testSourceProblemsAreExplained() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_source"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = dir.appendingPathComponent("notes.txt").path
        try "hello, this is not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
        let plain = dir.appendingPathComponent("plain.db").path
        try env.sqlite(plain, "CREATE TABLE t (x)")
        let future = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/empty.db"))
        try env.sqlite(future, "UPDATE alembic_version SET version_num = 'ffffffffffff'")
        let between = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-1.30.1/empty.db"))
        try env.sqlite(between, "UPDATE alembic_version SET version_num = '0c779009ac13'")
        let old = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-1.30.1/empty.db"))
        try env.sqlite(old, "UPDATE alembic_version SET version_num = '451aebb31d03'")
        let cases: [(String, [String])] = [
            (dir.appendingPathComponent("missing.db").path, ["no such file"]),
            (
                between,
                [
                    "0c779009ac13",
                    "lies between the supported revisions bd07f7e963c5 (MLflow 1.25.1, 1.26.1, 1.27.0) and cc1f77228345 (MLflow 1.28.0)",
                    "`pip install mlflow==1.28.0` with the dependency pins", "mlflow db upgrade sqlite:///COPY",
                ]
            ),
            (old, ["451aebb31d03", "older than every supported revision; the nearest is 90e64c465722 (MLflow 1.0.0)", "pip install mlflow==1.0.0"]),
            (text, ["not a usable SQLite database"]),
            (plain, ["not an MLflow tracking store", "alembic_version"]),
            (future, ["ffffffffffff", "not in MLflow's migration chain", "f4a9b2c7d1e6 (MLflow 3.18.0)", "needs a newer mlflow-pg-migrate"]),
        ]
        for (path, expect) in cases {
            let result = try env.tool("mlflow-import", [path, "--target", conninfo])
            XCTAssertEqual(result.status, 3, "\(path): \(result.stderr)")
            for text in expect { XCTAssertTrue(result.stderr.contains(text), "expected '\(text)' in:\n\(result.stderr)") }
            // The nearest revisions, not a list of every supported one.
            XCTAssertFalse(result.stderr.contains("acf3f17fdcc7"), result.stderr)
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
        }
        XCTAssertEqual(try targetFingerprint(conninfo), "")
    }

    func testUnreachableServerAndUsage() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/empty.db")
        let unreachable = try env.tool("mlflow-import", [source, "--target", "postgresql://nobody:s3cr3t-pw@127.0.0.1:1/x?connect_timeout=3"])
        XCTAssertEqual(unreachable.status, 4, unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("cannot connect"), unreachable.stderr)
        XCTAssertFalse(unreachable.stderr.contains("s3cr3t-pw") || unreachable.stdout.contains("s3cr3t-pw"), "password printed")
        let usage = try env.tool("mlflow-import", [])
        XCTAssertEqual(usage.status, 2, usage.stderr)
        XCTAssertTrue(usage.stderr.contains("USAGE: mlflow-import"), usage.stderr)
    }
}
