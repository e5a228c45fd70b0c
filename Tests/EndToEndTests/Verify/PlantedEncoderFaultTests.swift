#if DEBUG
import Foundation
import XCTest

@testable import Migration

/// mlflow-verify does not share the importer's encoder, so it finds a fault planted in the encoder.
///
/// With a fault planted in one conversion of the encoder (`RowEncoder.PlantedFault`, debug builds
/// only), an import loads wrong values and verify, run by the same faulty build, names the table
/// and the column. One fault per PostgreSQL type
/// of the schema map, each in a 3.17.2 store; before verify had its own decoder, every one passed.
final class PlantedEncoderFaultTests: XCTestCase {
    /// Per PostgreSQL type: a column of the 3.17.2 fixture that holds values of it.
    static let columns: [(type: String, table: String, column: String)] = [
        ("integer", "trace_info", "db_payload_generation"),
        ("bigint", "runs", "start_time"),
        ("double precision", "metrics", "value"),
        ("boolean", "assessments", "valid"),
        ("character varying", "params", "value"),
        ("text", "spans", "content"),
        ("json", "evaluation_dataset_records", "inputs"),
        ("date", "sql_trace_rollup_rebuild_queue", "rollup_day"),
        ("bytea", "secrets", "encrypted_value"),
    ]

    /// The 3.17.2 fixture with a row in the tables that hold its only `date` and `bytea` columns,
    /// which MLflow's client API does not write (server-side rollups, the gateway's secrets).
    func store() throws -> String {
        let env = try TestEnvironment.require()
        let source = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-3.17.2/rich.db"))
        try env.sqlite(
            source,
            """
            INSERT INTO sql_trace_rollup_rebuild_queue (experiment_id, rollup_day, rollup_family) VALUES (0, '2026-11-29', 'trace'), (0, '1999-12-31', 'trace');
            INSERT INTO secrets (secret_id, secret_name, encrypted_value, wrapped_dek, kek_version, masked_value, created_at, last_updated_at)
            VALUES ('5ec4e7-0000-4000-8000-000000000001', 'openai', x'00ff10203040', x'deadbeef', 1, 'sk-...abcd', 1764374400000, 1764374400000);
            """)
        return source
    }

    func testTheSoundEncoderVerifiesEqualOnEveryType() throws {
        let env = try TestEnvironment.require()
        let source = try store()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: source).deletingLastPathComponent().path) }
        let conninfo = try env.createDatabase("e2e_planted_none")
        defer { env.dropDatabase("e2e_planted_none") }
        _ = try Importer(sourcePath: source, conninfo: conninfo).run()
        let report = try Verifier(sourcePath: source, conninfo: conninfo).run()
        XCTAssertTrue(report.passed, report.text)
        for (_, table, column) in Self.columns {
            let rows = try XCTUnwrap(report.checks.first { $0.check == "row_count" && $0.table == table }?.source)
            XCTAssertNotEqual(rows, "0", "\(table) must hold rows for \(column) to prove anything")
        }
    }

    func testAFaultInEachTypesConversionIsFound() throws {
        let env = try TestEnvironment.require()
        let source = try store()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: source).deletingLastPathComponent().path) }
        for (type, table, column) in Self.columns {
            let conninfo = try env.createDatabase("e2e_planted")
            defer { env.dropDatabase("e2e_planted") }
            RowEncoder.planted = .column(table: table, column: column)
            defer { RowEncoder.planted = nil }
            _ = try Importer(sourcePath: source, conninfo: conninfo).run()
            // The fault stays planted: one binary with a faulty encoder runs both steps.
            let report = try Verifier(sourcePath: source, conninfo: conninfo).run()
            XCTAssertFalse(report.passed, "\(type): a wrong \(table).\(column) passed verify")
            let content = report.checks.first { $0.check == "content" && $0.table == table }
            XCTAssertEqual(content?.passed, false, "\(type): \(table) content not flagged")
            // A changed value is named as a changed column, or, in a key column, as the rows that
            // are then missing in the target and extra in it.
            let differences = report.differences.filter { $0.table == table }
            let named = differences.flatMap(\.columns).map(\.column) + differences.filter { $0.kind != "changed" }.flatMap(\.key).map(\.column)
            XCTAssertTrue(named.contains(column), "\(type): \(table).\(column) not named among \(named)\n\(report.text)")
            let others = report.checks.filter { !$0.passed && $0.table != table }
            XCTAssertTrue(others.isEmpty, "\(type): other tables flagged: \(others.map { "\($0.check) \($0.table ?? "")" })")
        }
    }

    func testAnArtifactRewriteAppliedTwiceIsFound() throws {
        let env = try TestEnvironment.require()
        let source = try store()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: source).deletingLastPathComponent().path) }
        let conninfo = try env.createDatabase("e2e_planted_rewrite")
        defer { env.dropDatabase("e2e_planted_rewrite") }
        // The new root starts with the old one, so that a second rewrite matches again.
        let map = ArtifactRootMap(rules: [.init(old: "file:///srv/mlflow/artifacts", new: "file:///srv/mlflow/artifacts/moved")])
        RowEncoder.planted = .artifactRewriteTwice
        defer { RowEncoder.planted = nil }
        _ = try Importer(sourcePath: source, conninfo: conninfo, artifactMap: map).run()
        let report = try Verifier(sourcePath: source, conninfo: conninfo, artifactMap: map).run()
        XCTAssertFalse(report.passed, report.text)
        let changed = report.differences.filter { $0.table == "experiments" }.flatMap(\.columns)
        XCTAssertTrue(
            changed.contains { $0.column == "artifact_location" && $0.target.contains("moved/moved") }, "\(changed)\n\(report.text)")
    }
}
#endif
