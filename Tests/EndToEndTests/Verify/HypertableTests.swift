import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// mlflow-verify on TimescaleDB: a hypertable's rows live in its chunks, compressed or not, and
/// verify reads them there (`COPY table TO` reads the parent table only).
///
/// Skipped, saying so, where the test cluster's PostgreSQL has no TimescaleDB.
final class HypertableTests: XCTestCase {
    func testVerifyReadsAHypertableAndItsCompressedChunks() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_hypertable"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        try env.requireTimescaleDB(in: db)
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let imported = try env.tool("mlflow-import", [source, "--target", conninfo, "--verify"])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)

        // What a TimescaleDB user does first: metrics as a hypertable on its millisecond timestamps,
        // in chunks of a second so that the fixture's points spread over several.
        let conn = try env.admin(database: db)
        try conn.execute("SELECT create_hypertable('metrics', by_range('timestamp', 1000), migrate_data => true)")
        let chunks = Int(try conn.query("SELECT count(*) FROM show_chunks('metrics')").scalar ?? "0") ?? 0
        XCTAssertGreaterThan(chunks, 1)
        XCTAssertEqual(try conn.query("SELECT count(*) FROM ONLY metrics").scalar, "0", "the rows moved into the chunks")
        let plain = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertEqual(plain.status, 0, plain.stdout + plain.stderr)

        try conn.execute(
            "ALTER TABLE metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'run_uuid, key', timescaledb.compress_orderby = 'step, timestamp')"
        )
        try conn.execute("SELECT compress_chunk(c) FROM show_chunks('metrics') c")
        let compressed = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertEqual(compressed.status, 0, compressed.stdout + compressed.stderr)

        // A point missing from a compressed chunk is found and named.
        let victim = try XCTUnwrap(try conn.query("SELECT run_uuid, key, step FROM metrics ORDER BY run_uuid, key, step LIMIT 1").rows.first)
        try conn.execute("DELETE FROM metrics WHERE run_uuid = '\(victim[0]!)' AND key = '\(victim[1]!)' AND step = \(victim[2]!)")
        let differs = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertEqual(differs.status, 1, differs.stdout + differs.stderr)
        XCTAssertTrue(differs.stdout.contains("run_uuid=\(victim[0]!) key=\(victim[1]!)"), differs.stdout)
    }

    /// A target MLflow created whose metrics the user made a compressed hypertable before the
    /// import: the dry run and the import take it as MLflow-created and unused, and verify agrees.
    func testMLflowCreatedTargetWithAHypertableBeforeTheImport() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_hypertable_created"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        try env.requireTimescaleDB(in: db)
        _ = try env.judge("create", env.mlflowURI(db))
        let conn = try env.admin(database: db)
        try conn.execute("SELECT create_hypertable('metrics', by_range('timestamp', 1000))")
        try conn.execute("ALTER TABLE metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'run_uuid, key')")
        let source = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let dry = try env.tool("mlflow-import", [source, "--target", conninfo, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stdout + dry.stderr)
        XCTAssertTrue(dry.stdout.contains("created by MLflow at revision"), dry.stdout)
        let imported = try env.tool("mlflow-import", [source, "--target", conninfo, "--verify"])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stdout.contains("EQUAL"), imported.stdout)
        XCTAssertEqual(try conn.query("SELECT count(*) FROM ONLY metrics").scalar, "0", "the rows went into chunks")
        try conn.execute("SELECT compress_chunk(c) FROM show_chunks('metrics') c")
        let verified = try env.tool("mlflow-verify", [source, "--target", conninfo])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
    }
}
