import Foundation
import XCTest

/// A password given on the command line draws a warning and appears in no output, report or bundle.
final class SecretsTests: XCTestCase {
    func testPasswordIsNeverPrinted() throws {
        let env = try TestEnvironment.require()
        let secret = "s3cr3t-Pa55word"
        let conninfo = try env.createDatabase("e2e_secret") + " password=\(secret)"
        defer { env.dropDatabase("e2e_secret") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let runs = [
            try env.tool("mlflow-import", [source, "--target", conninfo, "--dry-run", "--format", "json"]),
            try env.tool(
                "mlflow-import",
                [
                    source, "--target", conninfo, "--verify", "--junit", dir.path + "/i.xml",
                    "--markdown", dir.path + "/i.md", "--progress", "json",
                ]),
            try env.tool("mlflow-verify", [source, "--target", conninfo, "--format", "json", "--junit", dir.path + "/v.xml"]),
            // Refused: the target holds another store.
            try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/empty.db"), "--target", conninfo]),
            try env.tool("mlflow-verify", [source, "--target", "postgresql://someone:\(secret)@127.0.0.1:1/x?connect_timeout=2"]),
            try env.tool("mlflow-export", [source, "--output", dir.path + "/bundle"]),
        ]
        XCTAssertEqual(runs.map(\.status), [0, 0, 0, 5, 2, 0], runs.map(\.stderr).joined(separator: "\n"))
        for (i, run) in runs.enumerated() {
            XCTAssertFalse(run.stdout.contains(secret) || run.stderr.contains(secret), "run \(i) printed the password")
            if i != 5 { XCTAssertTrue(run.stderr.contains("PGPASSWORD or ~/.pgpass"), "run \(i) did not warn: \(run.stderr)") }
        }
        let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            let data = (try? Data(contentsOf: dir.appendingPathComponent(file))) ?? Data()
            XCTAssertNil(data.range(of: Data(secret.utf8)), "\(file) holds the password")
        }
    }

    /// libpq echoes a connection string it cannot parse; the tool says what is wrong without it.
    func testAConnectionStringThatDoesNotParseIsNotEchoed() throws {
        let env = try TestEnvironment.require()
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        for target in [
            "postgresql://mlflow:S3CRET@[::1]x/db", "password=my S3CRET", "postgresql://mlflow:S3%zzCRET@localhost/db",
            "host=x password='S3CRET",
        ] {
            for tool in ["mlflow-import", "mlflow-verify"] {
                let result = try env.tool(tool, [source, "--target", target])
                XCTAssertEqual(result.status, 2, "\(tool) \(target): \(result.stderr)")
                XCTAssertTrue(result.stderr.hasPrefix("Error: --target is not a libpq URI or key=value string: "), result.stderr)
                XCTAssertFalse(
                    result.stdout.contains("S3") || result.stderr.contains("S3"), "\(tool) \(target) printed the password:\n\(result.stderr)")
            }
        }
        // A URI that parses but puts the password where libpq expects a port: refused at connect, not echoed.
        let misplaced = try env.tool("mlflow-verify", [source, "--target", "postgresql://mlflow:S3CRET/x@localhost/db"])
        XCTAssertEqual(misplaced.status, 2, misplaced.stderr)
        XCTAssertFalse(misplaced.stderr.contains("S3CRET"), misplaced.stderr)
        // A plain database name is a database name, as for psql.
        let plain = try env.tool("mlflow-verify", [source, "--target", "e2e_no_such_db"])
        XCTAssertEqual(plain.status, 2, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("e2e_no_such_db") && plain.stderr.contains("does not exist"), plain.stderr)
    }
}
