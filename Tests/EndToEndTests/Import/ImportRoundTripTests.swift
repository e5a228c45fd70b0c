import Foundation
import TestSupport
import XCTest

/// The judge: after `mlflow-import`, MLflow's own client must see exactly what it saw on SQLite,
/// and must be able to keep writing with the same ids it would have handed out on SQLite.
final class ImportRoundTripTests: XCTestCase {
    func testEveryFixtureIntoAnEmptyDatabase() throws {
        for (fixture, version) in TestEnvironment.fixtures {
            try roundTrip(fixture, mlflowCreatedTarget: false, mlflow: version)
        }
    }

    func testEveryFixtureIntoADatabaseMLflowCreated() throws {
        for (fixture, version) in TestEnvironment.fixtures where fixture.hasSuffix("rich.db") {
            try roundTrip(fixture, mlflowCreatedTarget: true, mlflow: version)
        }
    }

    func roundTrip(_ fixture: String, mlflowCreatedTarget: Bool, mlflow version: String = "2.9.2") throws {
        let env = try TestEnvironment.require()
        let db = "e2e_roundtrip"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let source = TestEnvironment.fixture(fixture)
        let before = try Data(contentsOf: URL(fileURLWithPath: source))
        if mlflowCreatedTarget { _ = try env.judge("create", env.mlflowURI(db), mlflow: version) }

        let result = try env.tool("mlflow-import", [source, "--target", conninfo])
        XCTAssertEqual(result.status, 0, "\(fixture): \(result.stderr)")
        XCTAssertTrue(result.stdout.contains("rows/s"), result.stdout)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: source)), before, "\(fixture) was modified by the import")

        let copy = try TestEnvironment.temporaryCopy(of: source)
        let expected = try env.judge("snapshot", "sqlite:///\(copy)", mlflow: version)
        let actual = try env.judge("snapshot", env.mlflowURI(db), mlflow: version)
        assertSameJSON(expected, actual, "\(fixture) (MLflow-created target: \(mlflowCreatedTarget))")

        let wroteSQLite = try env.judge("write", "sqlite:///\(copy)", mlflow: version)
        let wrotePostgres = try env.judge("write", env.mlflowURI(db), mlflow: version)
        assertSameJSON(wroteSQLite, wrotePostgres, "\(fixture): MLflow writing after the migration")
    }
}

/// Fails with a short unified diff when two judge outputs differ.
func assertSameJSON(_ expected: String, _ actual: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    guard expected != actual else { return }
    let dir = FileManager.default.temporaryDirectory
    let a = dir.appendingPathComponent("expected-\(UUID().uuidString).json")
    let b = dir.appendingPathComponent("actual-\(UUID().uuidString).json")
    try? expected.write(to: a, atomically: true, encoding: .utf8)
    try? actual.write(to: b, atomically: true, encoding: .utf8)
    let diff = (try? ProcessResult.run("/usr/bin/diff", ["-u", a.path, b.path]).stdout) ?? ""
    XCTFail("\(what): MLflow sees different stores (SQLite vs PostgreSQL):\n\(diff.prefix(4000))", file: file, line: line)
}
