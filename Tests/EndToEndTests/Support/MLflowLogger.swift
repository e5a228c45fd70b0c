import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// A separate MLflow 2.9.2 process logging one metric point after another into an SQLite store
/// (metric `live` of a new run), until stopped: the live writer of the snapshot tests.
final class MLflowLogger {
    private let process: RunningProcess
    private let stopFile: String
    let store: String

    /// Starts logging into `store` and returns once at least 50 points are in the file.
    init(_ env: TestEnvironment, store: String) throws {
        self.store = store
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-logger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("logger.py").path
        stopFile = dir.appendingPathComponent("stop").path
        try """
        import os, sys
        from mlflow import MlflowClient
        c = MlflowClient(tracking_uri="sqlite:///" + sys.argv[1])
        run = c.create_run("1", run_name="live-logger").info.run_id
        step = 0
        while not os.path.exists(sys.argv[2]) and step < 20000:
            c.log_metric(run, "live", float(step), timestamp=1700000000000 + step, step=step)
            step += 1
        """.write(toFile: script, atomically: true, encoding: .utf8)
        process = try RunningProcess(try env.python(mlflow: "2.9.2"), [script, store, stopFile])
        let started = TestEnvironment.wait(seconds: 30) { points() >= 50 }
        XCTAssertTrue(started, "the MLflow logger did not start")
    }

    /// How many points the file holds now.
    func points() -> Int {
        let result = try? ProcessResult.run("/usr/bin/env", ["sqlite3", store, "SELECT count(*) FROM metrics WHERE key = 'live'"])
        return Int(result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    }

    /// The logger's points in a target, after checking that they are one point in time:
    /// latest_metrics holds the highest step and no step below it is missing.
    static func points(in conn: PGConnection, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let count = Int(try conn.query("SELECT count(*) FROM metrics WHERE key = 'live'").scalar ?? "") ?? -1
        let maxStep = try conn.query("SELECT max(step) FROM metrics WHERE key = 'live'").scalar
        let latest = try conn.query("SELECT step FROM latest_metrics WHERE key = 'live'").scalar
        XCTAssertEqual(maxStep, latest, "latest_metrics does not match metrics: not one point in time", file: file, line: line)
        XCTAssertEqual(count, (Int(maxStep ?? "") ?? -2) + 1, "steps missing in the snapshot", file: file, line: line)
        return count
    }

    /// Stops the logger and returns its exit status (0: it never failed while the tool read).
    func stop() throws -> Int32 {
        _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
        let result = try process.finish(timeout: 120)
        XCTAssertEqual(result.status, 0, "the MLflow logger failed: \(result.stderr.suffix(2000))")
        return result.status
    }
}
