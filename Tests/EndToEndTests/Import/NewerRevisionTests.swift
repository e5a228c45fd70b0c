import Foundation
import MLflowSchema
import PostgresTarget
import TestSupport
import XCTest

@testable import Migration

/// A store of a revision newer than the build, into a database MLflow of that revision created:
/// the schema is read from the target's catalog, and the import, the dry run and mlflow-verify
/// work as for a captured revision.
///
/// The build is made to predate MLflow 3.18.0 by hiding its revision (`SchemaCatalog.hideVariable`);
/// MLflow 3.18.0 writes the store and creates the target, and judges the result.
final class NewerRevisionTests: XCTestCase {
    static let version = "3.18.0"
    static let revision = "f4a9b2c7d1e6"
    let hidden = [SchemaCatalog.hideVariable: revision]

    /// Writes a 3.18.0 store with every table holding rows.
    private func store(_ env: TestEnvironment) throws -> String {
        let python = try env.python(mlflow: Self.version)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-pg-newer-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let made = try ProcessResult.run(
            python, [TestEnvironment.fixture("make_fixtures.py"), "--out", folder, "--only", "rich", "--points", "20"])
        guard made.status == 0 else { throw XCTSkip("MLflow \(Self.version) could not write the store:\n\(made.stderr.suffix(3000))") }
        let store = "\(folder)/mlflow-\(Self.version)/rich.db"
        try env.sqlite(store, try SchemaFiller.sql(for: store).sql)
        return store
    }

    func testNewerStoreLoadsIntoTheTargetItsMLflowCreated() throws {
        let env = try TestEnvironment.require()
        let store = try store(env)
        let db = "e2e_newer", reference = "e2e_newer_reference"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        _ = try env.judge("create", env.mlflowURI(db), mlflow: Self.version)

        // The build does not know the revision: without the target's schema it refuses.
        let refused = try env.tool("mlflow-import", [store, "--target", env.conninfo("postgres"), "--dry-run"], environment: hidden)
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        for text in ["f4a9b2c7d1e6", "needs a newer mlflow-pg-migrate", "an MLflow server of that release created", "has no MLflow schema"] {
            XCTAssertTrue(refused.stderr.contains(text), "expected '\(text)' in:\n\(refused.stderr)")
        }

        let dry = try env.tool("mlflow-import", [store, "--target", conninfo, "--dry-run"], environment: hidden)
        XCTAssertEqual(dry.status, 0, dry.stdout + dry.stderr)
        for text in ["WOULD SUCCEED", "newer than this build", "read from the catalog of", "created by MLflow at revision f4a9b2c7d1e6, unused"] {
            XCTAssertTrue(dry.stdout.contains(text), "expected '\(text)' in:\n\(dry.stdout)")
        }

        // What the import reads from the target MLflow made is what the build captured from MLflow.
        let captured = try XCTUnwrap(SchemaCatalog.embedded.revision(Self.revision))
        let read = try TargetCatalog.schema(PGConnection(conninfo: conninfo, applicationName: "e2e"), revision: Self.revision)
        XCTAssertEqual(read.tables.map(\.name), captured.tables.map(\.name))
        for (got, want) in zip(read.tables, captured.tables) {
            XCTAssertEqual(got.primaryKey, want.primaryKey, want.name)
            XCTAssertEqual(
                got.columns.map { "\($0.name) \($0.pgType) \($0.nullable) \($0.generated) \($0.identity)" },
                want.columns.map { "\($0.name) \($0.pgType) \($0.nullable) \($0.generated) \($0.identity)" }, want.name)
        }
        XCTAssertEqual(read.sequences.sorted { $0.name < $1.name }, captured.sequences.sorted { $0.name < $1.name })
        for (got, want) in [
            (read.checks.map { "\($0)" }, captured.checks.map { "\($0)" }), (read.foreignKeys.map { "\($0)" }, captured.foreignKeys.map { "\($0)" }),
            (read.uniqueKeys.map { "\($0)" }, captured.uniqueKeys.map { "\($0)" }),
        ] {
            XCTAssertEqual(got.sorted(), want.sorted())
        }
        let keysBefore = try keyDefinitions(PGConnection(conninfo: conninfo, applicationName: "e2e"))
        let imported = try env.tool("mlflow-import", [store, "--target", conninfo, "--verify", "--progress", "json"], environment: hidden)
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        for text in ["newer than this build: MLflow's schema read from the target's catalog", "loaded into the schema MLflow created", "EQUAL"] {
            XCTAssertTrue(imported.stdout.contains(text), "expected '\(text)' in:\n\(imported.stdout)")
        }
        XCTAssertTrue(imported.stderr.contains("dropping the target's keys"), imported.stderr)
        // The keys and indexes were rebuilt from their own definitions: the same as MLflow made them,
        // and the same as the build's own DDL for that revision makes them in an empty database.
        let keysAfter = try keyDefinitions(PGConnection(conninfo: conninfo, applicationName: "e2e"))
        assertSameKeys(keysAfter, keysBefore, "rebuilt from the target's own definitions")
        let referenceInfo = try env.createDatabase(reference)
        defer { env.dropDatabase(reference) }
        let known = try env.tool("mlflow-import", [store, "--target", referenceInfo])
        XCTAssertEqual(known.status, 0, known.stdout + known.stderr)
        // CHECKs aside: the server prints a CHECK that pg_dump's text created differently from one alembic created.
        assertSameKeys(
            try keyDefinitions(PGConnection(conninfo: referenceInfo, applicationName: "e2e")).filter { !$0.contains(" CHECK (") },
            keysAfter.filter { !$0.contains(" CHECK (") }, "the build's DDL vs MLflow's")

        let verified = try env.tool("mlflow-verify", [store, "--target", conninfo, "--format", "json"], environment: hidden)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stdout.contains("\"schema\" : \"target_catalog\""), verified.stdout)

        let copy = try TestEnvironment.temporaryCopy(of: store)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path) }
        let uris = ["sqlite:///\(copy)", env.mlflowURI(db)]
        let seen = try env.judge(batch: uris.map { ("snapshot", $0) } + uris.map { ("write", $0) }, mlflow: Self.version)
        assertSameJSON(seen[0], seen[1], "a \(Self.version) store through a schema read from the target")
        assertSameJSON(seen[2], seen[3], "a \(Self.version) store through a schema read from the target: MLflow writing after the migration")

        // Now used: a second import is refused.
        let again = try env.tool("mlflow-import", [store, "--target", conninfo], environment: hidden)
        XCTAssertEqual(again.status, 5, again.stdout + again.stderr)
        XCTAssertTrue(again.stderr.contains("already hold data"), again.stderr)
    }

    /// A row the rebuilt foreign keys refuse rolls everything back: rows, keys and indexes as MLflow made them.
    func testFailedLoadLeavesTheTargetAsMLflowMadeIt() throws {
        let env = try TestEnvironment.require()
        let store = try store(env)
        // SQLite does not enforce MLflow's foreign keys; PostgreSQL does, when the key is rebuilt.
        try env.sqlite(store, "INSERT INTO params (key, value, run_uuid) VALUES ('orphan', 'x', 'no-such-run')")
        let db = "e2e_newer_rollback"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        _ = try env.judge("create", env.mlflowURI(db), mlflow: Self.version)
        let before = try targetFingerprint(conninfo)
        let failed = try env.tool("mlflow-import", [store, "--target", conninfo, "--progress", "json"], environment: hidden)
        XCTAssertEqual(failed.status, 1, failed.stdout + failed.stderr)
        // The keys were dropped, and the rebuilt foreign key refused the row.
        XCTAssertTrue(failed.stderr.contains("dropping the target's keys"), failed.stderr)
        // The pre-flight lists the row, from the foreign keys read from the target.
        for text in ["params", "no-such-run"] { XCTAssertTrue(failed.stderr.contains(text), "expected '\(text)' in:\n\(failed.stderr)") }
        XCTAssertEqual(try targetFingerprint(conninfo), before)
    }

    /// A policy widens a column of a schema read from the target: the import and verify go through.
    func testPolicyOnASchemaReadFromTheTarget() throws {
        let env = try TestEnvironment.require()
        let store = try store(env)
        try env.sqlite(store, "UPDATE input_tags SET value = value || printf('%.600c', 'x') WHERE rowid = (SELECT min(rowid) FROM input_tags)")
        let db = "e2e_newer_policy"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        _ = try env.judge("create", env.mlflowURI(db), mlflow: Self.version)
        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-pg-newer-rejects-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: rejects) }
        let imported = try env.tool(
            "mlflow-import", [store, "--target", conninfo, "--widen-too-long", "--reject-dir", rejects, "--verify"], environment: hidden)
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stdout.contains("widened input_tags.value"), imported.stdout)
        XCTAssertTrue(imported.stdout.contains("EQUAL"), imported.stdout)
        let verified = try env.tool("mlflow-verify", [store, "--target", conninfo, "--reject-dir", rejects], environment: hidden)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
    }

    /// A target MLflow created at another revision cannot lend its schema: refused, with both revisions.
    func testTargetAtAnotherRevisionCannotLendItsSchema() throws {
        let env = try TestEnvironment.require()
        let store = try store(env)
        let db = "e2e_newer_other"
        let conninfo = try env.createDatabase(db)
        defer { env.dropDatabase(db) }
        _ = try env.judge("create", env.mlflowURI(db), mlflow: "3.17.2")
        let before = try targetFingerprint(conninfo)
        let refused = try env.tool("mlflow-import", [store, "--target", conninfo], environment: hidden)
        XCTAssertEqual(refused.status, 3, refused.stdout + refused.stderr)
        for text in ["f4a9b2c7d1e6", "is at revision dc11669786a5", "cannot be read from it either"] {
            XCTAssertTrue(refused.stderr.contains(text), "expected '\(text)' in:\n\(refused.stderr)")
        }
        XCTAssertEqual(try targetFingerprint(conninfo), before)
        // A target that cannot be reached leaves the revision's advice in front.
        let unreachable = try env.tool("mlflow-import", [store, "--target", "host=/nonexistent-socket-dir dbname=x"], environment: hidden)
        XCTAssertEqual(unreachable.status, 3, unreachable.stdout + unreachable.stderr)
        for text in ["f4a9b2c7d1e6", "needs a newer mlflow-pg-migrate", "could not be reached to read MLflow's schema"] {
            XCTAssertTrue(unreachable.stderr.contains(text), "expected '\(text)' in:\n\(unreachable.stderr)")
        }
    }

    private func assertSameKeys(_ a: [String], _ b: [String], _ what: String, line: UInt = #line) {
        let onlyA = a.filter { !b.contains($0) }, onlyB = b.filter { !a.contains($0) }
        XCTAssert(a == b, "\(what): only in the first: \(onlyA); only in the second: \(onlyB)", line: line)
    }
}
