import MLflowSchema
import PostgresTarget
import TestSupport
import XCTest

@testable import Migration

/// `TargetCatalog` reads back, from a real server's catalog, exactly the schema map of every
/// captured revision, and its key statements drop and rebuild every key, index and foreign key.
final class TargetCatalogTests: XCTestCase {
    /// Each captured revision's DDL is created in a schema of its own and read back.
    func testEveryCapturedRevisionReadsBackAsItsMap() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_target_catalog"
        _ = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let conn = try env.admin(database: db)
        for captured in SchemaCatalog.embedded.revisions {
            let name = "r_\(captured.revision)"
            try conn.execute("CREATE SCHEMA \(name); SET search_path = \(name)")
            try conn.execute(captured.preDataSQL)
            try conn.execute(captured.postDataSQL)
            let read = try TargetCatalog.schema(conn, revision: captured.revision)
            let label = "\(captured.revision) (MLflow \(captured.mlflowVersions.joined(separator: ", ")))"

            XCTAssertEqual(read.tables.map(\.name), captured.tables.map(\.name), label)
            for (got, want) in zip(read.tables, captured.tables) {
                XCTAssertEqual(got.primaryKey, want.primaryKey, "\(label) \(want.name)")
                XCTAssertEqual(Set(got.references), Set(want.references), "\(label) \(want.name)")
                XCTAssertEqual(got.columns.map(\.name), want.columns.map(\.name), "\(label) \(want.name)")
                for (c, w) in zip(got.columns, want.columns) {
                    XCTAssertEqual(
                        [c.pgType.description, "\(c.nullable)", "\(c.generated)", "\(c.identity)"],
                        [w.pgType.description, "\(w.nullable)", "\(w.generated)", "\(w.identity)"], "\(label) \(want.name).\(w.name)")
                }
            }
            XCTAssertEqual(read.sequences.sorted { $0.name < $1.name }, captured.sequences.sorted { $0.name < $1.name }, label)
            XCTAssertEqual(sorted(read.checks), sorted(captured.checks), label)
            XCTAssertEqual(sorted(read.foreignKeys), sorted(captured.foreignKeys), label)
            XCTAssertEqual(sorted(read.uniqueKeys), sorted(captured.uniqueKeys), label)
            XCTAssertEqual(read.readFromTarget?.target, conn.displayName, label)

            // Dropped, nothing is left; rebuilt from the read definitions, everything is back.
            let before = try keyDefinitions(conn, schema: name)
            XCTAssertFalse(before.isEmpty, label)
            for statement in try TargetCatalog.keys(conn, [name]).drop { try conn.execute(statement) }
            XCTAssertEqual(try keyDefinitions(conn, schema: name), [], "\(label): left after dropping")
            try conn.execute(read.postDataSQL)
            XCTAssertEqual(try keyDefinitions(conn, schema: name), before, "\(label): rebuilt")
            try conn.execute("DROP SCHEMA \(name) CASCADE")
        }
    }

    private func sorted<T>(_ values: [T]) -> [String] { values.map { "\($0)" }.sorted() }

    /// Every constraint (CHECKs and NOT NULL aside) and index of a schema's tables, sorted.
    private func keyDefinitions(_ conn: PGConnection, schema: String) throws -> [String] {
        try conn.query(
            """
            SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND k.contype NOT IN ('c', 'n')
            UNION ALL
            SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
            ORDER BY 1
            """, [schema]
        ).rows.map { $0[0] ?? "" }
    }
}
