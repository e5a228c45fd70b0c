import Foundation
@testable import MLflowSchema
import XCTest

/// The schema map and `schema/` agree: the embedded copy equals the files, every column's type is
/// one the loader knows, and every table and column in the DDL is in the map and the other way round.
final class SchemaCatalogTests: XCTestCase {
    static let schemaFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schema")

    func testEmbeddedCopyEqualsSchemaFolder() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.schemaFolder.path)
            .filter { FileManager.default.fileExists(atPath: Self.schemaFolder.appendingPathComponent("\($0)/map.json").path) }
            .sorted()
        XCTAssertEqual(EmbeddedRevision.all.map(\.revision), folders, "run schema/embed.py")
        for embedded in EmbeddedRevision.all {
            let dir = Self.schemaFolder.appendingPathComponent(embedded.revision)
            XCTAssertEqual(embedded.map, try String(contentsOf: dir.appendingPathComponent("map.json"), encoding: .utf8))
            XCTAssertEqual(embedded.preData, try String(contentsOf: dir.appendingPathComponent("pre-data.sql"), encoding: .utf8))
            XCTAssertEqual(embedded.postData, try String(contentsOf: dir.appendingPathComponent("post-data.sql"), encoding: .utf8))
        }
    }

    func testMapAgreesWithPreDataDDL() throws {
        for revision in SchemaCatalog.embedded.revisions {
            let ddl = try DDLTables.parse(revision.preDataSQL)
            XCTAssertEqual(Set(ddl.keys), Set(revision.tables.map(\.name)), revision.revision)
            for table in revision.tables {
                let columns = try XCTUnwrap(ddl[table.name], table.name)
                XCTAssertEqual(columns.map(\.name), table.columns.map(\.name), table.name)
                for (parsed, column) in zip(columns, table.columns) {
                    XCTAssertEqual(parsed.type, column.pgType.description, "\(table.name).\(column.name)")
                    XCTAssertEqual(parsed.notNull, !column.nullable, "\(table.name).\(column.name)")
                }
            }
            for sequence in revision.sequences {
                XCTAssertTrue(revision.preDataSQL.contains("CREATE SEQUENCE \(sequence.name)"), sequence.name)
                XCTAssertTrue(revision.preDataSQL.contains("OWNED BY \(sequence.table).\(sequence.column)"), sequence.name)
            }
        }
    }

    func testPostDataHoldsEveryPrimaryKeyWithMLflowsNames() throws {
        let revision = try XCTUnwrap(SchemaCatalog.embedded.revision("acf3f17fdcc7"))
        for table in revision.tables {
            let columns = table.primaryKey.map { $0 == "timestamp" ? "\"timestamp\"" : $0 }.joined(separator: ", ")
            XCTAssertTrue(revision.postDataSQL.contains("PRIMARY KEY (\(columns))"), table.name)
        }
        // Names that later `mlflow db upgrade` migrations refer to.
        for name in ["metric_pk", "run_pk", "experiment_pk", "registered_model_pk", "model_version_pk",
                     "index_metrics_run_uuid", "experiments_name_key", "runs_experiment_id_fkey"] {
            XCTAssertTrue(revision.postDataSQL.contains(name), name)
        }
        XCTAssertFalse(revision.preDataSQL.contains("PRIMARY KEY"), "keys must come after the data")
        XCTAssertFalse(revision.preDataSQL.contains("public."), "DDL must apply to the target's schema")
    }

    func testRevision2_9_2() throws {
        let revision = try XCTUnwrap(SchemaCatalog.embedded.revision("acf3f17fdcc7"))
        XCTAssertEqual(revision.mlflowVersions, ["2.9.2"])
        XCTAssertEqual(revision.tables.count, 16)
        XCTAssertEqual(revision.createdRows, ["alembic_version": 1, "experiments": 1])
        XCTAssertEqual(revision.sequences, [SequenceSpec(name: "experiments_experiment_id_seq", table: "experiments", column: "experiment_id")])
        let metrics = try XCTUnwrap(revision.table("metrics"))
        XCTAssertEqual(metrics.column("value")?.pgType, .float8)
        XCTAssertEqual(metrics.column("value")?.sqliteDeclared, "FLOAT")
        XCTAssertEqual(metrics.column("is_nan")?.pgType, .bool)
        XCTAssertEqual(metrics.column("step")?.pgType, .int8)
        XCTAssertEqual(revision.table("params")?.column("value")?.pgType, .text(maxCharacters: 8000))
        XCTAssertEqual(revision.table("experiments")?.column("experiment_id")?.pgType, .int4)
        XCTAssertNil(SchemaCatalog.embedded.revision("ffffffffffff"))
    }

    func testTablesComeAfterTheTablesTheyReference() throws {
        for revision in SchemaCatalog.embedded.revisions {
            var seen: Set<String> = []
            for table in revision.tables {
                for parent in table.references { XCTAssertTrue(seen.contains(parent), "\(table.name) before \(parent)") }
                seen.insert(table.name)
            }
        }
    }

    func testReferenceCycleIsReported() {
        let a = TableSpec(name: "a", columns: [], primaryKey: [], references: ["b"])
        let b = TableSpec(name: "b", columns: [], primaryKey: [], references: ["a"])
        XCTAssertThrowsError(try SchemaRevision.referencedFirst([a, b], revision: "x")) { error in
            XCTAssertTrue("\(error)".contains("cycle"))
        }
    }
}
