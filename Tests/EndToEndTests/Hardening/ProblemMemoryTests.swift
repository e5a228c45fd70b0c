import Foundation
import TestSupport
import XCTest

/// A store with a great many bad rows costs disk, not memory: problems and left-out rows go to
/// SQLite's temporary database as they are found, reports list the first ones and count them all,
/// and the reject record is written and read a row at a time.
///
/// Peak memory is read with /usr/bin/time (installed by scripts/setup.sh). The bound is about twice
/// what the tool needs for any store; holding 150,000 problems in memory, as before, took 1.7 GB
/// for the dry run and 150-450 MB for the other steps (Benchmarks/bad-rows.sh, docs/benchmarks.md).
final class ProblemMemoryTests: XCTestCase {
    static let badRows = 150_000
    static let boundMiB = 100

    /// Runs a tool under /usr/bin/time; returns its result and its peak resident memory in MiB.
    func measured(_ env: TestEnvironment, _ tool: String, _ arguments: [String]) throws -> (ProcessResult, Int) {
        let rss = FileManager.default.temporaryDirectory.appendingPathComponent("rss-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: rss) }
        let result = try ProcessResult.run(
            "/usr/bin/time", ["-f", "%M", "-o", rss, env.binaries.appendingPathComponent(tool).path] + arguments)
        let kib = try XCTUnwrap(Int(try String(contentsOfFile: rss, encoding: .utf8).split(separator: "\n").last ?? ""), "no RSS from /usr/bin/time")
        return (result, kib / 1024)
    }

    func testManyBadRowsAreCountedListedAndLeftOutInBoundedMemory() throws {
        let env = try TestEnvironment.require()
        let n = Self.badRows
        let source = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: source).deletingLastPathComponent().path) }
        // n params of no run (orphans), and a run whose status breaks the CHECK with n metrics.
        try env.sqlite(
            source,
            """
            PRAGMA ignore_check_constraints = ON;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(n))
            INSERT INTO params (key, value, run_uuid) SELECT 'orphan_' || i, 'v', 'no_such_run_00000000000000000000' FROM n;
            CREATE TEMP TABLE r AS SELECT * FROM runs LIMIT 1;
            UPDATE r SET run_uuid = 'paused_run_000000000000000000000', status = 'PAUSED';
            INSERT INTO runs SELECT * FROM r;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(n))
            INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
            SELECT 'loss', i * 0.5, 1700000000000 + i, 'paused_run_000000000000000000000', i, 0 FROM n;
            """)
        let conninfo = try env.createDatabase("e2e_bad_rows")
        defer { env.dropDatabase("e2e_bad_rows") }

        // The dry run counts every problem, lists the first 1000, and groups them by column.
        let (dry, dryMiB) = try measured(env, "mlflow-import", [source, "--target", conninfo, "--dry-run", "--format", "json"])
        XCTAssertEqual(dry.status, 1, dry.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["problems_total"] as? Int, n + 1)
        XCTAssertEqual((report["problems"] as? [Any])?.count, 1000)
        XCTAssertEqual(report["counts"] as? [String: Int], ["orphan": n, "check_violation": 1])
        let groups = report["problem_groups"] as? [[String: Any]] ?? []
        XCTAssertTrue(
            groups.contains { $0["kind"] as? String == "orphan" && $0["table"] as? String == "params" && $0["rows"] as? Int == n }, "\(groups)")
        let text = try env.tool("mlflow-import", [source, "--target", conninfo, "--dry-run"])
        XCTAssertTrue(text.stdout.contains("\(n) orphan in params.run_uuid"), text.stdout)

        // A strict import refuses, counting every problem.
        let (strict, strictMiB) = try measured(env, "mlflow-import", [source, "--target", conninfo, "--quiet"])
        XCTAssertEqual(strict.status, 1, strict.stderr)
        XCTAssertTrue(strict.stderr.contains("holds \(n + 1) row problem(s) PostgreSQL would reject (1 check_violation, \(n) orphan)"), strict.stderr)

        // Leaving them out records every row, a line each, and the run's metrics with it.
        let rejects = URL(fileURLWithPath: source).deletingLastPathComponent().appendingPathComponent("rejects").path
        let (skip, skipMiB) = try measured(
            env, "mlflow-import", [source, "--target", conninfo, "--quiet", "--skip-rows", "orphan,check_violation", "--reject-dir", rejects])
        XCTAssertEqual(skip.status, 0, skip.stderr)
        for (table, rows) in [("params", n), ("metrics", n), ("runs", 1)] {
            let lines = try String(contentsOfFile: rejects + "/rows/\(table).jsonl", encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, rows, table)
        }
        let metric = try String(contentsOfFile: rejects + "/rows/metrics.jsonl", encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertTrue(metric.contains("references_left_out_row") && metric.contains("paused_run_"), String(metric))

        // Verify reads the record a line at a time and finds the target equal.
        let (verify, verifyMiB) = try measured(env, "mlflow-verify", [source, "--target", conninfo, "--reject-dir", rejects])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)

        for (step, mib) in [("dry run", dryMiB), ("strict import", strictMiB), ("import leaving rows out", skipMiB), ("verify", verifyMiB)] {
            XCTAssertLessThan(mib, Self.boundMiB, "\(step) took \(mib) MiB for \(n) bad rows")
        }
    }
}
