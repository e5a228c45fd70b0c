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

    /// Bytes are matched and kept: invalid UTF-8 after the prefix survives the rewrite unchanged,
    /// and a prefix followed by a combining mark matches (a Character-wise match would not).
    func testRewritesBytesNotCharacters() throws {
        let map = try ArtifactRootMap(arguments: ["file:///e=s3://b/e"])
        let invalid: [UInt8] = Array("file:///old/".utf8) + [0xC3, 0x28]
        let rules = try ArtifactRootMap(arguments: ["file:///old/=s3://new/"])
        XCTAssertEqual(invalid.withUnsafeBytes { rules.rewrite($0)?.bytes }, Array("s3://new/".utf8) + [0xC3, 0x28])
        XCTAssertEqual(map.rewrite("file:///e\u{301}x")?.value, "s3://b/e\u{301}x")
        XCTAssertNil(Array("file:///".utf8).withUnsafeBytes { rules.rewrite($0) })
    }
}
