import Foundation
import XCTest

/// The dry run and the pre-flight: every problem class found with its row, the default import
/// refusing with the target unchanged, each policy completing a migration whose reject directory
/// holds every original value, and verify accepting it with the differences accounted for.
final class PreflightTests: XCTestCase {
    static let problems = TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db")

    /// Kind → (table, a piece of the row key) the dry run must name.
    static let expected: [(kind: String, table: String, key: String)] = [
        ("too_long", "experiments", "experiment_id=1"),
        ("too_long", "runs", "run_uuid="),
        ("too_long", "model_versions", "version=1"),
        ("too_long", "registered_models", "name='long-description'"),
        ("nul_character", "params", "key='nul_param'"),
        ("nul_character", "tags", "key='nul_tag'"),
        ("invalid_utf8", "tags", "key='bad_utf8'"),
        ("integer_range", "model_versions", "version=2147483648"),
        ("storage_class", "metrics", "key='text_step'"),
        ("not_null", "params", "key='null_value'"),
        ("boolean", "metrics", "key='bad_bool'"),
        ("check_violation", "runs", "run_uuid='pausedrun0000000000000000000000a'"),
        ("orphan", "params", "key='orphan'"),
        ("duplicate_key", "params", "key='clean'"),
    ]

    func testDryRunFindsEveryProblemClassWithItsRow() throws {
        let env = try TestEnvironment.require()
        let conninfo = try env.createDatabase("e2e_dry")
        defer { env.dropDatabase("e2e_dry") }
        let result = try env.tool("mlflow-import", [Self.problems, "--target", conninfo, "--dry-run", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["would_succeed"] as? Bool, false)
        let problems = try XCTUnwrap(json["problems"] as? [[String: Any]])
        for (kind, table, key) in Self.expected {
            let found = problems.contains { p in
                p["kind"] as? String == kind && p["table"] as? String == table
                    && ((p["key"] as? [[String: String]]) ?? []).map { "\($0["column"]!)=\($0["value"]!)" }.joined(separator: ", ").contains(key)
            }
            XCTAssertTrue(found, "dry run did not report \(kind) in \(table) \(key)")
        }
        let tooLong = problems.first { $0["kind"] as? String == "too_long" && $0["table"] as? String == "experiments" }
        XCTAssertEqual(tooLong?["length"] as? Int, 300)
        XCTAssertEqual(tooLong?["limit"] as? Int, 256)
        let source = try XCTUnwrap(json["source"] as? [String: Any])
        XCTAssertEqual(source["integrity_check"] as? [String], ["ok"])
        let target = try XCTUnwrap(json["target"] as? [String: Any])
        XCTAssertEqual(target["state"] as? String, "empty")
        XCTAssertEqual(target["encoding"] as? String, "UTF8")
        XCTAssertEqual(try targetFingerprint(conninfo), "", "a dry run wrote something")

        // The text and Markdown forms name the rows too.
        let text = try env.tool("mlflow-import", [Self.problems, "--target", conninfo, "--dry-run"])
        XCTAssertTrue(text.stdout.contains("WOULD FAIL") && text.stdout.contains("table params, row (key='nul_param'"), text.stdout)
        let md = try env.tool("mlflow-import", [Self.problems, "--target", conninfo, "--dry-run", "--format", "markdown"])
        XCTAssertTrue(md.stdout.contains("| nul_character | params |"), md.stdout)

        // MLflow 3.x: invalid JSON in a json column.
        let json3 = try env.tool(
            "mlflow-import", [TestEnvironment.fixture("problems/mlflow-3.17.2-invalid-json.db"), "--target", conninfo, "--dry-run"])
        XCTAssertEqual(json3.status, 1, json3.stderr)
        XCTAssertTrue(
            json3.stdout.contains("[invalid_json] table evaluation_dataset_records") && json3.stdout.contains("column inputs"), json3.stdout)
    }

    func testCleanStoresPassTheDryRun() throws {
        let env = try TestEnvironment.require()
        let conninfo = try env.createDatabase("e2e_dry_clean")
        defer { env.dropDatabase("e2e_dry_clean") }
        _ = try env.judge("create", env.mlflowURI("e2e_dry_clean"))
        let result = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo, "--dry-run"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        for text in [
            "WOULD SUCCEED", "created by MLflow at revision acf3f17fdcc7", "load into the schema MLflow created",
            "replace MLflow's own rows of experiments: 1", "metrics", "8426 rows", "next value 6", "Problems: 0",
        ] {
            XCTAssertTrue(result.stdout.contains(text), "expected '\(text)' in:\n\(result.stdout)")
        }
        // A target that holds another store blocks the plan; the dry run says so and exits 1.
        XCTAssertEqual(try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo]).status, 0)
        let blocked = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/empty.db"), "--target", conninfo, "--dry-run"])
        XCTAssertEqual(blocked.status, 1, blocked.stdout)
        XCTAssertTrue(blocked.stdout.contains("Blocked:") && blocked.stdout.contains("already hold data"), blocked.stdout)
        // The same store: nothing to do, which is a dry run that would succeed.
        let same = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo, "--dry-run"])
        XCTAssertEqual(same.status, 0, same.stdout)
        XCTAssertTrue(same.stdout.contains("\nPlan: nothing to do: the import would write nothing and exit 0\n"), same.stdout)
    }

    func testDefaultImportRefusesAndLeavesTargetsUnchanged() throws {
        let env = try TestEnvironment.require()
        // The import loads first and lists every problem after the refusal: as many as the dry run.
        let scratch = try env.createDatabase("e2e_refuse_dry")
        defer { env.dropDatabase("e2e_refuse_dry") }
        let dry = try env.tool("mlflow-import", [Self.problems, "--target", scratch, "--dry-run", "--format", "json"])
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let expected = try XCTUnwrap(report["problems"] as? [Any]).count
        XCTAssertGreaterThan(expected, 10)
        for mlflowCreated in [false, true] {
            let conninfo = try env.createDatabase("e2e_refuse")
            defer { env.dropDatabase("e2e_refuse") }
            if mlflowCreated { _ = try env.judge("create", env.mlflowURI("e2e_refuse")) }
            let before = try targetFingerprint(conninfo)
            let result = try env.tool("mlflow-import", [Self.problems, "--target", conninfo])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertTrue(
                result.stderr.contains("holds \(expected) row problem(s) PostgreSQL would reject") && result.stderr.contains("--skip-rows"),
                result.stderr)
            XCTAssertEqual(try targetFingerprint(conninfo), before)
        }
    }

    /// Widen over-long columns, leave out every other bad row (and a row that references one):
    /// the import completes, the reject directory holds every original value, verify accepts it.
    func testPoliciesCompleteAndRecordEveryOriginalValue() throws {
        let env = try TestEnvironment.require()
        let source = try TestEnvironment.temporaryCopy(of: Self.problems)
        // A param of the run with the CHECK violation: left out with its run.
        try env.sqlite(source, "INSERT INTO params VALUES ('child_of_paused', 'x', 'pausedrun0000000000000000000000a')")
        let conninfo = try env.createDatabase("e2e_policy")
        defer { env.dropDatabase("e2e_policy") }
        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("rejects-\(UUID().uuidString)").path

        let noDir = try env.tool("mlflow-import", [source, "--target", conninfo, "--skip-rows", "all", "--widen-too-long"])
        XCTAssertEqual(noDir.status, 2, noDir.stderr)
        XCTAssertTrue(noDir.stderr.contains("--reject-dir"), noDir.stderr)
        let partial = try env.tool("mlflow-import", [source, "--target", conninfo, "--widen-too-long", "--reject-dir", rejects])
        XCTAssertEqual(partial.status, 1, "widening alone must still refuse the other classes: \(partial.stderr)")
        XCTAssertFalse(partial.stderr.contains("[too_long]"), partial.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "")

        let result = try env.tool("mlflow-import", [source, "--target", conninfo, "--widen-too-long", "--skip-rows", "all", "--reject-dir", rejects])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("widened experiments.name from character varying(256) to character varying(300)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("left out of params"), result.stdout)

        // The widened column holds the 300-character name unchanged.
        let conn = try env.admin(database: "e2e_policy")
        XCTAssertEqual(try conn.query("SELECT max(length(name)) FROM experiments").scalar, "300")
        XCTAssertEqual(
            try conn.query("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'experiments'::regclass AND attname = 'name'")
                .scalar,
            "character varying(300)")
        XCTAssertEqual(try conn.query("SELECT count(*) FROM params WHERE key = 'child_of_paused'").scalar, "0")

        // Every left-out row, with its original bytes.
        let record = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: rejects + "/rejects.json"))) as? [String: Any])
        XCTAssertEqual((record["widened"] as? [Any])?.count, 5)
        let params = try String(contentsOfFile: rejects + "/rows/params.jsonl", encoding: .utf8).split(separator: "\n")
        let rows = try params.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        func cell(_ row: [String: Any], _ column: String) -> [String: Any]? {
            (row["cells"] as? [[String: Any]])?.first { $0["column"] as? String == column }
        }
        let nul = try XCTUnwrap(rows.first { ($0["reasons"] as? [String]) == ["nul_character"] })
        XCTAssertEqual(Data(base64Encoded: cell(nul, "value")?["base64"] as? String ?? ""), Data("before\u{0}after".utf8))
        XCTAssertTrue(rows.contains { ($0["reasons"] as? [String]) == ["references_left_out_row"] })
        XCTAssertTrue(rows.contains { cell($0, "value")?["type"] as? String == "null" })
        let tags = try String(contentsOfFile: rejects + "/rows/tags.jsonl", encoding: .utf8)
        XCTAssertTrue(tags.contains(Data([0x66, 0x6f, 0xc3, 0x28, 0x6f]).base64EncodedString()), "invalid UTF-8 bytes not kept")
        let versions = try String(contentsOfFile: rejects + "/rows/model_versions.jsonl", encoding: .utf8)
        XCTAssertTrue(versions.contains("\"value\":\"2147483648\""), versions)

        // Verify: clean with the reject directory (differences listed as accounted), refused without it.
        let verified = try env.tool("mlflow-verify", [source, "--target", conninfo, "--reject-dir", rejects])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stdout.contains("Accounted differences") && verified.stdout.contains("params: 5 row(s) left out"), verified.stdout)
        let unaccounted = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertNotEqual(unaccounted.status, 0)
        XCTAssertTrue(unaccounted.stderr.contains("--reject-dir") || unaccounted.stdout.contains("DIFFERENT"), unaccounted.stderr)
    }

    /// One class at a time: leaving out only orphans still refuses the rest.
    func testPoliciesArePerClass() throws {
        let env = try TestEnvironment.require()
        let conninfo = try env.createDatabase("e2e_per_class")
        defer { env.dropDatabase("e2e_per_class") }
        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("rejects-\(UUID().uuidString)").path
        let result = try env.tool("mlflow-import", [Self.problems, "--target", conninfo, "--skip-rows", "orphan", "--reject-dir", rejects])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(result.stderr.contains("[orphan]"), result.stderr)
        XCTAssertTrue(result.stderr.contains("[nul_character]"), result.stderr)
        let bad = try env.tool("mlflow-import", [Self.problems, "--target", conninfo, "--skip-rows", "nonsense"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("unknown problem kind 'nonsense'"), bad.stderr)
    }
}
