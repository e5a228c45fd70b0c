import Foundation
import XCTest

/// Bundles, reject records and reports hold the store's data: private to their owner, written
/// under a temporary name and renamed into place, a link at the final path replaced, not followed.
final class PrivateFilesTests: XCTestCase {
    func mode(_ path: String) throws -> Int {
        try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber).intValue & 0o777
    }

    func testWhatHoldsDataIsPrivateAndLinksAreNotFollowed() throws {
        let env = try TestEnvironment.require()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("private-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = dir.appendingPathComponent("bundle").path
        let exported = try env.tool("mlflow-export", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--output", bundle, "--quiet"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertEqual(try mode(bundle), 0o700)
        XCTAssertEqual(try mode(bundle + "/data"), 0o700)
        XCTAssertEqual(try mode(bundle + "/manifest.json"), 0o600)
        XCTAssertEqual(try mode(bundle + "/data/params.pgcopy"), 0o600)

        let conninfo = try env.createDatabase("e2e_private")
        defer { env.dropDatabase("e2e_private") }
        // A report path that is a link to a file elsewhere: the link is replaced, the file kept.
        let elsewhere = dir.appendingPathComponent("elsewhere.txt").path
        try Data("not yours".utf8).write(to: URL(fileURLWithPath: elsewhere))
        let junit = dir.appendingPathComponent("verify.xml").path
        try FileManager.default.createSymbolicLink(atPath: junit, withDestinationPath: elsewhere)
        let rejects = dir.appendingPathComponent("rejects").path
        let imported = try env.tool(
            "mlflow-import",
            [
                TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db"), "--target", conninfo, "--skip-rows", "all", "--widen-too-long",
                "--reject-dir", rejects, "--verify", "--junit", junit,
            ])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try String(contentsOfFile: elsewhere, encoding: .utf8), "not yours")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: junit)[.type] as? FileAttributeType, .typeRegular)
        XCTAssertEqual(try mode(junit), 0o600)
        XCTAssertTrue(try String(contentsOfFile: junit, encoding: .utf8).contains("<testsuite"))
        XCTAssertEqual(try mode(rejects), 0o700)
        XCTAssertEqual(try mode(rejects + "/rows"), 0o700)
        XCTAssertEqual(try mode(rejects + "/rejects.json"), 0o600)
        XCTAssertEqual(try mode(rejects + "/rows/params.jsonl"), 0o600)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") || $0.contains(".partial-") }
        XCTAssertEqual(leftovers, [])
    }
}
