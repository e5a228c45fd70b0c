import Foundation
import TestSupport
import XCTest

/// Broken and hostile files (Fixtures/make_hostile_inputs.py): each gives a clear error and its
/// documented exit code from every executable, never a crash or a hang, and writes nothing to the
/// target.
final class HostileInputTests: XCTestCase {
    /// What one executable must answer for one file: its exit code and words of its message.
    struct Expected {
        let code: Int32
        let message: String
    }

    func testEveryHostileInputIsRefusedCleanly() throws {
        let env = try TestEnvironment.require()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try ProcessResult.run("/usr/bin/env", ["python3", TestEnvironment.fixture("make_hostile_inputs.py"), dir])
        XCTAssertEqual(made.status, 0, made.stderr)
        let conninfo = try env.createDatabase("e2e_hostile")
        defer { env.dropDatabase("e2e_hostile") }
        // Verify compares with a store of the same revision, so that it gets to read the file.
        let richTarget = try env.createDatabase("e2e_hostile_rich")
        defer { env.dropDatabase("e2e_hostile_rich") }
        XCTAssertEqual(try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", richTarget]).status, 0)
        let notSQLite = "is not a usable SQLite database"
        // Per file: mlflow-import, mlflow-verify, mlflow-export.
        let cases: [(file: String, expected: [Expected])] = [
            (
                "empty.db",
                [
                    .init(code: 3, message: "no alembic_version table"), .init(code: 2, message: "no alembic_version table"),
                    .init(code: 3, message: "no alembic_version table"),
                ]
            ),
            (
                "text.db",
                [
                    .init(code: 3, message: notSQLite + " (file is not a database)"), .init(code: 2, message: notSQLite),
                    .init(code: 3, message: notSQLite),
                ]
            ),
            (
                "truncated.db",
                [
                    .init(code: 3, message: notSQLite + " (database disk image is malformed)"),
                    .init(code: 2, message: "database disk image is malformed"),
                    .init(code: 3, message: "database disk image is malformed"),
                ]
            ),
            // The damaged page is an index's: the scans of the import and verify never read it, the
            // integrity check beside them finds it.
            (
                "corrupt-page.db",
                [
                    .init(code: 3, message: "is damaged; SQLite's integrity check says: *** in database main ***; Page 203: btreeInitPage()"),
                    .init(code: 2, message: "is damaged; SQLite's integrity check says: *** in database main ***"),
                    .init(code: 3, message: "is damaged; SQLite's integrity check says: *** in database main ***"),
                ]
            ),
            (
                "not-mlflow.db",
                [
                    .init(code: 3, message: "is not an MLflow tracking store"), .init(code: 2, message: "is not an MLflow tracking store"),
                    .init(code: 3, message: "is not an MLflow tracking store"),
                ]
            ),
            (
                "missing-column.db",
                [
                    .init(code: 3, message: "params: missing column(s) value"), .init(code: 2, message: "params: missing column(s) value"),
                    .init(code: 3, message: "params: missing column(s) value"),
                ]
            ),
            (
                "extra-column.db",
                [
                    .init(code: 3, message: "params: unexpected column(s) note"), .init(code: 2, message: "params: unexpected column(s) note"),
                    .init(code: 3, message: "params: unexpected column(s) note"),
                ]
            ),
        ]
        for (file, expected) in cases {
            let path = dir + "/" + file
            let bundle = dir + "/bundle-" + file
            let runs = [
                ("mlflow-import", [path, "--target", conninfo]), ("mlflow-verify", [path, "--target", richTarget]),
                ("mlflow-export", [path, "--output", bundle]),
            ]
            for ((tool, arguments), want) in zip(runs, expected) {
                let result = try env.tool(tool, arguments)
                XCTAssertEqual(result.status, want.code, "\(tool) \(file): \(result.stderr)")
                XCTAssertTrue(result.stderr.hasPrefix("\(tool): "), "\(tool) \(file): \(result.stderr.prefix(300))")
                XCTAssertTrue(result.stderr.contains(want.message), "\(tool) \(file): expected '\(want.message)' in:\n\(result.stderr.prefix(2000))")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: bundle), "\(file): a bundle was written")
            XCTAssertEqual(try targetFingerprint(conninfo), "", "\(file): target changed")
        }

        // A value over its column's length: the import and the export refuse it by name (a bundle
        // holds nothing PostgreSQL would reject); with a policy the export leaves the row out, and
        // its bundle imports.
        let huge = dir + "/huge-value.db"
        let imported = try env.tool("mlflow-import", [huge, "--target", conninfo])
        XCTAssertEqual(imported.status, 1, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("104857600 characters, the column holds 8000"), String(imported.stderr.prefix(2000)))
        // Against a target without it, verify reads it and names the table that differs.
        let verified = try env.tool("mlflow-verify", [huge, "--target", richTarget])
        XCTAssertEqual(verified.status, 1, verified.stderr)
        XCTAssertTrue(verified.stdout.contains("FAIL params content"), String(verified.stdout.prefix(3000)))
        let exported = try env.tool("mlflow-export", [huge, "--output", dir + "/bundle-huge", "--quiet"])
        XCTAssertEqual(exported.status, 1, exported.stderr)
        XCTAssertTrue(exported.stderr.contains("104857600 characters, the column holds 8000"), String(exported.stderr.prefix(2000)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bundle-huge"), "a refused export left a bundle")
        let skipped = try env.tool(
            "mlflow-export", [huge, "--output", dir + "/bundle-huge", "--quiet", "--skip-rows", "too_long", "--reject-dir", dir + "/huge-rejects"])
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        let fromBundle = try env.tool("mlflow-import", [dir + "/bundle-huge", "--target", conninfo, "--dry-run"])
        XCTAssertEqual(fromBundle.status, 0, fromBundle.stderr)
        XCTAssertTrue(fromBundle.stdout.contains("the export left out 1 row(s) (params 1)"), String(fromBundle.stdout.prefix(3000)))
        XCTAssertEqual(try targetFingerprint(conninfo), "", "huge-value.db: target changed")

        // Hostile table names are reported, quoted, and never loaded.
        let named = try env.tool("mlflow-import", [dir + "/hostile-names.db", "--target", conninfo])
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertTrue(named.stdout.contains("not MLflow's, not loaded:") && named.stdout.contains("DROP TABLE runs"), named.stdout)
        // Escape sequences and bidi overrides in names reach no terminal raw.
        XCTAssertTrue(named.stdout.contains("esc\\u{1b}[31mred\\u{202e}evil"), named.stdout)
        XCTAssertFalse(named.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E }, named.stdout)
        let tables = try env.admin(database: "e2e_hostile").query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").scalar
        XCTAssertEqual(tables, "16")  // MLflow's 16: none of the three others
        // Verify and export read it too: equal, and the names recorded, never loaded.
        let namedVerify = try env.tool("mlflow-verify", [dir + "/hostile-names.db", "--target", conninfo])
        XCTAssertEqual(namedVerify.status, 0, namedVerify.stdout + namedVerify.stderr)
        let namedExport = try env.tool("mlflow-export", [dir + "/hostile-names.db", "--output", dir + "/bundle-names"])
        XCTAssertEqual(namedExport.status, 0, namedExport.stderr)
        let manifest = try String(contentsOfFile: dir + "/bundle-names/manifest.json", encoding: .utf8)
        XCTAssertTrue(manifest.contains("DROP TABLE runs"), manifest)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bundle-names/data/DROP TABLE runs.pgcopy"))
    }
}
