import MLflowSchema
import PostgresTarget
import SQLite
import XCTest

@testable import Migration

/// The pre-flight over the problem fixtures (Fixtures/make_problem_fixtures.py), without a server,
/// and the encoder refusing exactly the cells the pre-flight lists under the encoder's rules.
final class PreflightTests: XCTestCase {
    let problems = Repository.fixture("problems/mlflow-2.9.2-problems.db")

    func testFindsEveryKindWhereTheFixturePutIt() throws {
        let result = try Preflight(source: try SQLiteSource(path: problems)).run()
        let all = try result.summary(listing: .max).listed
        let found = Set(all.map { "\($0.kind.rawValue) \($0.table).\($0.column ?? "")" })
        for expected in [
            "too_long experiments.name", "too_long runs.artifact_uri", "too_long model_versions.source",
            "too_long registered_models.description", "nul_character params.value", "nul_character tags.value",
            "invalid_utf8 tags.value", "integer_range model_versions.version", "storage_class metrics.step",
            "not_null params.value", "boolean metrics.is_nan", "check_violation runs.status",
            "orphan params.run_uuid", "duplicate_key params.key, run_uuid",
        ] {
            XCTAssertTrue(found.contains(expected), "\(expected) not among:\n\(found.sorted().joined(separator: "\n"))")
        }
        XCTAssertEqual(result.integrity, ["ok"])
        let tooLong = try XCTUnwrap(all.first { $0.kind == .tooLong && $0.table == "experiments" })
        XCTAssertEqual(tooLong.length, 300)
        XCTAssertEqual(tooLong.limit, 256)
        XCTAssertEqual(result.longest["experiments.name"], 300)
        let nul = try XCTUnwrap(all.first { $0.kind == .nulCharacter && $0.table == "params" })
        XCTAssertTrue(nul.line.hasPrefix("table params, row (key="), nul.line)
        XCTAssertTrue(nul.line.hasSuffix("NUL (U+0000) character, which PostgreSQL text cannot store: 'before\\0after'"), nul.line)
    }

    func testInvalidJSON() throws {
        let result = try Preflight(source: try SQLiteSource(path: Repository.fixture("problems/mlflow-3.17.2-invalid-json.db"))).run()
        XCTAssertEqual(try result.summary(listing: .max).listed.map(\.kind), [.invalidJSON])
    }

    /// Every row the encoder refuses is a row the pre-flight lists under the same kind and column,
    /// and every encoder-rule problem the pre-flight lists is refused by the encoder.
    func testEncoderRefusesWhatThePreflightListsUnderTheEncodersRules() throws {
        let source = try SQLiteSource(path: problems)
        let listed = try Preflight(source: source).run().summary(listing: .max).listed
        let encoderKinds: Set<Problem.Kind> = [.notNull, .storageClass, .integerRange, .boolean, .nulCharacter, .date]
        var refused: Set<String> = []
        for table in source.schema.tables {
            let encoder = RowEncoder(path: problems, table: table)
            let buffer = BinaryTupleBuffer()
            let stmt = try source.scan(table)
            let rowid = Int32(table.loadedColumns.count)
            while try source.step(stmt, table) {
                buffer.removeAll()
                do {
                    try encoder.encode(stmt, into: buffer)
                } catch MigrationError.rejectedValue(_, let name, _, let column, _, _) {
                    refused.insert("\(name) \(stmt.int64(rowid)) \(column)")
                }
            }
        }
        // The encoder stops at a row's first fault; the pre-flight lists every one.
        let firstPerRow = Dictionary(grouping: listed.filter { encoderKinds.contains($0.kind) }, by: { "\($0.table) \($0.rowid)" })
            .mapValues { problems in
                problems.min { a, b in
                    let columns = source.schema.table(a.table)!.loadedColumns.map(\.name)
                    return columns.firstIndex(of: a.column!)! < columns.firstIndex(of: b.column!)!
                }!
            }
        XCTAssertEqual(refused, Set(firstPerRow.values.map { "\($0.table) \($0.rowid) \($0.column!)" }))
        XCTAssertGreaterThanOrEqual(refused.count, 5)
    }

    /// Leaving out the run whose status breaks the CHECK also leaves out what references it.
    func testLeftOutRowsCascadeAlongForeignKeys() throws {
        // A copy with a param and a tag of the PAUSED run, so that the cascade has children to follow.
        let copy = try Repository.copy(
            of: "problems/mlflow-2.9.2-problems.db",
            changedBy: [
                "INSERT INTO params VALUES ('child_of_paused', 'x', 'pausedrun0000000000000000000000a')",
                "INSERT INTO tags VALUES ('child_tag', 'y', 'pausedrun0000000000000000000000a')",
            ])
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let source = try SQLiteSource(path: copy)
        let result = try Preflight(source: source).run()
        let left = try LeftOutRows.choose(from: result.problems, policy: RejectPolicy(skip: [.check]), source: source)
        let run = try XCTUnwrap(try result.summary(listing: .max, kinds: [.check]).listed.first)
        XCTAssertEqual(left, ["runs": 1, "params": 1, "tags": 1])
        XCTAssertEqual(try scratch(source, "SELECT row FROM temp.mlflow_pg_left_out WHERE tbl = 'runs'"), [["\(run.rowid)"]])
        let cascaded = try scratch(
            source,
            "SELECT p.tbl, p.detail FROM temp.mlflow_pg_problems p JOIN temp.mlflow_pg_left_out l ON l.tbl = p.tbl AND l.row = p.row"
                + " WHERE p.kind = 'references_left_out_row' ORDER BY p.tbl")
        XCTAssertEqual(cascaded.map { $0[0] }, ["params", "tags"])
        for row in cascaded { XCTAssertTrue(row[1]?.hasPrefix("references a row of runs") ?? false, "\(row)") }
        // The reads leave them out.
        XCTAssertEqual(try rows(source, "runs"), try source.rowCount(source.schema.table("runs")!) - 1)
        // Nothing is left out for a kind that is not skipped.
        let fresh = try SQLiteSource(path: copy)
        let again = try Preflight(source: fresh).run()
        XCTAssertEqual(try LeftOutRows.choose(from: again.problems, policy: RejectPolicy(widenTooLong: true), source: fresh), [:])
    }

    /// Problems and left-out rows live in the scratch database, not in memory: the log holds
    /// counts, and a summary lists at most what it is asked for while counting every problem.
    func testProblemsAreCountedInFullAndListedUpToTheLimit() throws {
        let source = try SQLiteSource(path: problems)
        let result = try Preflight(source: source).run()
        let all = try result.summary(listing: .max)
        XCTAssertGreaterThan(all.total, 3)
        XCTAssertEqual(all.listed.count, all.total)
        let few = try result.summary(listing: 2)
        XCTAssertEqual(few.listed.map(\.line), all.listed.prefix(2).map(\.line))
        XCTAssertEqual(few.total, all.total)
        XCTAssertEqual(few.counts, all.counts)
        XCTAssertEqual(few.groups.map(\.rows).reduce(0, +), all.total)
        XCTAssertEqual(try scratch(source, "SELECT count(*) FROM temp.mlflow_pg_problems"), [["\(all.total)"]])
        let orphans = try result.summary(listing: 1, kinds: [.orphan])
        XCTAssertEqual(orphans.total, all.counts[.orphan])
        XCTAssertEqual(orphans.listed.map(\.kind), [.orphan])
    }

    private func scratch(_ source: SQLiteSource, _ sql: String) throws -> [[String?]] {
        try source.db.rows(sql)
    }

    private func rows(_ source: SQLiteSource, _ table: String) throws -> Int {
        let reader = try source.canonicalRows(source.schema.table(table)!)
        var n = 0
        while try reader.next() != nil { n += 1 }
        return n
    }
}
