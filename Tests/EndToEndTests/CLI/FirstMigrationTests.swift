import Foundation
import Migration
import PostgresTarget
import TestSupport
import XCTest

/// A first migration as a new user lives it (issue 20): each test runs the executables as a user
/// would and asserts the exit code and the first line of what they print.
final class FirstMigrationTests: XCTestCase {
    let rich = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
    let empty = TestEnvironment.fixture("mlflow-2.9.2/empty.db")
    let problems = TestEnvironment.fixture("problems/mlflow-2.9.2-problems.db")

    /// The first line of a text.
    func first(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// Asserts the exit code and that the first line of stderr (or stdout) starts with `line`.
    func expect(
        _ result: ProcessResult, _ code: Int32, stderr line: String? = nil, stdout outLine: String? = nil, file: StaticString = #filePath,
        line number: UInt = #line
    ) {
        XCTAssertEqual(
            result.status, code, "stdout:\n\(result.stdout.prefix(3000))\nstderr:\n\(result.stderr.prefix(3000))", file: file, line: number)
        if let line {
            XCTAssertTrue(
                first(result.stderr).hasPrefix(line), "stderr starts '\(first(result.stderr))', expected '\(line)'", file: file, line: number)
        }
        if let outLine {
            XCTAssertTrue(
                first(result.stdout).hasPrefix(outLine), "stdout starts '\(first(result.stdout))', expected '\(outLine)'", file: file, line: number)
        }
    }

    /// A role that may log in and nothing else; dropped (with what it owns) by the returned closure.
    func role(_ env: TestEnvironment, _ name: String, databases: [String]) throws -> () -> Void {
        let admin = try env.admin()
        for database in databases { try? env.admin(database: database).execute("DROP OWNED BY \(name)") }
        try admin.execute("DROP ROLE IF EXISTS \(name)")
        try admin.execute("CREATE ROLE \(name) LOGIN")
        return {
            for database in databases { try? env.admin(database: database).execute("DROP OWNED BY \(name)") }
            try? env.admin().execute("DROP ROLE IF EXISTS \(name)")
        }
    }

    // MARK: 1. Privileges

    /// A role that may not create tables: the dry run says so with the GRANT, the import exits 8
    /// naming it, and after exactly that GRANT the import succeeds.
    func testPrivilegesOfAnEmptyTarget() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_first_priv_empty"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let cleanup = try role(env, "e2e_newcomer", databases: [db])
        defer { cleanup() }
        let asRole = target.replacingOccurrences(of: "user=postgres", with: "user=e2e_newcomer")
        // As a hardened database has it: not even USAGE on public (then it is not in the role's search path at all).
        try env.admin(database: db).execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")

        let dry = try env.tool("mlflow-import", [rich, "--target", asRole, "--dry-run"])
        expect(
            dry, 1, stderr: "mlflow-import --dry-run: the import would fail: blocked: role e2e_newcomer may not create tables in schema public",
            stdout: "Dry run: nothing was written. The import WOULD FAIL.")
        XCTAssertTrue(dry.stdout.contains("    GRANT USAGE, CREATE ON SCHEMA public TO e2e_newcomer;"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("or connect as postgres, who owns the schema"), dry.stdout)

        let refused = try env.tool("mlflow-import", [rich, "--target", asRole])
        expect(refused, 8, stderr: "mlflow-import: role e2e_newcomer may not create tables in schema public")
        XCTAssertFalse(refused.stderr.contains("Correct the row"), refused.stderr)
        XCTAssertEqual(try targetFingerprint(target), "")

        try env.admin(database: db).execute("GRANT USAGE, CREATE ON SCHEMA public TO e2e_newcomer;")
        expect(
            try env.tool("mlflow-import", [rich, "--target", asRole, "--dry-run"]), 0,
            stdout: "Dry run: nothing was written. The import WOULD SUCCEED.")
        expect(try env.tool("mlflow-import", [rich, "--target", asRole, "-q"]), 0)
    }

    /// A store another role let MLflow create: the GRANTs the refusal names are what the import
    /// needs (run as printed, the import then succeeds).
    func testPrivilegesOfAnMLflowCreatedTarget() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_first_priv_created"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let cleanup = try role(env, "e2e_operator", databases: [db])
        defer { cleanup() }
        expect(try env.tool("mlflow-import", [empty, "--target", target, "-q"]), 0)
        let asRole = target.replacingOccurrences(of: "user=postgres", with: "user=e2e_operator")
        try env.admin(database: db).execute("GRANT USAGE ON SCHEMA public TO e2e_operator")

        let dry = try env.tool("mlflow-import", [rich, "--target", asRole, "--dry-run"])
        expect(dry, 1, stderr: "mlflow-import --dry-run: the import would fail: blocked: role e2e_operator may not read and write MLflow's tables")
        let before = try targetFingerprint(target)
        let refused = try env.tool("mlflow-import", [rich, "--target", asRole])
        expect(refused, 8, stderr: "mlflow-import: role e2e_operator may not read and write MLflow's tables")
        XCTAssertEqual(try targetFingerprint(target), before)
        // A merge by the same role is told the same before it reads anything.
        let mergeBlocked = try env.tool("mlflow-import", [empty, "--target", asRole, "--merge", "--dry-run"])
        expect(
            mergeBlocked, 1,
            stderr: "mlflow-import --dry-run: the merge would be refused: blocked: role e2e_operator may not read and write MLflow's tables")
        let grants = refused.stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("GRANT ") }
        XCTAssertEqual(grants.count, 2, refused.stderr)
        for grant in grants { try env.admin(database: db).execute(grant) }

        // Widening a column takes the table's owner, which no GRANT gives: said before, refused alike.
        let policies = ["--widen-too-long", "--widen-integers", "--skip-rows", "all"]
        let scratch = try ExitCodeTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let widenDry = try env.tool("mlflow-import", [problems, "--target", asRole, "--dry-run", "--reject-dir", scratch + "/dry"] + policies)
        expect(
            widenDry, 1,
            stderr: "mlflow-import --dry-run: the import would fail: blocked: role e2e_operator may not widen columns of tables it does not own")
        let widen = try env.tool("mlflow-import", [problems, "--target", asRole, "--reject-dir", scratch + "/rejects"] + policies)
        expect(widen, 8, stderr: "mlflow-import: role e2e_operator may not widen columns of tables it does not own")
        XCTAssertTrue(widen.stderr.contains("  Connect as postgres, who owns MLflow's tables."), widen.stderr)
        XCTAssertEqual(try targetFingerprint(target), before)

        expect(try env.tool("mlflow-import", [rich, "--target", asRole, "--verify", "-q"]), 0)

        // A merge stages its rows in temporary tables: without TEMPORARY its dry run is blocked
        // and the merge refused before anything is written, with the GRANT.
        try env.admin(database: db).execute("REVOKE TEMPORARY ON DATABASE \(db) FROM PUBLIC")
        let merging = ["--merge", "--on-name-conflict", "merge"]
        let mergeDry = try env.tool("mlflow-import", [empty, "--target", asRole, "--dry-run"] + merging)
        expect(
            mergeDry, 1, stderr: "mlflow-import --dry-run: the merge would be refused: blocked: role e2e_operator may not create temporary tables",
            stdout: "Merge plan (dry run, nothing written)")
        XCTAssertTrue(
            mergeDry.stdout.contains("Blocked: role e2e_operator may not create temporary tables in database \(db)"), mergeDry.stdout)
        let imported = try targetFingerprint(target)
        let mergeRefused = try env.tool("mlflow-import", [empty, "--target", asRole, "--record", scratch + "/merge"] + merging)
        expect(mergeRefused, 8, stderr: "mlflow-import: role e2e_operator may not create temporary tables in database \(db)")
        XCTAssertEqual(try targetFingerprint(target), imported)
        let mergeGrants = mergeRefused.stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("GRANT ") }
        XCTAssertEqual(mergeGrants, ["GRANT TEMPORARY ON DATABASE \(db) TO e2e_operator;"], mergeRefused.stderr)
        for grant in mergeGrants { try env.admin(database: db).execute(grant) }
        expect(try env.tool("mlflow-import", [empty, "--target", asRole, "--record", scratch + "/merge", "-q"] + merging), 0)
    }

    /// An error of the target's own objects (SQLSTATE class 42, here a trigger calling a function
    /// that does not exist) is not blamed on a row: exit 8, the SQLSTATE, no "correct the row".
    func testObjectErrorIsTheTargets() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_first_object"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        expect(try env.tool("mlflow-import", [empty, "--target", target, "-q"]), 0)
        try env.admin(database: db).execute(
            """
            CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM audit_log_missing(); RETURN NEW; END $$;
            CREATE TRIGGER audit BEFORE INSERT ON runs FOR EACH ROW EXECUTE FUNCTION audit_row();
            """)
        let before = try targetFingerprint(target)
        let result = try env.tool("mlflow-import", [rich, "--target", target])
        expect(result, 8, stderr: "mlflow-import: the target database postgres@")
        XCTAssertTrue(first(result.stderr).contains("refused the import (SQLSTATE 42883)"), result.stderr)
        XCTAssertFalse(result.stderr.contains("Correct the row"), result.stderr)
        XCTAssertEqual(try targetFingerprint(target), before)
    }

    // MARK: 2. Bundles as safe as SQLite files

    /// Export runs the pre-flight (every problem listed), takes the policies and records them; the
    /// bundle's dry run then predicts its import exactly, and both verifications pass.
    func testExportPreflightAndPolicies() throws {
        let env = try TestEnvironment.require()
        let scratch = try ExitCodeTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let bundle = scratch + "/bundle", rejects = scratch + "/rejects"

        let refused = try env.tool("mlflow-export", [problems, "-o", bundle])
        expect(refused, 1, stderr: "mlflow-export: \(problems) holds 15 row problem(s) PostgreSQL would reject")
        XCTAssertTrue(refused.stderr.contains("[too_long] table experiments, row (experiment_id=1), column name"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: bundle))

        let exported = try env.tool(
            "mlflow-export", [problems, "-o", bundle, "--widen-too-long", "--widen-integers", "--skip-rows", "all", "--reject-dir", rejects])
        expect(exported, 0, stdout: "Exported \(problems) (revision acf3f17fdcc7) to \(bundle).")
        XCTAssertTrue(exported.stdout.contains("Widened experiments.name from character varying(256) to character varying(300)"), exported.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: rejects + "/rejects.json"))

        let db = "e2e_first_bundle"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let dry = try env.tool("mlflow-import", [bundle, "--target", target, "--dry-run", "--format", "json"])
        expect(dry, 0)
        let report = try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any] ?? [:]
        let plan = report["plan"] as? [String: Any] ?? [:]
        let planned = Dictionary(
            uniqueKeysWithValues: (plan["tables"] as? [[String: Any]] ?? []).map { ($0["table"] as? String ?? "", $0["rows"] as? Int ?? -1) })
        let widened = (plan["widened"] as? [[String: Any]] ?? []).map { "\($0["table"] ?? "").\($0["column"] ?? "") \($0["to"] ?? "")" }
        XCTAssertTrue(widened.contains("model_versions.version bigint"), "\(widened)")

        let imported = try env.tool("mlflow-import", [bundle, "--target", target, "--verify"])
        expect(imported, 0, stdout: "Imported \(bundle)")
        let conn = try PGConnection(conninfo: target, applicationName: "e2e")
        for (table, rows) in planned {
            XCTAssertEqual(Int(try conn.query("SELECT count(*) FROM \(conn.quoteIdentifier(table))").scalar ?? ""), rows, table)
        }
        for w in widened {
            let parts = w.split(separator: " ", maxSplits: 1).map(String.init)
            let tc = parts[0].split(separator: ".").map(String.init)
            let type = try conn.query(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2", [tc[0], tc[1]]
            ).scalar
            XCTAssertEqual(type, parts[1], w)
        }
        expect(try env.tool("mlflow-verify", [problems, "--target", target, "--reject-dir", rejects]), 0, stdout: "Verified ")
    }

    // MARK: 3. Report flags never silently do nothing

    func testReportFlags() throws {
        let env = try TestEnvironment.require()
        let scratch = try ExitCodeTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let db = "e2e_first_reports"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }

        expect(
            try env.tool("mlflow-import", [rich, "--target", target, "--junit", scratch + "/r.xml"]), 2,
            stderr: "Error: --junit goes with --verify or --dry-run")
        expect(
            try env.tool("mlflow-import", [rich, "--target", target, "--format", "json"]), 2,
            stderr: "Error: --format goes with --verify or --dry-run")
        expect(
            try env.tool("mlflow-import", [rich, "--target", target, "--dry-run", "--max-diffs", "3"]), 2,
            stderr: "Error: --max-diffs goes with --verify")
        expect(try env.tool("mlflow-import", [rich, "--target", target, "--dry-run", "--verify"]), 2, stderr: "Error: --verify checks an import")
        XCTAssertEqual(try targetFingerprint(target), "")

        // The dry run writes JUnit and Markdown: passing for a clean store, failing for one with problems.
        let clean = try env.tool(
            "mlflow-import", [rich, "--target", target, "--dry-run", "--junit", scratch + "/dry.xml", "--markdown", scratch + "/dry.md"])
        expect(clean, 0, stdout: "Dry run: nothing was written. The import WOULD SUCCEED.")
        let xml = try String(contentsOfFile: scratch + "/dry.xml", encoding: .utf8)
        XCTAssertTrue(xml.contains("<testsuites name=\"mlflow-import --dry-run\"") && xml.contains("failures=\"0\""), xml)
        XCTAssertTrue(try String(contentsOfFile: scratch + "/dry.md", encoding: .utf8).hasPrefix("## mlflow-import dry run: ✅ would succeed"))
        let failing = try env.tool("mlflow-import", [problems, "--target", target, "--dry-run", "--junit", scratch + "/bad.xml"])
        expect(failing, 1, stderr: "mlflow-import --dry-run: the import would fail")
        let bad = try String(contentsOfFile: scratch + "/bad.xml", encoding: .utf8)
        XCTAssertTrue(bad.contains("name=\"too_long in experiments.name\"") && bad.contains("<failure"), bad)

        // --verify --format json: stdout is the JSON report alone; the summary goes to stderr.
        let json = try env.tool("mlflow-import", [rich, "--target", target, "--verify", "--format", "json"])
        expect(json, 0, stderr: "Imported \(rich)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["result"] as? String, "equal", json.stdout)

        // -q: nothing on stdout, also with --verify; the files are still written.
        let second = "e2e_first_reports_q"
        let quietTarget = try env.createDatabase(second)
        defer { env.dropDatabase(second) }
        let quiet = try env.tool("mlflow-import", [rich, "--target", quietTarget, "--verify", "-q", "--junit", scratch + "/q.xml"])
        expect(quiet, 0)
        XCTAssertEqual(quiet.stdout, "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/q.xml"))

        let help = try env.tool("mlflow-import", ["--help"])
        XCTAssertTrue(help.stdout.contains("REPORTS (WITH --VERIFY, OR OF THE --DRY-RUN):"), help.stdout)
    }

    // MARK: 4. Refusals say the one thing that matters

    func testRefusals() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_first_refusals"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        expect(try env.tool("mlflow-import", [rich, "--target", target, "-q"]), 0)

        // The same import again: good news, exit 0, nothing written.
        let before = try targetFingerprint(target)
        let again = try env.tool("mlflow-import", [rich, "--target", target])
        expect(again, 0, stdout: "Nothing to do: postgres@")
        XCTAssertTrue(first(again.stdout).contains("already holds exactly \(rich)"), again.stdout)
        XCTAssertEqual(try targetFingerprint(target), before)

        // Another store: refused, the release range and the README's CREATE DATABASE named.
        let other = try env.tool("mlflow-import", [empty, "--target", target])
        expect(other, 5, stderr: "mlflow-import: the target database postgres@")
        XCTAssertTrue(first(other.stderr).contains("MLflow's tables already hold data"), other.stderr)
        XCTAssertTrue(other.stderr.contains(TargetAdvice.createDatabase), other.stderr)
        XCTAssertTrue(other.stderr.contains("leaves out the extensions template1 carries"), other.stderr)
        XCTAssertTrue(other.stderr.contains("(MLflow 2.8.1 to 2.12.2)"), other.stderr)
        XCTAssertFalse(other.stderr.contains("an MLflow 2.12.2 server"), other.stderr)

        // The dry run on the refused target prints no plan, and the reason once.
        let dry = try env.tool("mlflow-import", [empty, "--target", target, "--dry-run"])
        expect(dry, 1, stdout: "Dry run: nothing was written. The import WOULD FAIL.")
        let lines = dry.stdout.split(separator: "\n").map(String.init)
        let plan = lines.firstIndex(of: "Plan: none, the import is blocked (below)")
        XCTAssertNotNil(plan, dry.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("  set sequence") || $0.hasSuffix(" rows") || $0.hasPrefix("  estimated duration") }, dry.stdout)
        XCTAssertEqual(lines.filter { $0.hasPrefix("Blocked: ") }.count, 1, dry.stdout)
        XCTAssertEqual(dry.stdout.components(separatedBy: "MLflow's tables already hold data").count, 2, dry.stdout)

        let readme = try String(contentsOf: TestEnvironment.root.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains(TargetAdvice.createDatabase), "the README's first migration creates the database the hints name")
    }

    // MARK: 5. Sources as users write them

    func testSourcesAsUsersWriteThem() throws {
        let env = try TestEnvironment.require()
        let scratch = try ExitCodeTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let db = "e2e_first_sources"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        try FileManager.default.createDirectory(atPath: scratch + "/server", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: rich, toPath: scratch + "/server/mlflow.db")

        // The URI of the server's configuration, absolute (four slashes) and relative (three).
        let absolute = try env.tool("mlflow-import", ["sqlite:///\(scratch)/server/mlflow.db?timeout=20", "--target", target, "--dry-run"])
        expect(absolute, 0, stdout: "Dry run: nothing was written. The import WOULD SUCCEED.")
        XCTAssertTrue(absolute.stdout.contains("Source: \(scratch)/server/mlflow.db (sqlite"), absolute.stdout)
        let tool = env.binaries.appendingPathComponent("mlflow-import").path
        let relative = try ProcessResult.run(
            "/bin/sh", ["-c", "cd \"$1\" && exec \"$2\" sqlite:///server/mlflow.db --target \"$3\" -q", "sh", scratch, tool, target])
        expect(relative, 0)
        expect(
            try env.tool("mlflow-verify", ["sqlite:///\(scratch)/server/mlflow.db", "--target", target]), 0, stdout: "Verified ")
        expect(
            try env.tool("mlflow-import", ["postgresql://u@h/mlflow", "--target", target]), 2,
            stderr: "Error: The value 'postgresql://u@h/mlflow' is invalid for '<source>': 'postgresql://u@h/mlflow' is a postgresql URI")

        // A folder that is not a bundle offers the SQLite file in it; a damaged bundle is a bundle.
        let folder = try env.tool("mlflow-import", [scratch + "/server", "--target", target])
        expect(folder, 3, stderr: "mlflow-import: \(scratch)/server is a folder but not a bundle: it has no manifest.json")
        XCTAssertTrue(folder.stderr.contains("It holds the SQLite file \(scratch)/server/mlflow.db: give that file as the source."), folder.stderr)
        try FileManager.default.createDirectory(atPath: scratch + "/damaged", withIntermediateDirectories: true)
        try Data("{".utf8).write(to: URL(fileURLWithPath: scratch + "/damaged/manifest.json"))
        expect(
            try env.tool("mlflow-import", [scratch + "/damaged", "--target", target]), 3,
            stderr: "mlflow-import: the bundle \(scratch)/damaged is refused: manifest.json is not a valid manifest")
    }

    // MARK: 6. Nothing long is silent

    /// Machine-readable progress of every long phase, and Ctrl-C saying the target is unchanged.
    func testProgressAndInterruption() throws {
        let env = try TestEnvironment.require()
        let scratch = try ExitCodeTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let db = "e2e_first_progress"
        let target = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        func events(_ result: ProcessResult) -> [[String: Any]] {
            result.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        func finished(_ phase: String, in result: ProcessResult) -> Bool {
            events(result).contains {
                $0["event"] as? String == "phase" && $0["phase"] as? String == phase && $0["done"] as? Int == $0["total"] as? Int
            }
        }
        let dry = try env.tool("mlflow-import", [rich, "--target", target, "--dry-run", "--progress", "json"])
        expect(dry, 0)
        XCTAssertTrue(finished("pre-flight", in: dry), dry.stderr)
        let imported = try env.tool("mlflow-import", [rich, "--target", target, "--progress", "json"])
        expect(imported, 0)
        XCTAssertTrue(finished("keys and indexes", in: imported), imported.stderr)
        let verified = try env.tool("mlflow-verify", [rich, "--target", target, "--progress", "json"])
        expect(verified, 0)
        XCTAssertTrue(finished("checksumming tables", in: verified), verified.stderr)
        let exported = try env.tool("mlflow-export", [rich, "-o", scratch + "/bundle", "--progress", "json"])
        expect(exported, 0)
        XCTAssertTrue(finished("pre-flight", in: exported), exported.stderr)
        XCTAssertTrue(
            events(exported).contains { $0["event"] as? String == "table_finished" && $0["table"] as? String == "metrics" }, exported.stderr)

        // Ctrl-C mid-load: exit 130, and the last line says the target is unchanged (it is).
        let bulk = try env.bulkSource()
        let second = "e2e_first_interrupt"
        let fresh = try env.createDatabase(second)
        defer { env.dropDatabase(second) }
        let running = try env.start("mlflow-import", [bulk, "--target", fresh])
        let admin = try env.admin()
        let copying = try TestEnvironment.wait(seconds: 60) {
            try TestEnvironment.backends(admin, "mlflow-import", where: "a.query LIKE 'COPY%' AND a.datname = '\(second)'") > 0
        }
        XCTAssertTrue(copying, "the import never reached COPY")
        kill(running.process.processIdentifier, SIGINT)
        let result = try running.finish()
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertEqual(
            result.stderr.split(separator: "\n").last.map(String.init),
            "mlflow-import: interrupted: the import's transaction was not committed, so the target is unchanged (PostgreSQL rolls it back as the connection closes)"
        )
        XCTAssertTrue(try TestEnvironment.wait(seconds: 10) { try targetFingerprint(fresh) == "" })

        // SIGTERM mid-export: exit 143, and neither the bundle nor its staging folder is left. The
        // signal comes at once (three times) and then later after the staging folder appears: the cleanup once
        // raced the export creating the folder's first entries, and left the folder behind.
        for delay: useconds_t in [0, 0, 0, 2_000, 20_000] {
            let exporting = try env.start("mlflow-export", [bulk, "-o", scratch + "/interrupted", "--progress", "none"])
            let deadline = Date().addingTimeInterval(60)
            var staging = false
            while !staging && Date() < deadline {
                staging = try FileManager.default.contentsOfDirectory(atPath: scratch).contains { $0.hasPrefix(".interrupted.partial-") }
                if !staging { usleep(200) }
            }
            XCTAssertTrue(staging, "the export never began writing")
            usleep(delay)
            kill(exporting.process.processIdentifier, SIGTERM)
            let stopped = try exporting.finish()
            XCTAssertEqual(stopped.status, 143, stopped.stderr)
            XCTAssertEqual(stopped.stderr.split(separator: "\n").last.map(String.init), "mlflow-export: interrupted: no bundle was written")
            XCTAssertEqual(
                try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.contains("interrupted") }, [], "signalled \(delay) µs after")
        }
    }

    // MARK: 7. Collation

    func testICUCollationIsReported() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_first_icu"
        let admin = try env.admin()
        guard try admin.query("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'").scalar != "0" else {
            throw XCTSkip("this PostgreSQL was built without ICU")
        }
        try admin.execute("DROP DATABASE IF EXISTS \(db) WITH (FORCE)")
        try admin.execute("CREATE DATABASE \(db) TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        defer { env.dropDatabase(db) }
        XCTAssertEqual(try env.admin(database: db).query("SELECT 'a' < 'B'").scalar, "t", "ICU sorts a before B, unlike SQLite")
        let dry = try env.tool("mlflow-import", [rich, "--target", env.conninfo(db), "--dry-run"])
        expect(dry, 0, stdout: "Dry run: nothing was written. The import WOULD SUCCEED.")
        XCTAssertTrue(dry.stdout.contains(", collation ICU en-US\n"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("note: collation: the database sorts text with ICU locale en-US"), dry.stdout)
    }

    // MARK: 8. The README's first migration and the help

    func testREADMEAndHelpSayWhatHappens() throws {
        let env = try TestEnvironment.require()
        let readme = try String(contentsOf: TestEnvironment.root.appendingPathComponent("README.md"), encoding: .utf8)
        for step in ["## Your first migration", TargetAdvice.createDatabase, "--dry-run", "--verify --junit", "--backend-store-uri postgresql://"] {
            XCTAssertTrue(readme.contains(step), "README lacks '\(step)'")
        }
        let help = try env.tool("mlflow-import", ["--help"])
        expect(help, 0)
        // The help wraps lines: compare with the whitespace folded.
        let folded = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for code in [
            "0 imported", "1 a value", "3 the source", "4 the target", "5 the target", "6 imported, but", "7 an output cannot be written",
            "8 the connecting role", "130 interrupted", "70 an internal error",
        ] {
            XCTAssertTrue(folded.contains(code), "--help lacks exit code '\(code)'")
        }
    }

    // MARK: 9. The connection's security

    func testConnectionSecurityIsSaid() throws {
        let env = try TestEnvironment.require()
        guard let ca = ProcessInfo.processInfo.environment["MLFLOW_PG_TLS_CA"], FileManager.default.fileExists(atPath: ca) else {
            throw TestEnvironment.unavailable("MLFLOW_PG_TLS_CA not set: run the tests through scripts/test.sh (its cluster serves TLS on loopback)")
        }
        let db = "e2e_first_tls"
        _ = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let tcp = "port=\(env.pgPort) user=postgres dbname=\(db)"
        func dry(_ conninfo: String) throws -> ProcessResult { try env.tool("mlflow-import", [rich, "--target", conninfo, "--dry-run"]) }

        let verified = try dry("host=localhost \(tcp) sslmode=verify-full sslrootcert=\(ca)")
        expect(verified, 0)
        XCTAssertTrue(verified.stdout.contains("  connection: encrypted (TLSv1."), verified.stdout)
        XCTAssertTrue(verified.stdout.contains("server certificate verified (sslmode=verify-full), to this machine (localhost)"), verified.stdout)
        XCTAssertFalse(verified.stdout.contains("warning: the connection"), verified.stdout)

        let plain = try dry("host=127.0.0.1 \(tcp) sslmode=disable")
        XCTAssertTrue(plain.stdout.contains("  connection: not encrypted (sslmode=disable), to this machine (127.0.0.1)"), plain.stdout)
        XCTAssertFalse(plain.stdout.contains("warning: the connection"), plain.stdout)

        // A name that is not this machine's (reached at the loopback address): warned, with the sslmode to use.
        let unverified = try dry("host=pg.example.test hostaddr=127.0.0.1 \(tcp) sslmode=require")
        XCTAssertTrue(unverified.stdout.contains("server certificate NOT verified (sslmode=require), to pg.example.test"), unverified.stdout)
        XCTAssertTrue(
            unverified.stdout.contains("  warning: the connection to pg.example.test is encrypted but the server's certificate is not verified"),
            unverified.stdout)
        let clear = try dry("host=pg.example.test hostaddr=127.0.0.1 \(tcp) sslmode=disable")
        XCTAssertTrue(clear.stdout.contains("  warning: the connection to pg.example.test is not encrypted"), clear.stdout)
        XCTAssertTrue(clear.stdout.contains("add sslmode=verify-full (and sslrootcert=CA-FILE) to --target"), clear.stdout)

        // The import says it too: in its summary, and the warning on stderr.
        let imported = try env.tool("mlflow-import", [rich, "--target", "host=pg.example.test hostaddr=127.0.0.1 \(tcp) sslmode=require"])
        expect(imported, 0, stderr: "warning: the connection to pg.example.test is encrypted but the server's certificate is not verified")
        XCTAssertTrue(imported.stdout.contains("  connection: encrypted (TLSv1."), imported.stdout)
    }
}
