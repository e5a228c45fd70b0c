import Foundation
import MLflowSchema
import XCTest

/// Every captured revision's DDL applies to a real server, and the tables it creates have exactly
/// the columns, types and nullability of the schema map.
final class SchemaDDLTests: XCTestCase {
    func testEveryRevisionsDDLAppliesAndMatchesTheMap() throws {
        let env = try TestEnvironment.require()
        for revision in SchemaCatalog.embedded.revisions {
            let db = "e2e_ddl"
            _ = try env.createDatabase(db)
            defer { env.dropDatabase(db) }
            let conn = try env.admin(database: db)
            try conn.execute("BEGIN")
            try conn.execute(revision.preDataSQL)
            try conn.execute(revision.postDataSQL)
            try conn.execute("COMMIT")
            let rows = try conn.query(
                """
                SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> ''
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum
                """
            ).rows
            let fromServer = rows.map { "\($0[0]!).\($0[1]!) \($0[2]!) notnull=\($0[3]!) generated=\($0[4]!)" }
            let fromMap = revision.tables.sorted { $0.name < $1.name }.flatMap { t in
                t.columns.map { "\(t.name).\($0.name) \($0.pgType) notnull=\($0.nullable ? "f" : "t") generated=\($0.generated ? "t" : "f")" }
            }
            XCTAssertEqual(fromServer, fromMap, revision.revision)
            let sequences = try conn.query("SELECT relname FROM pg_class WHERE relkind = 'S' ORDER BY 1").rows.map { $0[0]! }
            XCTAssertEqual(sequences, revision.sequences.map(\.name).sorted(), revision.revision)
        }
    }
}
