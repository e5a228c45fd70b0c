import Foundation
import PostgresTarget
import XCTest

/// Every documented exit code of every executable, provoked for real: the code and the first line
/// of stderr (empty on success: nothing but the report goes to stdout).
final class ExitCodeTests: XCTestCase {
    struct Case {
        let tool: String
        let arguments: [String]
        let code: Int32
        /// The first line of stderr starts with this ("" for an empty stderr).
        let firstLine: String
        /// And contains this.
        var contains = ""
    }

    func check(_ env: TestEnvironment, _ c: Case, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try env.tool(c.tool, c.arguments)
        let first = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let what = "\(c.tool) \(c.arguments.joined(separator: " "))"
        XCTAssertEqual(result.status, c.code, "\(what)\n\(result.stderr.prefix(2000))", file: file, line: line)
        if c.firstLine.isEmpty {
            XCTAssertEqual(result.stderr, "", what, file: file, line: line)
        } else {
            XCTAssertTrue(
                first.hasPrefix(c.firstLine), "\(what): first line of stderr is '\(first)', expected '\(c.firstLine)...'", file: file, line: line)
        }
        XCTAssertTrue(c.contains.isEmpty || first.contains(c.contains), "\(what): '\(first)' lacks '\(c.contains)'", file: file, line: line)
    }

    func testMLflowImport() throws {
        let env = try TestEnvironment.require()
        let rich = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let problems = TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db")
        let target = try env.createDatabase("e2e_exit_import")
        defer { env.dropDatabase("e2e_exit_import") }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let aFile = scratch + "/a-file"
        _ = FileManager.default.createFile(atPath: aFile, contents: Data())
        let unreachable = "host=\(scratch)/no-server port=5"
        for c in [
            Case(
                tool: "mlflow-import", arguments: [problems, "--target", target], code: 1,
                firstLine: "mlflow-import: \(problems) holds", contains: "row problem(s) PostgreSQL would reject"),
            Case(
                tool: "mlflow-import", arguments: [rich, "--target", target, "--skip-rows", "bogus"], code: 2,
                firstLine: "Error: unknown problem kind 'bogus' for --skip-rows"),
            Case(
                tool: "mlflow-import", arguments: [problems, "--target", target, "--skip-rows", "all", "--widen-too-long"], code: 2,
                firstLine: "mlflow-import: a policy that leaves out rows or widens columns needs --reject-dir DIR"),
            Case(
                tool: "mlflow-import", arguments: [rich, rich, "--target", target], code: 2,
                firstLine: "Error: several sources need --merge"),
            Case(
                tool: "mlflow-import", arguments: [rich, "--target", target, "--merge"], code: 2,
                firstLine: "Error: --merge needs --record DIR"),
            Case(
                tool: "mlflow-import", arguments: [rich, "--target", target, "--merge", "--record", scratch + "/record"], code: 5,
                firstLine: "mlflow-import: the target database", contains: "schema public holds no MLflow store"),
            Case(
                tool: "mlflow-import", arguments: [scratch + "/missing.db", "--target", target], code: 3,
                firstLine: "mlflow-import: cannot read source \(scratch)/missing.db: no such file"),
            Case(
                tool: "mlflow-import", arguments: [rich, "--target", unreachable], code: 4,
                firstLine: "mlflow-import: cannot connect to the target PostgreSQL server"),
            Case(
                tool: "mlflow-import",
                arguments: [
                    problems, "--target", target, "--skip-rows", "all", "--widen-too-long",
                    "--reject-dir", aFile + "/rejects",
                ], code: 7,
                firstLine: "mlflow-import: cannot write the reject directory \(aFile)/rejects"),
            Case(
                tool: "mlflow-import", arguments: [rich, "--target", target, "--verify", "--junit", aFile + "/report.xml"], code: 7,
                firstLine: "mlflow-import: cannot write the report \(aFile)/report.xml"),
        ] {
            try check(env, c)
            XCTAssertEqual(try targetFingerprint(target), "", "\(c.arguments): the target changed")
        }
        try check(env, Case(tool: "mlflow-import", arguments: [rich, "--target", target, "--quiet"], code: 0, firstLine: ""))
        try check(
            env,
            Case(
                tool: "mlflow-import", arguments: [TestEnvironment.fixture("mlflow-2.9.2/empty.db"), "--target", target], code: 5,
                firstLine: "mlflow-import: the target database", contains: "cannot be loaded"))
        // The same store again: the target already equals it, which is exit 0 with nothing written.
        let before = try targetFingerprint(target)
        let again = try env.tool("mlflow-import", [rich, "--target", target])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("Nothing to do: "), again.stdout)
        XCTAssertEqual(try targetFingerprint(target), before)
    }

    /// Exit 6: the import commits, and its verification finds what another session changed inside
    /// the import's own transaction (an event trigger, which the empty-target check does not see
    /// since it is no relation).
    func testMLflowImportVerifyFindsDifferences() throws {
        let env = try TestEnvironment.require()
        let target = try env.createDatabase("e2e_exit_six")
        defer { env.dropDatabase("e2e_exit_six") }
        try env.admin(database: "e2e_exit_six").execute(
            """
            CREATE FUNCTION meddle() RETURNS event_trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF to_regclass('experiments') IS NOT NULL THEN
                UPDATE experiments SET last_update_time = 42 WHERE experiment_id = 0;
              END IF;
            END $$;
            CREATE EVENT TRIGGER meddle ON ddl_command_end WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION meddle();
            """)
        try check(
            env,
            Case(
                tool: "mlflow-import", arguments: [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", target, "--verify", "--quiet"],
                code: 6, firstLine: "mlflow-import: the import was committed, but the target differs from the source"))
    }

    func testMLflowImportDryRun() throws {
        let env = try TestEnvironment.require()
        let target = try env.createDatabase("e2e_exit_dry")
        defer { env.dropDatabase("e2e_exit_dry") }
        let rich = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        for c in [
            Case(tool: "mlflow-import", arguments: ["--dry-run", rich, "--target", target], code: 0, firstLine: ""),
            Case(
                tool: "mlflow-import", arguments: ["--dry-run", TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db"), "--target", target],
                code: 1, firstLine: "mlflow-import --dry-run: the import would fail:", contains: "problem(s) no policy handles"),
            Case(
                tool: "mlflow-import", arguments: ["--dry-run", rich, "--target", "host=/nonexistent-folder port=5"], code: 2,
                firstLine: "mlflow-import --dry-run: cannot connect to the target PostgreSQL server"),
            Case(
                tool: "mlflow-import", arguments: ["--dry-run", "/nonexistent.db", "--target", target], code: 2,
                firstLine: "mlflow-import --dry-run: cannot read source /nonexistent.db: no such file"),
        ] {
            try check(env, c)
        }
        XCTAssertEqual(try targetFingerprint(target), "", "a dry run wrote")
    }

    func testMLflowVerify() throws {
        let env = try TestEnvironment.require()
        let rich = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let target = try env.createDatabase("e2e_exit_verify")
        defer { env.dropDatabase("e2e_exit_verify") }
        XCTAssertEqual(try env.tool("mlflow-import", [rich, "--target", target]).status, 0)
        try check(env, Case(tool: "mlflow-verify", arguments: [rich, "--target", target], code: 0, firstLine: ""))
        for c in [
            Case(
                tool: "mlflow-verify", arguments: ["/nonexistent.db", "--target", target], code: 2,
                firstLine: "mlflow-verify: cannot read source /nonexistent.db: no such file"),
            Case(
                tool: "mlflow-verify", arguments: [rich, "--target", target, "--markdown", "/nonexistent-folder/r.md"], code: 2,
                firstLine: "mlflow-verify: cannot write the report /nonexistent-folder/r.md"),
            Case(
                tool: "mlflow-verify", arguments: [rich, "--target", "host=/nonexistent-folder port=5"], code: 2,
                firstLine: "mlflow-verify: cannot connect to the target PostgreSQL server"),
        ] {
            try check(env, c)
        }
        try check(env, Case(tool: "mlflow-verify", arguments: [], code: 2, firstLine: "Error: Missing expected argument '<source> ...'"))
        try env.admin(database: "e2e_exit_verify").execute("UPDATE params SET value = value || 'x' WHERE key = (SELECT min(key) FROM params)")
        try check(
            env,
            Case(
                tool: "mlflow-verify", arguments: [rich, "--target", target], code: 1,
                firstLine: "mlflow-verify: the target differs from the source:", contains: "checks failed"))
    }

    func testMLflowExport() throws {
        let env = try TestEnvironment.require()
        let rich = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for c in [
            Case(tool: "mlflow-export", arguments: [rich, "--output", scratch + "/bundle", "--quiet"], code: 0, firstLine: ""),
            Case(
                tool: "mlflow-export", arguments: [TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db"), "--output", scratch + "/p"],
                code: 1, firstLine: "mlflow-export: \(TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db")) holds 15 row problem(s)"),
            Case(tool: "mlflow-export", arguments: [rich], code: 2, firstLine: "Error: Missing expected argument '--output <dir>'"),
            Case(
                tool: "mlflow-export", arguments: [scratch + "/missing.db", "--output", scratch + "/m"], code: 3,
                firstLine: "mlflow-export: cannot read source \(scratch)/missing.db: no such file"),
            Case(
                tool: "mlflow-export", arguments: [rich, "--output", scratch + "/bundle"], code: 7,
                firstLine: "mlflow-export: cannot write the bundle \(scratch)/bundle: it already exists"),
        ] {
            try check(env, c)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/p"), "a refused export left a bundle")
    }

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exit-codes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
