import Foundation
import XCTest

/// Broken and hostile files (Fixtures/make_hostile_inputs.py): each gives a clear error and its
/// documented exit code, never a crash or a hang, and writes nothing to the target.
final class HostileInputTests: XCTestCase {
    func testEveryHostileInputIsRefusedCleanly() throws {
        let env = try TestEnvironment.require()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        let made = try ProcessResult.run("/usr/bin/env", ["python3", TestEnvironment.fixture("make_hostile_inputs.py"), dir])
        XCTAssertEqual(made.status, 0, made.stderr)
        let conninfo = try env.createDatabase("e2e_hostile")
        defer { env.dropDatabase("e2e_hostile") }
        let cases: [(file: String, status: Int32, expect: String)] = [
            ("empty.db", 3, "no alembic_version table"),
            ("text.db", 3, "not a usable SQLite database"),
            ("truncated.db", 3, ""),
            ("corrupt-page.db", 3, ""),
            ("not-mlflow.db", 3, "not an MLflow tracking store"),
            ("missing-column.db", 3, "params: missing column(s) value"),
            ("extra-column.db", 3, "params: unexpected column(s) note"),
            ("huge-value.db", 1, "104857600 characters, the column holds 8000"),
        ]
        for (file, status, expect) in cases {
            let path = dir + "/" + file
            for tool in [["mlflow-import", path, "--target", conninfo], ["mlflow-verify", path, "--target", conninfo],
                         ["mlflow-export", path, "--output", dir + "/bundle-" + file]] {
                let result = try env.tool(tool[0], Array(tool.dropFirst()))
                let wanted: Int32 = tool[0] == "mlflow-verify" ? 2 : (tool[0] == "mlflow-export" && status == 1 ? 0 : status)
                if tool[0] == "mlflow-export" && file == "huge-value.db" { continue }  // a bundle may hold it; import checks
                XCTAssertEqual(result.status, wanted, "\(tool[0]) \(file): \(result.stderr)")
                XCTAssertFalse(result.stderr.contains("Fatal error") || result.stderr.contains("Stack dump"), result.stderr)
                if tool[0] == "mlflow-import", !expect.isEmpty {
                    XCTAssertTrue(result.stderr.contains(expect), "\(file): expected '\(expect)' in:\n\(result.stderr.prefix(2000))")
                }
                XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bundle-" + file) && status != 1, "\(file): a bundle was written")
            }
            XCTAssertEqual(try targetFingerprint(conninfo), "", "\(file): target changed")
        }
        // Hostile table names are reported, quoted, and never loaded.
        let named = try env.tool("mlflow-import", [dir + "/hostile-names.db", "--target", conninfo])
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertTrue(named.stdout.contains("not MLflow's, not loaded:") && named.stdout.contains("DROP TABLE runs"), named.stdout)
        let tables = try env.admin(database: "e2e_hostile").query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").scalar
        XCTAssertEqual(tables, "16")
    }
}
