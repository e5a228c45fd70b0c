import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// The import leaves the planner statistics of every loaded table: MLflow's first queries after a
/// migration are planned on the real row counts, not on an empty table's guesses.
final class PlannerStatisticsTests: XCTestCase {
    /// Into an empty database and into one MLflow created (whose keys exist before the data, so
    /// that no index build counts the rows): every table with rows has column statistics.
    func testEveryLoadedTableIsAnalyzed() throws {
        let env = try TestEnvironment.require()
        for db in ["e2e_statistics", "e2e_statistics_created"] {
            let conninfo = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            if db.hasSuffix("created") { _ = try env.judge("create", env.mlflowURI(db)) }
            let imported = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo])
            XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
            let conn = try env.admin(database: db)
            // reltuples is -1 for a table never analyzed; ANALYZE of a small table counts it exactly.
            let tables = try conn.query(
                "SELECT relname, reltuples::bigint FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
            ).rows
            XCTAssertGreaterThan(tables.count, 10)
            for row in tables {
                let name = try XCTUnwrap(row[0])
                let count = try conn.query("SELECT count(*) FROM \(conn.quoteIdentifier(name))").scalar
                XCTAssertEqual(row[1], count, "\(db) \(name): planner statistics")
                if count != "0" {
                    let columns = try conn.query("SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = $1", [name]).scalar
                    XCTAssertNotEqual(columns, "0", "\(db) \(name): no column statistics")
                }
            }
        }
    }
}
