import Migration
import XCTest

final class ArtifactRootMapUnitTests: XCTestCase {
    func testLongestPrefixWins() throws {
        let map = try ArtifactRootMap(arguments: ["file:///a/=s3://x/", "file:///a/b/=s3://y/", "./mlruns=mlflow-artifacts:"])
        XCTAssertEqual(map.rewrite("file:///a/b/c")?.value, "s3://y/c")
        XCTAssertEqual(map.rewrite("file:///a/z")?.value, "s3://x/z")
        XCTAssertEqual(map.rewrite("./mlruns/1/r/artifacts")?.value, "mlflow-artifacts:/1/r/artifacts")
        XCTAssertNil(map.rewrite("s3://elsewhere/x"))
        XCTAssertEqual(try ArtifactRootMap(arguments: ["a=b=c"]).rewrite("a/x")?.value, "b=c/x")
    }

    func testBadRulesAreUsageErrors() {
        XCTAssertThrowsError(try ArtifactRootMap(arguments: ["no-equals"]))
        XCTAssertThrowsError(try ArtifactRootMap(arguments: ["=s3://x"]))
    }

    func testLocalLookingLocations() {
        for local in ["./mlruns/0", "mlruns/0", "/home/a/mlruns", "file:///home/a", "C:\\Users\\a\\mlruns", "../x"] {
            XCTAssertTrue(ArtifactRootMap.looksLocal(local), local)
        }
        for remote in ["s3://b/x", "mlflow-artifacts:/x", "runs:/abc/model", "gs://b", "REDACTED-SOURCE-PATH", "models:/m/1"] {
            XCTAssertFalse(ArtifactRootMap.looksLocal(remote), remote)
        }
    }
}
