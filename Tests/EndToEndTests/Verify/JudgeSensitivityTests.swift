import Foundation
import TestSupport
import XCTest

/// Shows the judge fails when a load is wrong: each broken load below must be caught, in what
/// MLflow's client shows, in the raw rows (`raw_tables`), or in the ids MLflow hands out next.
final class JudgeSensitivityTests: XCTestCase {
    /// One way to break a correct load: SQL run on the target after the import (and, optionally,
    /// on the source copy before it), and the judge command that must then differ.
    struct Breakage {
        let what: String
        var fixture = "mlflow-2.9.2/rich.db"
        var version = "2.9.2"
        var source: String? = nil
        let target: String
        var command = "snapshot"
    }

    static let breakages: [Breakage] = [
        .init(
            what: "one metric value moved by one ulp",
            target:
                "UPDATE metrics SET value = value * (1 + 2.220446049250313e-16) WHERE key = 'loss' AND step = 17 AND run_uuid = (SELECT min(run_uuid) FROM metrics WHERE key = 'loss')"
        ),
        .init(
            what: "the hidden Deleted_Internal model version deleted",
            target:
                "DELETE FROM model_version_tags WHERE (name, version) IN (SELECT name, version FROM model_versions WHERE current_stage = 'Deleted_Internal'); DELETE FROM model_versions WHERE current_stage = 'Deleted_Internal'"
        ),
        .init(what: "a trailing space lost from a tag", target: "UPDATE tags SET value = rtrim(value) WHERE key = 'trailing'"),
        .init(what: "a deleted run made active", target: "UPDATE runs SET lifecycle_stage = 'active' WHERE name = 'deleted-run'"),
        .init(
            what: "is_nan flipped on one point",
            target:
                "UPDATE metrics SET is_nan = NOT is_nan WHERE ctid = (SELECT ctid FROM metrics WHERE key = 'loss' ORDER BY run_uuid, step LIMIT 1)"),
        .init(
            what: "a point of a key that latest_metrics lacks changed (no client API reads it)",
            source:
                "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT 'orphan_key', 1.5, 1, run_uuid, 0, 0 FROM runs LIMIT 1",
            target: "UPDATE metrics SET value = 2.5 WHERE key = 'orphan_key'"),
        .init(
            what: "a true Infinity (inserted with SQL; MLflow itself stores inf as DBL_MAX) turned into DBL_MAX",
            source:
                "UPDATE metrics SET value = 9e999 WHERE rowid = (SELECT min(rowid) FROM metrics WHERE key = 'loss'); UPDATE latest_metrics SET value = 9e999 WHERE key = 'loss' AND run_uuid = (SELECT run_uuid FROM metrics WHERE value = 9e999)",
            target: "UPDATE metrics SET value = 1.7976931348623157e308 WHERE value = 'Infinity'"),
        .init(what: "the experiment sequence moved on", target: "SELECT setval('experiments_experiment_id_seq', 1000)", command: "write"),
        .init(
            what: "a span renamed", fixture: "mlflow-3.17.2/rich.db", version: "3.17.2",
            target: "UPDATE spans SET name = name || 'x' WHERE span_id = (SELECT min(span_id) FROM spans)"),
        .init(
            what: "an assessment's rationale changed", fixture: "mlflow-3.17.2/rich.db", version: "3.17.2",
            target: "UPDATE assessments SET rationale = 'changed' WHERE rationale IS NOT NULL"),
        .init(
            what: "a prompt version's template changed", fixture: "mlflow-3.17.2/rich.db", version: "3.17.2",
            target: "UPDATE model_version_tags SET value = value || ' ' WHERE key = 'mlflow.prompt.text'"),
    ]

    func testJudgeCatchesBrokenLoads() throws {
        let env = try TestEnvironment.require()
        for breakage in Self.breakages {
            // A fresh copy for each side: the judge's write changes the store it writes to.
            let copy = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture(breakage.fixture))
            defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
            if let sql = breakage.source { try env.sqlite(copy, sql) }
            let db = "e2e_broken"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            let result = try env.tool("mlflow-import", [copy, "--target", conninfo])
            XCTAssertEqual(result.status, 0, "\(breakage.what): \(result.stderr)")
            // Before the breakage the judge sees no difference, so that the one it sees after is the breakage's.
            let unbroken = try env.judge("snapshot", "sqlite:///\(copy)", mlflow: breakage.version)
            XCTAssertEqual(
                unbroken, try env.judge("snapshot", env.mlflowURI(db), mlflow: breakage.version), "\(breakage.what): the unbroken load differs")
            let reference = try TestEnvironment.temporaryCopy(of: copy)
            defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: reference).deletingLastPathComponent().path) }
            let expected =
                breakage.command == "snapshot" ? unbroken : try env.judge(breakage.command, "sqlite:///\(reference)", mlflow: breakage.version)
            try env.admin(database: db).execute(breakage.target)
            let actual = try env.judge(breakage.command, env.mlflowURI(db), mlflow: breakage.version)
            XCTAssertNotEqual(expected, actual, "the judge did not notice: \(breakage.what)")
        }
    }
}
