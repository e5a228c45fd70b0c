import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// The real parts an end-to-end test needs: the built executables, a PostgreSQL server and
/// MLflow's Python, all set up by `scripts/test.sh` (which sets PGHOST, PGPORT and
/// MLFLOW_PG_REQUIRE_INTEGRATION=1, so that a missing part fails the run instead of skipping).
struct TestEnvironment {
    /// The checkout: the folder above this file that holds Package.swift.
    static let root = Checkout.root

    /// The folder with the built executables.
    let binaries: URL
    let pgHost: String
    let pgPort: String

    /// A skip for a part of the machine a test needs and does not have; under
    /// MLFLOW_PG_REQUIRE_INTEGRATION=1 (scripts/test.sh, CI) also a failure, so that a guarantee
    /// never rests on a test that silently did not run.
    static func unavailable(_ message: String) -> XCTSkip {
        if ProcessInfo.processInfo.environment["MLFLOW_PG_REQUIRE_INTEGRATION"] == "1" { XCTFail(message) }
        return XCTSkip(message)
    }

    /// The environment, or a skip (a failure when MLFLOW_PG_REQUIRE_INTEGRATION=1).
    static func require() throws -> TestEnvironment {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["PGHOST"], let port = env["PGPORT"] else {
            throw unavailable("PGHOST/PGPORT not set: run the tests through scripts/test.sh")
        }
        let bin = env["MLFLOW_PG_BIN"].map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(".build/debug")
        return TestEnvironment(binaries: bin, pgHost: host, pgPort: port)
    }

    /// The Python of the virtualenv with this MLflow version (made by scripts/mlflow-venv.sh).
    func python(mlflow version: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        let root = environment["MLFLOW_VENV_ROOT"] ?? (cache + "/mlflow-pg-migrate/venvs")
        let path = root + "/mlflow-\(version)/bin/python"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            XCTFail("no MLflow \(version) virtualenv at \(path): run scripts/mlflow-venv.sh \(version)")
            throw XCTSkip("missing venv")
        }
        return path
    }

    /// Every fixture store and the MLflow version that wrote it (and judges it).
    static let fixtures: [(path: String, mlflow: String)] = [
        ("mlflow-1.30.1/rich.db", "1.30.1"), ("mlflow-1.30.1/empty.db", "1.30.1"),
        ("mlflow-2.9.2/rich.db", "2.9.2"), ("mlflow-2.9.2/empty.db", "2.9.2"),
        ("mlflow-3.17.2/rich.db", "3.17.2"), ("mlflow-3.17.2/empty.db", "3.17.2"),
    ]

    /// A fixture file under Fixtures/.
    static func fixture(_ relative: String) -> String {
        root.appendingPathComponent("Fixtures/\(relative)").path
    }

    /// A connection to the maintenance database, for creating and inspecting test databases.
    func admin(database: String = "postgres") throws -> PGConnection {
        try PGConnection(conninfo: "host=\(pgHost) port=\(pgPort) user=postgres dbname=\(database)", applicationName: "e2e-tests")
    }

    /// Creates an empty UTF8 database and returns its libpq conninfo.
    func createDatabase(_ name: String) throws -> String {
        let admin = try admin()
        try admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try admin.execute("CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        return conninfo(name)
    }

    func dropDatabase(_ name: String) {
        try? admin().execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    func conninfo(_ database: String) -> String {
        "host=\(pgHost) port=\(pgPort) user=postgres dbname=\(database)"
    }

    /// The SQLAlchemy URI MLflow uses for a database of the test server.
    func mlflowURI(_ database: String) -> String {
        "postgresql+psycopg2://postgres@/\(database)?host=\(pgHost)&port=\(pgPort)"
    }

    /// Runs one of the built executables.
    func tool(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessResult.run(binaries.appendingPathComponent(name).path, arguments, environment: environment)
    }

    /// Runs the judge (Tests/Judge/mlflow_judge.py) with MLflow `version` and decodes its JSON.
    func judge(_ command: String, _ uri: String, mlflow version: String = "2.9.2") throws -> String {
        let script = Self.root.appendingPathComponent("Tests/Judge/mlflow_judge.py").path
        let result = try ProcessResult.run(try python(mlflow: version), [script, command, uri])
        guard result.status == 0 else {
            XCTFail("judge \(command) \(uri) failed (\(result.status)):\n\(result.stderr.suffix(3000))")
            throw XCTSkip("judge failed")
        }
        return result.stdout
    }

    /// Runs several judge commands in one process of MLflow `version` (its start costs seconds);
    /// returns their JSON in order, each as `judge(_:_:mlflow:)` would.
    func judge(batch: [(command: String, uri: String)], mlflow version: String) throws -> [String] {
        let script = Self.root.appendingPathComponent("Tests/Judge/mlflow_judge.py").path
        let result = try ProcessResult.run(try python(mlflow: version), [script, "batch"] + batch.flatMap { [$0.command, $0.uri] })
        let outputs = result.stdout.components(separatedBy: "\u{1e}\n")
        guard result.status == 0, outputs.count == batch.count else {
            XCTFail("judge batch \(batch.map(\.command)) failed (\(result.status)):\n\(result.stderr.suffix(3000))")
            throw XCTSkip("judge failed")
        }
        return outputs
    }

    /// Creates the TimescaleDB extension in `database`, or skips (never a failure: TimescaleDB is
    /// not packaged for this machine kind, and only a cluster whose PostgreSQL has it preloads it).
    func requireTimescaleDB(in database: String) throws {
        let conn = try admin(database: database)
        let preloaded = try conn.query("SHOW shared_preload_libraries").scalar ?? ""
        let available = try conn.query("SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'").scalar
        guard let available, preloaded.contains("timescaledb") else {
            throw XCTSkip(
                "TimescaleDB is not installed in the test cluster's PostgreSQL (available: \(available ?? "no"), preloaded: '\(preloaded)'); skipped")
        }
        try conn.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
    }

    /// Runs SQL on an SQLite file with the sqlite3 command-line shell.
    func sqlite(_ path: String, _ sql: String) throws {
        let result = try ProcessResult.run("/usr/bin/env", ["sqlite3", path, sql])
        guard result.status == 0 else {
            XCTFail("sqlite3 \(path) failed: \(result.stderr)")
            throw XCTSkip("sqlite3 failed")
        }
    }

    /// A copy of the 2.9.2 rich fixture grown by a million metric rows, so that a load, an index
    /// build or a verification lasts long enough for a fault to land in it.
    func bulkSource() throws -> String {
        let source = try Self.temporaryCopy(of: Self.fixture("mlflow-2.9.2/rich.db"))
        try sqlite(
            source,
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
            INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
            SELECT 'bulk', i * 0.5, 1700000000000 + i, (SELECT run_uuid FROM runs WHERE name = 'parent-run'), i, 0 FROM n;
            """)
        return source
    }

    /// Starts one of the built executables without waiting for it.
    func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> RunningProcess {
        try RunningProcess(binaries.appendingPathComponent(name).path, arguments, environment: environment)
    }

    /// How many backends of an application `pg_stat_activity` (as `a`) shows matching a condition.
    static func backends(_ admin: PGConnection, _ application: String, where condition: String = "true") throws -> Int {
        Int(
            try admin.query(
                "SELECT count(*) FROM pg_stat_activity a WHERE application_name = $1 AND \(condition)",
                [application]
            ).scalar ?? "") ?? -1
    }

    /// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
    static func wait(seconds: Double, for condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    /// Copies a fixture to a fresh temporary file, so tests never change Fixtures/.
    static func temporaryCopy(of path: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-pg-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let copy = dir.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
        try FileManager.default.copyItem(atPath: path, toPath: copy.path)
        return copy.path
    }
}

/// A finished child process: exit status and everything it printed.
