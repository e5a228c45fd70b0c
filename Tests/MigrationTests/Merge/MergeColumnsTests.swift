import MLflowSchema
import XCTest

@testable import Migration

/// Where a merge finds experiment ids, serial ids and model names, read from each revision's keys.
final class MergeColumnsTests: XCTestCase {
    /// MLflow 3.18: every column holding an experiment id, by foreign key or by name, follows experiments.
    func testEveryExperimentIdColumnOf318FollowsExperiments() throws {
        let schema = try XCTUnwrap(SchemaCatalog.embedded.revision("f4a9b2c7d1e6"))
        let columns = MergeColumns(schema)
        let holders = columns.experimentColumns.map { "\($0.table).\($0.column)" }
        XCTAssertEqual(holders.first, "experiments.experiment_id")
        let expected = schema.tables.filter { $0.column("experiment_id") != nil }.map { "\($0.name).experiment_id" }.sorted()
        XCTAssertEqual(holders.sorted(), expected)
        XCTAssertEqual(columns.textReferences.map(\.idColumn), ["source_id", "destination_id"])
        // The rollups' ids come from their own sequences and nothing refers to them.
        let rollup = try XCTUnwrap(columns.sequenceHolders.first { $0.sequence.table == "sql_assessment_daily_rollups" })
        XCTAssertEqual(rollup.columns.map(\.column), ["id"])
    }

    /// Registered models: the tables naming a model, with the workspace and version columns of 3.x.
    func testModelReferencesCarryNameWorkspaceAndVersion() throws {
        let schema = try XCTUnwrap(SchemaCatalog.embedded.revision("f4a9b2c7d1e6"))
        let refs = Dictionary(uniqueKeysWithValues: MergeColumns(schema).modelReferences.map { ($0.table, $0) })
        XCTAssertEqual(
            Set(refs.keys), ["registered_models", "model_versions", "model_version_tags", "registered_model_aliases", "registered_model_tags"])
        XCTAssertEqual(refs["model_versions"]?.version, "version")
        XCTAssertEqual(refs["model_version_tags"]?.version, "version")
        XCTAssertEqual(refs["registered_model_aliases"]?.version, "version")
        XCTAssertNil(refs["registered_model_tags"]?.version)
        XCTAssertEqual(refs["model_versions"]?.workspace, "workspace")
        // MLflow 2.9.2: no workspaces.
        let old = try XCTUnwrap(SchemaCatalog.embedded.revision("acf3f17fdcc7"))
        XCTAssertEqual(MergeColumns(old).modelReferences.count, 5)
        XCTAssertTrue(MergeColumns(old).modelReferences.allSatisfy { $0.workspace == nil })
    }

    /// MLflow 1.0 has no registry; its experiment ids are in runs and experiments only.
    func testMLflow10() throws {
        let schema = try XCTUnwrap(SchemaCatalog.embedded.revision("90e64c465722"))
        let columns = MergeColumns(schema)
        XCTAssertTrue(columns.modelReferences.isEmpty)
        XCTAssertEqual(columns.experimentColumns.map { "\($0.table).\($0.column)" }, ["experiments.experiment_id", "runs.experiment_id"])
    }

    /// A renamed name is the first form not taken.
    func testRenamedNames() {
        XCTAssertEqual(NameConflictPolicy.renamed("exp", from: "/data/laptop.db") { _ in false }, "exp (merged from laptop.db)")
        let taken: Set = ["exp (merged from laptop.db)", "exp (merged from laptop.db, 2)"]
        XCTAssertEqual(NameConflictPolicy.renamed("exp", from: "laptop.db") { taken.contains($0) }, "exp (merged from laptop.db, 3)")
    }

    /// Map values reach PostgreSQL as array literals: quotes, backslashes and NULL survive.
    func testArrayLiterals() {
        XCTAssertEqual(NameBook.arrayLiteral(["a", nil, "b\"c", "d\\e", ""]), #"{"a",NULL,"b\"c","d\\e",""}"#)
    }

    /// Unique indexes count as keys a merged row could collide on.
    func testUniqueIndexesAreParsed() throws {
        let schema = try XCTUnwrap(SchemaCatalog.embedded.revision("f4a9b2c7d1e6"))
        let scorers = schema.uniqueIndexes.first { $0.table == "scorers" }
        XCTAssertEqual(scorers?.columns, ["experiment_id", "scorer_name"])
    }
}
