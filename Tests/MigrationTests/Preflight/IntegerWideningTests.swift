import MLflowSchema
import XCTest

@testable import Migration

/// `--widen-integers` widens the columns holding larger values and every column that holds the same ids.
final class IntegerWideningTests: XCTestCase {
    /// Experiment ids: every `integer` experiment_id of MLflow 3.18, by foreign key or by name.
    func testWidenedExperimentIdsWidenEveryColumnHoldingThem() throws {
        let schema = try XCTUnwrap(SchemaCatalog.embedded.revision("f4a9b2c7d1e6"))
        let widened = IntegerWidening.columns(["experiments.experiment_id", "runs.experiment_id"], in: schema)
        let expected = schema.tables.filter { $0.column("experiment_id")?.pgType == .int4 }.map { "\($0.name).experiment_id" }.sorted()
        XCTAssertEqual(widened, expected)
        for name in [
            "trace_info.experiment_id", "assessments.experiment_id", "sql_trace_rollup_rebuild_queue.experiment_id", "logged_models.experiment_id",
        ] {
            XCTAssertTrue(widened.contains(name), name)
        }
    }

    /// A referencing column alone widens only itself; a column that is not `integer` is never widened.
    func testAReferencingColumnAloneWidensOnlyItself() throws {
        let schema = try XCTUnwrap(SchemaCatalog.embedded.revision("f4a9b2c7d1e6"))
        XCTAssertEqual(IntegerWidening.columns(["runs.experiment_id"], in: schema), ["runs.experiment_id"])
        XCTAssertEqual(IntegerWidening.columns(["metrics.timestamp", "no.such"], in: schema), [])
    }
}
