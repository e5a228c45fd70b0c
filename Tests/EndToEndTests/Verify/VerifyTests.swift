import Foundation
import PostgresTarget
import XCTest

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `mlflow-verify` after real imports: equal stores pass; each change made to the target with SQL
/// is caught with exit 1 and the offending row named; a revision mismatch is exit 2.
final class VerifyTests: XCTestCase {
    func testCorrectImportOfEveryFixtureVerifies() throws {
        let env = try TestEnvironment.require()
        for (fixture, _) in TestEnvironment.fixtures {
            let (db, conninfo) = try importFresh(env, fixture)
            defer { env.dropDatabase(db) }
            let result = try env.tool("mlflow-verify", [TestEnvironment.fixture(fixture), "--target", conninfo])
            XCTAssertEqual(result.status, 0, "\(fixture): \(result.stdout)\(result.stderr)")
            XCTAssertTrue(result.stdout.contains("EQUAL"), result.stdout)
        }
    }

    func testImportWithVerifyFlag() throws {
        let env = try TestEnvironment.require()
        let conninfo = try env.createDatabase("e2e_verify_flag")
        defer { env.dropDatabase("e2e_verify_flag") }
        let result = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo, "--verify"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Imported"), result.stdout)
        XCTAssertTrue(result.stdout.contains("EQUAL"), result.stdout)
    }

    /// Each change, made alone to a correct import, is found and its row named.
    func testEveryTamperingIsCaughtWithTheRowNamed() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let oneULP: (PGConnection) throws -> Void = { conn in
            let row = try conn.query("SELECT ctid::text, value::text FROM metrics WHERE key = 'loss' AND step = 17 ORDER BY run_uuid LIMIT 1").rows[0]
            let next = Double(row[1]!)!.nextUp
            try conn.query("UPDATE metrics SET value = $1::float8 WHERE ctid = $2::tid", [String(next), row[0]])
        }
        let cases: [(what: String, change: (PGConnection) throws -> Void, expect: [String])] = [
            ("a metric value one ulp up", oneULP, ["metrics", "key='loss'", "step=17", "value: source", "series"]),
            (
                "an is_nan flag flipped",
                {
                    try $0.execute(
                        """
                        UPDATE metrics SET is_nan = false WHERE ctid = (SELECT ctid FROM metrics WHERE key = 'nan_last' AND is_nan ORDER BY run_uuid LIMIT 1)
                        """)
                }, ["metrics", "key='nan_last'", "is_nan"]
            ),
            (
                "a latest_metrics value changed",
                {
                    try $0.execute(
                        """
                        UPDATE latest_metrics SET value = value + 1 WHERE ctid = (SELECT ctid FROM latest_metrics WHERE key = 'accuracy' ORDER BY run_uuid LIMIT 1)
                        """)
                }, ["latest_metrics", "key='accuracy'", "value: source"]
            ),
            (
                "a param shortened by one character", { try $0.execute("UPDATE params SET value = left(value, -1) WHERE key = 'longest'") },
                ["params", "key='longest'", "(6000 characters)", "(5999 characters)"]
            ),
            (
                "a trailing space added to a tag", { try $0.execute("UPDATE tags SET value = value || ' ' WHERE key = 'multiline'") },
                ["tags", "key='multiline'", "'line1\\nline2 '"]
            ),
            (
                "the hidden Deleted_Internal version deleted",
                {
                    try $0.execute(
                        """
                        DELETE FROM model_version_tags WHERE (name, version) IN (SELECT name, version FROM model_versions WHERE current_stage = 'Deleted_Internal');
                        DELETE FROM model_versions WHERE current_stage = 'Deleted_Internal'
                        """)
                }, ["model_versions", "name='classifier', version=5", "missing in target", "Deleted_Internal"]
            ),
            (
                "a deleted run made active", { try $0.execute("UPDATE runs SET lifecycle_stage = 'active' WHERE name = 'deleted-run'") },
                ["runs", "lifecycle_stage: source 'deleted', target 'active'"]
            ),
            (
                "one extra row inserted", { try $0.execute("INSERT INTO experiment_tags VALUES ('intruder', 'x', 1)") },
                ["experiment_tags", "key='intruder'", "extra in target", "row_count"]
            ),
        ]
        for (what, change, expect) in cases {
            let (db, conninfo) = try importFresh(env, "mlflow-2.9.2/rich.db")
            defer { env.dropDatabase(db) }
            try change(try env.admin(database: db))
            let result = try env.tool("mlflow-verify", [source, "--target", conninfo])
            XCTAssertEqual(result.status, 1, "\(what) not caught:\n\(result.stdout)\(result.stderr)")
            for text in expect { XCTAssertTrue(result.stdout.contains(text), "\(what): expected '\(text)' in:\n\(result.stdout)") }
        }
    }

    func testRevisionMismatchIsExit2() throws {
        let env = try TestEnvironment.require()
        let (db, conninfo) = try importFresh(env, "mlflow-2.9.2/empty.db")
        defer { env.dropDatabase(db) }
        try env.admin(database: db).execute("UPDATE alembic_version SET version_num = '97727af70f4d'")
        let result = try env.tool("mlflow-verify", [TestEnvironment.fixture("mlflow-2.9.2/empty.db"), "--target", conninfo])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("97727af70f4d") && result.stderr.contains("acf3f17fdcc7"), result.stderr)
        let unreachable = try env.tool(
            "mlflow-verify", [TestEnvironment.fixture("mlflow-2.9.2/empty.db"), "--target", "host=127.0.0.1 port=1 connect_timeout=3"])
        XCTAssertEqual(unreachable.status, 2, unreachable.stderr)
        let usage = try env.tool("mlflow-verify", ["--max-diffs", "-1", "x.db"])
        XCTAssertEqual(usage.status, 2, usage.stderr)
    }

    /// More differing rows than `--max-diffs`: the report lists that many and says it stopped; a
    /// lost metric point is named as its series with the points on each side.
    func testMaxDiffsTruncatesAndALostPointNamesItsSeries() throws {
        let env = try TestEnvironment.require()
        let (db, conninfo) = try importFresh(env, "mlflow-2.9.2/rich.db")
        defer { env.dropDatabase(db) }
        let admin = try env.admin(database: db)
        try admin.execute("UPDATE params SET value = value || 'x'")
        let series = try admin.query("SELECT run_uuid, key, count(*) FROM metrics GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 1").rows[0]
        try admin.query(
            "DELETE FROM metrics WHERE ctid = (SELECT ctid FROM metrics WHERE run_uuid = $1 AND key = $2 LIMIT 1)", [series[0], series[1]])
        let result = try env.tool(
            "mlflow-verify", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo, "--max-diffs", "3", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let differences = try XCTUnwrap(json["differences"] as? [[String: Any]])
        XCTAssertEqual(differences.count, 3, "\(differences)")
        XCTAssertEqual(json["differences_truncated"] as? Bool, true)
        let seriesDifferences = try XCTUnwrap(json["series_differences"] as? [[String: Any]])
        let points = Int(series[2]!)!
        XCTAssertTrue(
            seriesDifferences.contains {
                $0["run_uuid"] as? String == series[0] && $0["key"] as? String == series[1] && $0["source_points"] as? Int == points
                    && $0["target_points"] as? Int == points - 1
            }, "\(seriesDifferences)")
        let all = try env.tool(
            "mlflow-verify", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo, "--max-diffs", "1000", "--format", "json"])
        let full = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(full["differences_truncated"] as? Bool, false)
        XCTAssertGreaterThan((full["differences"] as? [Any])?.count ?? 0, 3)
    }

    /// The JSON and JUnit reports parse, and have the documented structure.
    func testJSONAndJUnitReportsParse() throws {
        let env = try TestEnvironment.require()
        let (db, conninfo) = try importFresh(env, "mlflow-2.9.2/rich.db")
        defer { env.dropDatabase(db) }
        try env.admin(database: db).execute("UPDATE runs SET lifecycle_stage = 'active' WHERE name = 'deleted-run'")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let junit = dir.appendingPathComponent("verify.xml"), markdown = dir.appendingPathComponent("verify.md")
        let result = try env.tool(
            "mlflow-verify",
            [
                TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo,
                "--format", "json", "--junit", junit.path, "--markdown", markdown.path,
            ])
        XCTAssertEqual(result.status, 1, result.stderr)

        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["format_version"] as? Int, 1)
        XCTAssertEqual(json["result"] as? String, "different")
        XCTAssertEqual(json["revision"] as? String, "acf3f17fdcc7")
        let checks = try XCTUnwrap(json["checks"] as? [[String: Any]])
        XCTAssertEqual(checks.count, 3 + 16 * 2 + 2)
        for check in checks { XCTAssertEqual(Set(check.keys), ["check", "table", "passed", "source", "target", "detail"]) }
        let failed = checks.filter { ($0["passed"] as? Bool) == false }
        XCTAssertEqual(failed.map { "\($0["table"]!) \($0["check"]!)" }, ["runs content"])
        let differences = try XCTUnwrap(json["differences"] as? [[String: Any]])
        XCTAssertEqual(differences.count, 1)
        XCTAssertEqual(differences[0]["table"] as? String, "runs")
        XCTAssertEqual(differences[0]["kind"] as? String, "changed")
        let columns = try XCTUnwrap(differences[0]["columns"] as? [[String: String]])
        XCTAssertEqual(columns, [["column": "lifecycle_stage", "source": "'deleted'", "target": "'active'"]])

        let document = try XMLDocument(contentsOf: junit, options: [])
        let root = try XCTUnwrap(document.rootElement())
        XCTAssertEqual(root.name, "testsuites")
        XCTAssertEqual(root.attribute(forName: "tests")?.stringValue, String(checks.count))
        XCTAssertEqual(root.attribute(forName: "failures")?.stringValue, "1")
        let suites = root.elements(forName: "testsuite")
        XCTAssertEqual(suites.count, 1)
        let cases = suites[0].elements(forName: "testcase")
        XCTAssertEqual(cases.count, checks.count)
        for testcase in cases {
            XCTAssertNotNil(testcase.attribute(forName: "classname")?.stringValue)
            XCTAssertNotNil(testcase.attribute(forName: "name")?.stringValue)
        }
        let failures = cases.filter { !$0.elements(forName: "failure").isEmpty }
        XCTAssertEqual(failures.map { $0.attribute(forName: "classname")!.stringValue! }, ["mlflow-verify.runs"])
        XCTAssertTrue(failures[0].elements(forName: "failure")[0].stringValue!.contains("lifecycle_stage"))

        let md = try String(contentsOf: markdown, encoding: .utf8)
        XCTAssertTrue(md.contains("| content | runs | **FAIL** |"), md)
    }

    private func importFresh(_ env: TestEnvironment, _ fixture: String) throws -> (String, String) {
        let db = "e2e_verify"
        let conninfo = try env.createDatabase(db)
        let result = try env.tool("mlflow-import", [TestEnvironment.fixture(fixture), "--target", conninfo, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return (db, conninfo)
    }
}
