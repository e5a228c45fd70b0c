import Foundation
import XCTest

/// Shows the judge fails when a load is wrong: each broken load below must be caught.
final class JudgeSensitivityTests: XCTestCase {
    func testJudgeCatchesBrokenLoads() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let copy = try TestEnvironment.temporaryCopy(of: source)
        let expected = try env.judge("snapshot", "sqlite:///\(copy)")
        let breakages = [
            "one metric value moved by one ulp":
                "UPDATE metrics SET value = value * (1 + 2.220446049250313e-16) WHERE key = 'loss' AND step = 17 AND run_uuid = (SELECT min(run_uuid) FROM metrics WHERE key = 'loss')",
            "the hidden Deleted_Internal model version deleted":
                "DELETE FROM model_version_tags WHERE (name, version) IN (SELECT name, version FROM model_versions WHERE current_stage = 'Deleted_Internal'); DELETE FROM model_versions WHERE current_stage = 'Deleted_Internal'",
            "a trailing space lost from a tag":
                "UPDATE tags SET value = rtrim(value) WHERE key = 'trailing'",
            "a deleted run made active":
                "UPDATE runs SET lifecycle_stage = 'active' WHERE name = 'deleted-run'",
        ]
        for (what, sql) in breakages {
            let db = "e2e_broken"
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            let result = try env.tool("mlflow-import", [source, "--target", conninfo])
            XCTAssertEqual(result.status, 0, result.stderr)
            try env.admin(database: db).execute(sql)
            let actual = try env.judge("snapshot", env.mlflowURI(db))
            XCTAssertNotEqual(expected, actual, "the judge did not notice: \(what)")
        }
    }
}
