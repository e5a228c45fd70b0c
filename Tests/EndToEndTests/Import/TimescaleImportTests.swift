import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// `mlflow-import --timescaledb`: metrics as a compressed hypertable, in the import's transaction,
/// into an empty database and into one MLflow created; judged by MLflow 2.9.2.
///
/// The tests that need TimescaleDB skip, saying so, where the test cluster's PostgreSQL lacks it.
final class TimescaleImportTests: XCTestCase {
    static let fixture = TestEnvironment.fixture("mlflow-2.9.2/rich.db")

    func testMetricsBecomeACompressedHypertable() throws {
        let env = try TestEnvironment.require()
        let targets = ["e2e_timescale", "e2e_timescale_created"]
        defer { for db in targets { env.dropDatabase(db) } }
        for db in targets {
            _ = try env.createDatabase(db)
            try env.requireTimescaleDB(in: db)
            if db.hasSuffix("created") { _ = try env.judge("create", env.mlflowURI(db)) }
            // Chunks of a second: the fixture's points spread over several.
            let options = ["--target", env.conninfo(db), "--timescaledb", "--chunk-interval", "1s"]
            let dry = try env.tool("mlflow-import", [Self.fixture, "--dry-run"] + options)
            XCTAssertEqual(dry.status, 0, dry.stdout + dry.stderr)
            XCTAssertTrue(dry.stdout.contains("make metrics a TimescaleDB hypertable on timestamp (chunks of 1000 ms)"), dry.stdout)

            let imported = try env.tool("mlflow-import", [Self.fixture, "--verify"] + options)
            XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
            XCTAssertTrue(imported.stdout.contains("EQUAL"), imported.stdout)
            XCTAssertTrue(imported.stdout.contains("chunk(s) compressed"), imported.stdout)
            let conn = try env.admin(database: db)
            let chunks = try conn.query(
                "SELECT count(*), count(*) FILTER (WHERE is_compressed) FROM timescaledb_information.chunks WHERE hypertable_name = 'metrics'"
            ).rows.first
            XCTAssertEqual(chunks?[0], chunks?[1], "every chunk compressed")
            XCTAssertGreaterThan(Int(chunks?[0] ?? "0") ?? 0, 1)
            XCTAssertTrue(dry.stdout.contains(": \(chunks?[0] ?? "?") chunk(s)"), "the dry run predicted the chunks:\n\(dry.stdout)")
            // MLflow's keys and indexes only: no index of TimescaleDB's own.
            XCTAssertEqual(
                try conn.query(
                    "SELECT string_agg(indexname, ', ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'metrics'"
                )
                .scalar, "index_metrics_run_uuid, metric_pk")
            XCTAssertEqual(try conn.query("SELECT count(*) FROM ONLY metrics").scalar, "0")
            XCTAssertEqual(
                try conn.query(
                    "SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'metrics' AND proc_name = 'policy_compression'"
                ).scalar,
                "1")
        }
        let copy = try TestEnvironment.temporaryCopy(of: Self.fixture)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
        let uris = ["sqlite:///\(copy)"] + targets.map { env.mlflowURI($0) }
        let seen = try env.judge(batch: uris.map { ("snapshot", $0) } + uris.map { ("write", $0) }, mlflow: "2.9.2")
        for index in 1...2 {
            assertSameJSON(seen[0], seen[index], "metrics as a compressed hypertable (\(targets[index - 1]))")
            assertSameJSON(seen[3], seen[3 + index], "metrics as a compressed hypertable, MLflow writing (\(targets[index - 1]))")
        }
    }

    /// A load that fails after metrics became a hypertable leaves the target as it was: no
    /// hypertable, job or function of the import's.
    func testAFailedLoadTakesTheHypertableBack() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_timescale_rollback"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        try env.requireTimescaleDB(in: db)
        let copy = try TestEnvironment.temporaryCopy(of: Self.fixture)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
        // SQLite does not enforce MLflow's foreign keys; PostgreSQL refuses the row when the key is built.
        try env.sqlite(copy, "INSERT INTO params (key, value, run_uuid) VALUES ('orphan', 'x', 'no-such-run')")
        let conn = try env.admin(database: db)
        let before = try targetFingerprint(conninfo)
        let failed = try env.tool("mlflow-import", [copy, "--target", conninfo, "--timescaledb", "--progress", "json"])
        XCTAssertEqual(failed.status, 1, failed.stdout + failed.stderr)
        XCTAssertTrue(failed.stderr.contains("making metrics a TimescaleDB hypertable"), failed.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), before)
        XCTAssertEqual(try conn.query("SELECT count(*) FROM timescaledb_information.hypertables").scalar, "0")
        XCTAssertEqual(try conn.query("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name IS NOT NULL").scalar, "0")
        XCTAssertEqual(try conn.query("SELECT count(*) FROM pg_proc WHERE proname = 'mlflow_pg_migrate_metrics_now'").scalar, "0")
    }

    /// Without the extension in the target database: refused before anything is written, with the statement to run.
    func testRefusedWithoutTheExtension() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_timescale_missing"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let refused = try env.tool("mlflow-import", [Self.fixture, "--target", conninfo, "--timescaledb"])
        XCTAssertEqual(refused.status, 5, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("CREATE EXTENSION timescaledb"), refused.stderr)
        XCTAssertEqual(try targetFingerprint(conninfo), "")
        let dry = try env.tool("mlflow-import", [Self.fixture, "--target", conninfo, "--timescaledb", "--dry-run"])
        XCTAssertEqual(dry.status, 1, dry.stdout + dry.stderr)
        XCTAssertTrue(dry.stdout.contains("CREATE EXTENSION timescaledb"), dry.stdout)
        let usage = try env.tool("mlflow-import", [Self.fixture, "--target", conninfo, "--chunk-interval", "1d"])
        XCTAssertEqual(usage.status, 2, usage.stdout + usage.stderr)
    }
}
