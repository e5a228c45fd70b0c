import Foundation
import XCTest

/// Progress: JSON lines for machines, nothing on a non-terminal unless asked.
final class ProgressTests: XCTestCase {
    func testJSONProgressAndSilenceOnANonTerminal() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let conninfo = try env.createDatabase("e2e_progress")
        defer { env.dropDatabase("e2e_progress") }
        let result = try env.tool("mlflow-import", [source, "--target", conninfo, "--quiet", "--progress", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "", "--quiet printed a summary")
        let events = try result.stderr.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
        let finished = events.filter { $0["event"] as? String == "table_finished" }
        XCTAssertEqual(finished.count, 16)
        XCTAssertEqual(finished.first { $0["table"] as? String == "metrics" }?["rows"] as? Int, 8426)
        // The key and index build: one phase event per statement, the last one done.
        let keys = events.filter { $0["event"] as? String == "phase" && $0["phase"] as? String == "keys and indexes" }
        XCTAssertGreaterThan(keys.count, 10)
        XCTAssertEqual(keys.last?["done"] as? Int, keys.last?["total"] as? Int)
        XCTAssertTrue(keys.contains { $0["current"] as? String == "metric_pk" }, "\(keys)")

        let verify = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertEqual(verify.status, 0, verify.stderr)
        XCTAssertEqual(verify.stderr, "", "progress printed to a non-terminal without being asked")
    }
}
