import Foundation
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
            // The damaged page is a table's: the import meets it while loading. Verify checks the
            // (empty) target before it reads any table.
            (
                "corrupt-page.db",
                [
                    .init(code: 3, message: "database disk image is malformed"),
                    .init(code: 2, message: "is not an MLflow store: schema public has no alembic_version table"),
                    .init(code: 3, message: "is damaged (PRAGMA integrity_check: *** in database main ***"),
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
                ("mlflow-import", [path, "--target", conninfo]), ("mlflow-verify", [path, "--target", conninfo]),
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

        // A value over its column's length: the import and verify refuse it by name; the export
        // writes it (a bundle holds what the store holds), and importing that bundle is refused
        // by the server, naming the column, with the target unchanged.
        let huge = dir + "/huge-value.db"
        let imported = try env.tool("mlflow-import", [huge, "--target", conninfo])
        XCTAssertEqual(imported.status, 1, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("104857600 characters, the column holds 8000"), String(imported.stderr.prefix(2000)))
        let verified = try env.tool("mlflow-verify", [huge, "--target", conninfo])
        XCTAssertEqual(verified.status, 2, verified.stderr)
        XCTAssertTrue(
            verified.stderr.hasPrefix("mlflow-verify: the target database")
                && verified.stderr.contains("is not an MLflow store: schema public has no alembic_version table"), String(verified.stderr.prefix(500))
        )
        let exported = try env.tool("mlflow-export", [huge, "--output", dir + "/bundle-huge", "--quiet"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let fromBundle = try env.tool("mlflow-import", [dir + "/bundle-huge", "--target", conninfo])
        XCTAssertEqual(fromBundle.status, 1, fromBundle.stderr)
        XCTAssertTrue(fromBundle.stderr.contains("value too long for type character varying(8000)"), String(fromBundle.stderr.prefix(2000)))
        XCTAssertEqual(try targetFingerprint(conninfo), "", "huge-value.db: target changed")

        // Hostile table names are reported, quoted, and never loaded.
        let named = try env.tool("mlflow-import", [dir + "/hostile-names.db", "--target", conninfo])
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertTrue(named.stdout.contains("not MLflow's, not loaded:") && named.stdout.contains("DROP TABLE runs"), named.stdout)
        let tables = try env.admin(database: "e2e_hostile").query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").scalar
        XCTAssertEqual(tables, "16")
    }
}
