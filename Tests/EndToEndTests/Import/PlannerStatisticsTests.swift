import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// The import leaves the planner statistics of every loaded table: MLflow's first queries after a
/// migration are planned on the real row counts, not on an empty table's guesses.
final class PlannerStatisticsTests: XCTestCase {
    func testEveryLoadedTableIsAnalyzed() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_statistics"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let imported = try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/rich.db"), "--target", conninfo])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        let conn = try env.admin(database: db)
        // reltuples is -1 for a table never analyzed; ANALYZE of a small table counts it exactly.
        let tables = try conn.query("SELECT relname, reltuples::bigint FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'")
            .rows
        XCTAssertGreaterThan(tables.count, 10)
        for row in tables {
            let name = try XCTUnwrap(row[0])
            let count = try conn.query("SELECT count(*) FROM \(conn.quoteIdentifier(name))").scalar
            XCTAssertEqual(row[1], count, "\(name): planner statistics")
        }
        XCTAssertGreaterThan(
            Int(try conn.query("SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = 'metrics'").scalar ?? "0") ?? 0, 0)
    }
}
