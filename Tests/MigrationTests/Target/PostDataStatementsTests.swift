import MLflowSchema
import XCTest

@testable import Migration

/// The key and index build runs the captured post-data DDL one statement at a time (for progress).
final class PostDataStatementsTests: XCTestCase {
    func testEveryRevisionSplitsIntoItsStatements() throws {
        for entry in SchemaCatalog.embedded.entries {
            let schema = try XCTUnwrap(SchemaCatalog.embedded.revision(entry.revision))
            let statements = schema.postDataStatements(hypertable: false)
            // Nothing lost: the statements are the DDL, whitespace aside.
            func squeezed(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            XCTAssertEqual(squeezed(statements.joined(separator: "\n")), squeezed(schema.postDataSQL), entry.revision)
            XCTAssertTrue(statements.allSatisfy { $0.hasSuffix(";") && !$0.dropLast().contains(";\n") }, entry.revision)
            XCTAssertFalse(statements.isEmpty)
        }
    }

    func testObjectNames() {
        XCTAssertEqual(SchemaRevision.objectName("ALTER TABLE ONLY metrics\n    ADD CONSTRAINT metric_pk PRIMARY KEY (key);"), "metric_pk")
        XCTAssertEqual(SchemaRevision.objectName("CREATE INDEX index_metrics_run_uuid ON metrics USING btree (run_uuid);"), "index_metrics_run_uuid")
        XCTAssertEqual(SchemaRevision.objectName("CREATE UNIQUE INDEX IF NOT EXISTS idx ON t (c);"), "idx")
    }
}
