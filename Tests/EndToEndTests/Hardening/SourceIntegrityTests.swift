import Foundation
import TestSupport
import XCTest

/// Damage in a store about to be retired never passes unnoticed, also where the load does not read.
final class SourceIntegrityTests: XCTestCase {
    /// One page of an index overwritten: the table scans never read it, SQLite's quick_check does.
    func testDamageInAnIndexPageRefusesTheImport() throws {
        let env = try TestEnvironment.require()
        let copy = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        let damaged = try ProcessResult.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                size = db.execute("PRAGMA page_size").fetchone()[0]
                root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_metrics_1'").fetchone()[0]
                db.close()
                with open(sys.argv[1], "r+b") as f:
                    f.seek((root - 1) * size)
                    f.write(bytes((i * 37 + 11) % 256 for i in range(size)))
                print(sqlite3.connect(sys.argv[1]).execute("PRAGMA quick_check").fetchone()[0])
                """,
                copy,
            ])
        XCTAssertEqual(damaged.status, 0, damaged.stderr)
        XCTAssertNotEqual(damaged.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "ok", "the damage did not take")
        let conninfo = try env.createDatabase("e2e_damaged_index")
        defer { env.dropDatabase("e2e_damaged_index") }
        let result = try env.tool("mlflow-import", [copy, "--target", conninfo])
        XCTAssertEqual(result.status, 3, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("mlflow-import: \(copy) is damaged; SQLite's integrity check says: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("'.recover'") && result.stderr.contains("--dry-run"), result.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "", "a damaged store was imported")
        // Verify reads the same tables as the import and finds them equal, but does not pass a damaged file.
        let imported = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let verified = try env.tool("mlflow-verify", [copy, "--target", conninfo])
        XCTAssertEqual(verified.status, 2, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stderr.hasPrefix("mlflow-verify: \(copy) is damaged; SQLite's integrity check says: "), verified.stderr)
    }
}
