import Foundation
import MLflowSchema
import TestSupport
import XCTest

@testable import Migration

/// Every table of every captured revision carries rows through a real import, verify and judge.
///
/// One test per revision, named after the MLflow release that judges it (the newest captured
/// release of that revision; scripts/test.sh installs each into its own virtualenv). The store is
/// written by that release through its own API (Fixtures/make_fixtures.py, which leaves out what a
/// release lacks), and `SchemaFiller` fills the tables its client API does not reach (the AI
/// gateway, scorers, jobs, webhooks, server-side rollups, ...), which brings every `date` and
/// `bytea` column and every identity sequence their end-to-end rows.
final class EveryTableTests: XCTestCase {
    /// The judging MLflow release of each revision, by test.
    ///
    /// Kept explicit so that each revision is a test of its own;
    /// `testEveryCapturedRevisionHasATest` keeps it complete.
    static let judges = [
        "1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0", "1.9.1", "1.10.0", "1.12.1", "1.14.1", "1.15.0", "1.24.0",
        "1.27.0", "1.28.0", "2.2.2", "2.3.2", "2.7.1", "2.12.2", "2.14.3", "2.16.2", "2.17.2", "2.22.5", "3.1.4", "3.2.0",
        "3.3.2", "3.4.0", "3.7.0", "3.8.1", "3.9.0", "3.10.1", "3.11.1", "3.12.0", "3.13.0", "3.14.0", "3.15.2", "3.16.1",
        "3.17.2", "3.18.0",
    ]

    func testEveryCapturedRevisionHasATest() {
        let newest = SchemaCatalog.embedded.entries.compactMap(\.mlflowVersions.last)
        XCTAssertEqual(Self.judges, newest, "add a test below for each new revision, named after its newest release")
    }

    func testMLflow1_0_0() throws { try importVerifyAndJudge(mlflow: "1.0.0") }
    func testMLflow1_1_0() throws { try importVerifyAndJudge(mlflow: "1.1.0") }
    func testMLflow1_2_0() throws { try importVerifyAndJudge(mlflow: "1.2.0") }
    func testMLflow1_3_0() throws { try importVerifyAndJudge(mlflow: "1.3.0") }
    func testMLflow1_4_0() throws { try importVerifyAndJudge(mlflow: "1.4.0") }
    func testMLflow1_5_0() throws { try importVerifyAndJudge(mlflow: "1.5.0") }
    func testMLflow1_9_1() throws { try importVerifyAndJudge(mlflow: "1.9.1") }
    func testMLflow1_10_0() throws { try importVerifyAndJudge(mlflow: "1.10.0") }
    func testMLflow1_12_1() throws { try importVerifyAndJudge(mlflow: "1.12.1") }
    func testMLflow1_14_1() throws { try importVerifyAndJudge(mlflow: "1.14.1") }
    func testMLflow1_15_0() throws { try importVerifyAndJudge(mlflow: "1.15.0") }
    func testMLflow1_24_0() throws { try importVerifyAndJudge(mlflow: "1.24.0") }
    func testMLflow1_27_0() throws { try importVerifyAndJudge(mlflow: "1.27.0") }
    func testMLflow1_28_0() throws { try importVerifyAndJudge(mlflow: "1.28.0") }
    func testMLflow2_2_2() throws { try importVerifyAndJudge(mlflow: "2.2.2") }
    func testMLflow2_3_2() throws { try importVerifyAndJudge(mlflow: "2.3.2") }
    func testMLflow2_7_1() throws { try importVerifyAndJudge(mlflow: "2.7.1") }
    func testMLflow2_12_2() throws { try importVerifyAndJudge(mlflow: "2.12.2") }
    func testMLflow2_14_3() throws { try importVerifyAndJudge(mlflow: "2.14.3") }
    func testMLflow2_16_2() throws { try importVerifyAndJudge(mlflow: "2.16.2") }
    func testMLflow2_17_2() throws { try importVerifyAndJudge(mlflow: "2.17.2") }
    func testMLflow2_22_5() throws { try importVerifyAndJudge(mlflow: "2.22.5") }
    func testMLflow3_1_4() throws { try importVerifyAndJudge(mlflow: "3.1.4") }
    func testMLflow3_2_0() throws { try importVerifyAndJudge(mlflow: "3.2.0") }
    func testMLflow3_3_2() throws { try importVerifyAndJudge(mlflow: "3.3.2") }
    func testMLflow3_4_0() throws { try importVerifyAndJudge(mlflow: "3.4.0") }
    func testMLflow3_7_0() throws { try importVerifyAndJudge(mlflow: "3.7.0") }
    func testMLflow3_8_1() throws { try importVerifyAndJudge(mlflow: "3.8.1") }
    func testMLflow3_9_0() throws { try importVerifyAndJudge(mlflow: "3.9.0") }
    func testMLflow3_10_1() throws { try importVerifyAndJudge(mlflow: "3.10.1") }
    func testMLflow3_11_1() throws { try importVerifyAndJudge(mlflow: "3.11.1") }
    func testMLflow3_12_0() throws { try importVerifyAndJudge(mlflow: "3.12.0") }
    func testMLflow3_13_0() throws { try importVerifyAndJudge(mlflow: "3.13.0") }
    func testMLflow3_14_0() throws { try importVerifyAndJudge(mlflow: "3.14.0") }
    func testMLflow3_15_2() throws { try importVerifyAndJudge(mlflow: "3.15.2") }
    func testMLflow3_16_1() throws { try importVerifyAndJudge(mlflow: "3.16.1") }
    func testMLflow3_17_2() throws { try importVerifyAndJudge(mlflow: "3.17.2") }
    func testMLflow3_18_0() throws { try importVerifyAndJudge(mlflow: "3.18.0") }

    /// Writes a store with `version`'s API, fills every table left empty, imports it with --verify
    /// into an empty database and into one that MLflow created, and has that MLflow compare the
    /// stores and keep writing.
    private func importVerifyAndJudge(mlflow version: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let env = try TestEnvironment.require()
        let python = try env.python(mlflow: version)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-pg-every-table-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let made = try ProcessResult.run(
            python, [TestEnvironment.fixture("make_fixtures.py"), "--out", folder, "--only", "rich", "--points", "20"])
        guard made.status == 0 else {
            return XCTFail("MLflow \(version) could not write the store:\n\(made.stderr.suffix(3000))", file: file, line: line)
        }
        let store = "\(folder)/mlflow-\(version)/rich.db"
        let (sql, filled) = try SchemaFiller.sql(for: store)
        try env.sqlite(store, sql)
        let source = try SQLiteSource(path: store)
        // The release wrote its own revision (a venv that drifted would test another one).
        let expected = SchemaCatalog.embedded.entries.first { $0.mlflowVersions.last == version }?.revision
        XCTAssertEqual(source.schema.revision, expected, "MLflow \(version) wrote another revision", file: file, line: line)
        for table in source.schema.tables {
            XCTAssertGreaterThan(try source.rowCount(table), 0, "\(version): \(table.name) has no rows", file: file, line: line)
        }
        print("MLflow \(version) (\(source.schema.revision)): \(source.schema.tables.count) tables, filled by SQL: \(filled.joined(separator: ", "))")

        // Into an empty database, and (where that release can create its schema on PostgreSQL)
        // into one that release created itself.
        let name = "e2e_every_table_" + version.replacingOccurrences(of: ".", with: "_")
        var targets: [(db: String, what: String)] = [(name, "an empty database")]
        if source.schema.derivedFrom.isEmpty { targets.append((name + "_created", "a database MLflow \(version) created")) }
        defer { for target in targets { env.dropDatabase(target.db) } }
        for (index, target) in targets.enumerated() {
            let conninfo = try env.createDatabase(target.db)
            if index > 0 { _ = try env.judge("create", env.mlflowURI(target.db), mlflow: version) }
            let imported = try env.tool("mlflow-import", [store, "--target", conninfo, "--verify"])
            XCTAssertEqual(imported.status, 0, "into \(target.what): " + imported.stdout + imported.stderr, file: file, line: line)
            XCTAssertTrue(imported.stdout.contains("EQUAL"), imported.stdout, file: file, line: line)
            XCTAssertTrue(
                imported.stdout.contains(index > 0 ? "loaded into the schema MLflow created" : "created MLflow's schema"), imported.stdout,
                file: file, line: line)
        }
        // The judge gets its own copy: MLflow may touch a store it opens. What it sees, then what
        // it writes (the sequences were set from the rows: MLflow keeps writing), on every side.
        let copy = try TestEnvironment.temporaryCopy(of: store)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
        let uris = ["sqlite:///\(copy)"] + targets.map { env.mlflowURI($0.db) }
        let seen = try env.judge(batch: uris.map { ("snapshot", $0) } + uris.map { ("write", $0) }, mlflow: version)
        for (index, target) in targets.enumerated() {
            assertSameJSON(seen[0], seen[1 + index], "\(version) with every table filled, into \(target.what)", file: file, line: line)
            assertSameJSON(
                seen[uris.count], seen[uris.count + 1 + index],
                "\(version) with every table filled, into \(target.what): MLflow writing after the migration", file: file, line: line)
        }
    }
}
