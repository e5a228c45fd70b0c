import Foundation
import PostgresTarget
import TestSupport
import XCTest

/// `mlflow-import --merge`, judged by MLflow: two stores merged into a store an MLflow server
/// created and a team then used; MLflow's client must see every source run with its own id and
/// data, every earlier run unchanged, registry entries as the policy says, and must go on writing.
final class MergeTests: XCTestCase {
    func testTwoStoresIntoAUsedStoreJudgedByMLflow2() throws {
        try mergeJudged(mlflow: "2.9.2", policy: "merge")
    }

    func testTwoStoresIntoAUsedStoreJudgedByMLflow3() throws {
        try mergeJudged(mlflow: "3.17.2", policy: "merge")
    }

    func testRenamePolicyJudgedByMLflow() throws {
        try mergeJudged(mlflow: "2.9.2", policy: "rename")
    }

    /// The fixture `rich.db` of `version` and a store a "laptop" used, into a store a "server" used.
    private func mergeJudged(mlflow version: String, policy: String) throws {
        let env = try TestEnvironment.require()
        let db = "e2e_merge"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let rich = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-\(version)/rich.db"))
        let laptop = URL(fileURLWithPath: rich).deletingLastPathComponent().appendingPathComponent("laptop.db").path
        let target = env.mlflowURI(db)
        let made = try env.judge(
            batch: [("create", target), ("use-server", target), ("use-laptop", "sqlite:///\(laptop)")], mlflow: version)
        let laptopRuns = try json(made[2])["runs"] as? [String] ?? []
        let before = try env.judge(
            batch: [("snapshot", "sqlite:///\(rich)"), ("snapshot", "sqlite:///\(laptop)"), ("snapshot", target)], mlflow: version
        ).map(json)

        let record = URL(fileURLWithPath: rich).deletingLastPathComponent().appendingPathComponent("record").path
        let merged = try env.tool(
            "mlflow-import", [rich, laptop, "--target", conninfo, "--merge", "--on-name-conflict", policy, "--record", record, "--verify"])
        XCTAssertEqual(merged.status, 0, merged.stderr + merged.stdout)
        XCTAssertTrue(merged.stdout.hasPrefix("Merged: "), merged.stdout)
        XCTAssertTrue(merged.stdout.contains("EQUAL"), merged.stdout)

        let after = try env.judge(batch: [("snapshot", target), ("write", target)], mlflow: version)
        let snapshot = try json(after[0])
        let recordJSON = try json(String(contentsOfFile: record + "/merge.json", encoding: .utf8))
        try assertMerged(sources: before[0..<2].map { $0 }, earlier: before[2], into: snapshot, policy: policy, record: recordJSON, version)
        XCTAssertEqual(laptopRuns.count, 6)
        XCTAssertTrue(after[1].contains("experiment_ids"), "MLflow could not write after the merge: \(after[1])")
        if version.hasPrefix("3.") {
            // The default workspace was not added because the target held it equal: verify requires it so.
            let conn = try env.admin(database: db)
            try conn.execute("UPDATE workspaces SET description = 'changed after the merge'")
            let changed = try env.tool("mlflow-verify", [rich, laptop, "--target", conninfo, "--merge-record", record])
            XCTAssertEqual(changed.status, 1, changed.stdout)
            XCTAssertTrue(changed.stdout.contains("FAIL workspaces rows_not_added"), changed.stdout)
        }
    }

    /// What MLflow sees after the merge against what it saw in the sources and the target before.
    private func assertMerged(
        sources: [[String: Any]], earlier: [String: Any], into after: [String: Any], policy: String, record: [String: Any], _ version: String
    ) throws {
        let afterRuns = after["runs"] as? [String: [String: Any]] ?? [:]
        let afterExperiments = after["experiments"] as? [String: [String: Any]] ?? [:]
        let renamed = Dictionary(
            uniqueKeysWithValues: (record["names"] as? [[String: Any]] ?? []).compactMap { n -> (String, String)? in
                guard n["kind"] as? String == "experiment", n["action"] as? String == "renamed" else { return nil }
                return ("\(n["source"] ?? 0)/\(n["name"] ?? "")", n["target"] as? String ?? "")
            })
        for (index, store) in ([earlier] + sources).enumerated() {
            let experiments = store["experiments"] as? [String: [String: Any]] ?? [:]
            for (id, run) in store["runs"] as? [String: [String: Any]] ?? [:] {
                guard let now = afterRuns[id] else {
                    XCTFail("\(version): run \(id) of store \(index) is not in the merged target")
                    continue
                }
                var expected = run, actual = now
                let name = experiments[run["experiment_id"] as? String ?? ""]?["name"] as? String ?? "?"
                let wanted = index == 0 ? name : renamed["\(index)/\(name)"] ?? name
                XCTAssertEqual(
                    afterExperiments[now["experiment_id"] as? String ?? ""]?["name"] as? String, wanted,
                    "\(version): run \(id) is not in experiment \(wanted)")
                expected["experiment_id"] = nil
                actual["experiment_id"] = nil
                XCTAssertTrue(
                    NSDictionary(dictionary: expected).isEqual(to: actual), "\(version): run \(id) differs after the merge:\n\(expected)\n\(actual)")
            }
        }
        let compared = ([earlier] + sources).reduce(0) { $0 + ($1["runs"] as? [String: Any] ?? [:]).count }
        XCTAssertGreaterThan(compared, 20, "\(version): too few runs to judge")
        XCTAssertEqual(afterRuns.count, compared, "\(version): runs after the merge")
        // Every table holds the earlier rows, plus each source's, minus the rows recorded as not added.
        let counts = after["raw_row_counts"] as? [String: Int] ?? [:]
        let skipped = Dictionary(grouping: record["skipped"] as? [[String: Any]] ?? [], by: { $0["table"] as? String ?? "" }).mapValues(\.count)
        for (table, rows) in counts {
            let expected = ([earlier] + sources).reduce(0) { $0 + (($1["raw_row_counts"] as? [String: Int])?[table] ?? 0) } - (skipped[table] ?? 0)
            XCTAssertEqual(rows, expected, "\(version): \(table) after the merge")
        }
        // shared-model: the server's versions, then the laptop's, numbered after them (merge), or
        // the laptop's under a new name (rename); the laptop's alias follows its version.
        let models = Dictionary(
            uniqueKeysWithValues: (after["registered_models"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0) })
        let shared = models["shared-model"]
        let versions = (shared?["versions"] as? [[String: Any]] ?? []).map { "\($0["version"] ?? "")" }
        func alias(_ model: [String: Any]?, _ name: String) -> String? {
            (model?["by_alias"] as? [String: Any])?[name].map { "\($0)" }
        }
        if policy == "merge" {
            XCTAssertEqual(versions, ["1", "2"], "\(version): shared-model versions")
            XCTAssertEqual(alias(shared, "laptop-alias"), "2")
            XCTAssertEqual(alias(shared, "server-alias"), "1")
        } else {
            XCTAssertEqual(versions, ["1"])
            XCTAssertEqual(alias(models["shared-model (merged from laptop.db)"], "laptop-alias"), "1", "\(version): the renamed model")
        }
    }

    /// The default policy refuses names the target has, lists them all, and writes nothing.
    func testConflictsAreListedAndNothingIsWritten() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_merge_refused"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let dir = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/empty.db"))
        let laptop = URL(fileURLWithPath: dir).deletingLastPathComponent().appendingPathComponent("laptop.db").path
        _ = try env.judge(
            batch: [("create", env.mlflowURI(db)), ("use-server", env.mlflowURI(db)), ("use-laptop", "sqlite:///\(laptop)")], mlflow: "2.9.2")
        let counts = try rowCounts(env, db)

        let dry = try env.tool("mlflow-import", [laptop, "--target", conninfo, "--merge", "--dry-run"])
        XCTAssertEqual(dry.status, 1, dry.stderr)
        XCTAssertTrue(dry.stdout.hasPrefix("Merge plan (dry run, nothing written)"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("experiment shared-experiment (id 2) exists in the target"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("registered model shared-model exists in the target"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("WOULD BE REFUSED"), dry.stdout)

        let record = URL(fileURLWithPath: dir).deletingLastPathComponent().appendingPathComponent("record").path
        let refused = try env.tool("mlflow-import", [laptop, "--target", conninfo, "--merge", "--record", record])
        XCTAssertEqual(refused.status, 5, refused.stderr)
        XCTAssertTrue(refused.stderr.hasPrefix("mlflow-import: the target database"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("experiment Default (id 0) exists in the target"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Nothing was written."), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: record + "/merge.json"))
        XCTAssertEqual(try rowCounts(env, db), counts, "a refused merge changed the target")
    }

    /// A prompt whose name the target has is a conflict under every policy: MLflow links traces and
    /// runs to a prompt version by name and number.
    func testPromptsWithTheTargetsNameAreConflicts() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_merge_prompt"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let dir = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-3.17.2/empty.db"))
        let laptop = URL(fileURLWithPath: dir).deletingLastPathComponent().appendingPathComponent("laptop.db").path
        _ = try env.judge(
            batch: [
                ("create", env.mlflowURI(db)), ("write", env.mlflowURI(db)), ("use-laptop", "sqlite:///\(laptop)"), ("write", "sqlite:///\(laptop)"),
            ],
            mlflow: "3.17.2")
        for policy in ["merge", "rename"] {
            let record = URL(fileURLWithPath: dir).deletingLastPathComponent().appendingPathComponent("record-\(policy)").path
            let refused = try env.tool("mlflow-import", [laptop, "--target", conninfo, "--merge", "--on-name-conflict", policy, "--record", record])
            XCTAssertEqual(refused.status, 5, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("prompt greeting exists in the target"), refused.stderr)
            XCTAssertFalse(refused.stderr.contains("registered model judge-new-model"), "\(policy) resolves a model's name: \(refused.stderr)")
        }
    }

    /// The same store merged twice (or with a copy of it, in one run) is refused, naming the runs.
    func testTheSameStoreTwiceIsRefused() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_merge_twice"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let rich = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/rich.db"))
        let copy = try TestEnvironment.temporaryCopy(of: rich)
        let base = URL(fileURLWithPath: rich).deletingLastPathComponent()
        XCTAssertEqual(try env.tool("mlflow-import", [TestEnvironment.fixture("mlflow-2.9.2/empty.db"), "--target", conninfo]).status, 0)

        let both = try env.tool("mlflow-import", [rich, copy, "--target", conninfo, "--merge", "--record", base.appendingPathComponent("r0").path])
        XCTAssertEqual(both.status, 5, both.stderr)
        XCTAssertTrue(both.stderr.contains("\(copy): 10 row(s) of runs have a (run_uuid) the target holds already"), both.stderr)
        XCTAssertTrue(both.stderr.contains("\(copy): experiment main-experiment (id 1) exists in the target"), both.stderr)

        let first = try env.tool("mlflow-import", [rich, "--target", conninfo, "--merge", "--record", base.appendingPathComponent("r1").path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let counts = try rowCounts(env, db)
        let again = try env.tool(
            "mlflow-import",
            [rich, "--target", conninfo, "--merge", "--on-name-conflict", "rename", "--record", base.appendingPathComponent("r2").path])
        XCTAssertEqual(again.status, 5, again.stderr)
        XCTAssertTrue(again.stderr.contains("10 row(s) of runs have a (run_uuid) the target holds already"), again.stderr)
        XCTAssertTrue(again.stderr.contains("was merged before"), again.stderr)
        XCTAssertEqual(try rowCounts(env, db), counts)
    }

    /// A store holding only registered models, merged twice: the second time its versions (merge)
    /// or its models (rename) are found in the target and refused, not added again.
    func testARegistryMergedTwiceIsRefused() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_merge_registry"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let empty = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/empty.db"))
        let base = URL(fileURLWithPath: empty).deletingLastPathComponent()
        let laptop = base.appendingPathComponent("laptop.db").path
        _ = try env.judge("use-laptop", "sqlite:///\(laptop)")
        try env.sqlite(
            laptop,
            """
            DELETE FROM metrics; DELETE FROM latest_metrics; DELETE FROM params; DELETE FROM tags; DELETE FROM runs;
            DELETE FROM experiment_tags; DELETE FROM experiments WHERE experiment_id > 0;
            """)
        XCTAssertEqual(try env.tool("mlflow-import", [empty, "--target", conninfo]).status, 0)
        let first = try env.tool("mlflow-import", [laptop, "--target", conninfo, "--merge", "--record", base.appendingPathComponent("r1").path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let counts = try rowCounts(env, db)
        for (policy, message) in [
            ("merge", "version(s) of registered model shared-model are in the target already"),
            ("rename", "registered model shared-model was merged before, as shared-model"),
        ] {
            let again = try env.tool(
                "mlflow-import",
                [laptop, "--target", conninfo, "--merge", "--on-name-conflict", policy, "--record", base.appendingPathComponent(policy).path])
            XCTAssertEqual(again.status, 5, again.stderr)
            XCTAssertTrue(again.stderr.contains(message), "\(policy): \(again.stderr)")
            XCTAssertEqual(try rowCounts(env, db), counts)
        }
    }

    /// mlflow-verify --merge-record names a changed merged row and notices a changed earlier row.
    func testVerifyFindsChangedRows() throws {
        let env = try TestEnvironment.require()
        let db = "e2e_merge_verify"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        let rich = TestEnvironment.fixture("mlflow-2.9.2/rich.db")
        let empty = try TestEnvironment.temporaryCopy(of: TestEnvironment.fixture("mlflow-2.9.2/empty.db"))
        let laptop = URL(fileURLWithPath: empty).deletingLastPathComponent().appendingPathComponent("laptop.db").path
        _ = try env.judge("use-laptop", "sqlite:///\(laptop)")
        XCTAssertEqual(try env.tool("mlflow-import", [laptop, "--target", conninfo]).status, 0)
        let record = URL(fileURLWithPath: empty).deletingLastPathComponent().appendingPathComponent("record").path
        let merged = try env.tool("mlflow-import", [rich, "--target", conninfo, "--merge", "--on-name-conflict", "merge", "--record", record])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        let verified = try env.tool("mlflow-verify", [rich, "--target", conninfo, "--merge-record", record, "--format", "json"])
        XCTAssertEqual(verified.status, 0, verified.stdout)

        let conn = try env.admin(database: db)
        try conn.execute(
            "UPDATE metrics SET value = value + 1 WHERE (run_uuid, key, step) IN (SELECT run_uuid, key, step FROM metrics m JOIN runs r USING (run_uuid) WHERE r.name = 'parent-run' LIMIT 1)"
        )
        let changed = try env.tool("mlflow-verify", [rich, "--target", conninfo, "--merge-record", record])
        XCTAssertEqual(changed.status, 1, changed.stdout)
        XCTAssertTrue(changed.stdout.contains("FAIL metrics content"), changed.stdout)
        XCTAssertTrue(changed.stdout.contains("metrics"), changed.stdout)

        try conn.execute(
            "UPDATE metrics SET value = value - 1 WHERE (run_uuid, key, step) IN (SELECT run_uuid, key, step FROM metrics m JOIN runs r USING (run_uuid) WHERE r.name = 'parent-run' LIMIT 1)"
        )
        try conn.execute("UPDATE params SET value = 'changed' WHERE run_uuid IN (SELECT run_uuid FROM runs WHERE name = 'laptop-run-0' LIMIT 1)")
        let earlier = try env.tool("mlflow-verify", [rich, "--target", conninfo, "--merge-record", record])
        XCTAssertEqual(earlier.status, 1, earlier.stdout)
        XCTAssertTrue(earlier.stdout.contains("FAIL params earlier_rows"), earlier.stdout)
    }

    private func rowCounts(_ env: TestEnvironment, _ db: String) throws -> [String] {
        let conn = try env.admin(database: db)
        let tables = try conn.query("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1").rows
            .compactMap { $0[0] }
        return try tables.map { "\($0) \(try conn.query("SELECT count(*) FROM \(conn.quoteIdentifier($0))").scalar ?? "?")" }
    }

    private func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}
