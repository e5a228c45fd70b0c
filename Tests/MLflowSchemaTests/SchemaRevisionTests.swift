import XCTest

@testable import MLflowSchema

/// The transformations of a revision that an import makes: the types a policy widens, the SQLite
/// types of a store whose schema was read from a target, and a catalog that lends it.
final class SchemaRevisionTests: XCTestCase {
    func testChangingTypesTouchesOnlyTheNamedColumns() throws {
        let revision = try XCTUnwrap(SchemaCatalog.embedded.revision("acf3f17fdcc7"))
        let widened = revision.changingTypes([("experiments", "experiment_id", .int8), ("runs", "experiment_id", .int8)])
        XCTAssertEqual(widened.table("experiments")?.column("experiment_id")?.pgType, .int8)
        XCTAssertEqual(widened.table("runs")?.column("experiment_id")?.pgType, .int8)
        XCTAssertEqual(revision.table("runs")?.column("experiment_id")?.pgType, .int4, "the original is unchanged")
        for table in revision.tables {
            for column in table.columns where !(column.name == "experiment_id" && ["experiments", "runs"].contains(table.name)) {
                XCTAssertEqual(widened.table(table.name)?.column(column.name), column, "\(table.name).\(column.name)")
            }
        }
        XCTAssertEqual(widened.tables.map(\.name), revision.tables.map(\.name))
        XCTAssertEqual(widened.postDataSQL, revision.postDataSQL)
    }

    func testDeclaringSQLiteTypesKeepsThePostgreSQLSide() throws {
        let revision = try XCTUnwrap(SchemaCatalog.embedded.revision("acf3f17fdcc7"))
        let declared = revision.declaringSQLiteTypes(["metrics": ["value": "REAL"]])
        XCTAssertEqual(declared.table("metrics")?.column("value")?.sqliteDeclared, "REAL")
        XCTAssertEqual(declared.table("metrics")?.column("value")?.pgType, .float8)
        XCTAssertEqual(declared.table("metrics")?.column("key"), revision.table("metrics")?.column("key"))
    }

    /// A schema read from a target stands in for a revision the catalog lacks, in its place in the chain.
    func testCatalogLendsARevisionReadFromATarget() throws {
        let known = try XCTUnwrap(SchemaCatalog.embedded.revision("acf3f17fdcc7"))
        let read = try SchemaRevision(
            revision: "ffffffffffff", readFromTarget: CatalogOrigin(target: "postgres@/tmp:5432/t", fingerprint: "f"), tables: known.tables,
            sequences: known.sequences,
            createdRows: known.createdRows, preDataSQL: known.preDataSQL, postDataSQL: known.postDataSQL)
        XCTAssertNil(SchemaCatalog.embedded.revision("ffffffffffff"))
        let catalog = SchemaCatalog.embedded.adding(read)
        let lent = try XCTUnwrap(catalog.revision("ffffffffffff"))
        XCTAssertEqual(lent.readFromTarget?.target, "postgres@/tmp:5432/t")
        XCTAssertEqual(lent.mlflowVersions, [])
        XCTAssertEqual(lent.tables, known.tables)
        XCTAssertEqual(catalog.entries.count, SchemaCatalog.embedded.entries.count + 1)
        XCTAssertNil(known.readFromTarget)
    }
}
