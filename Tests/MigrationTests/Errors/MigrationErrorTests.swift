import PostgresTarget
import TestSupport
import XCTest

@testable import Migration

/// What an operator reads: every message names what it is about and says what to do.
final class MigrationErrorTests: XCTestCase {
    let key = RowKey(parts: [ColumnValue(column: "key", value: "'lr'"), ColumnValue(column: "run_uuid", value: "'a1'")])

    func testRejectedValueNamesFileTableRowColumnAndRemedy() {
        let text = MigrationError.rejectedValue(
            path: "/data/mlflow.db", table: "params", row: key, column: "value",
            problem: "NUL (U+0000) character", remedy: "Correct the row."
        ).description
        XCTAssertEqual(
            text,
            """
            /data/mlflow.db: table params, row (key='lr', run_uuid='a1'), column value: NUL (U+0000) character.
              Correct the row.
              Nothing was written; the target is unchanged.
            """)
    }

    func testLoadFailedCarriesTheServersFieldsAndTheSourceRow() {
        let error = PGError(
            operation: "COPY params", sqlState: "22001", message: "value too long for type character varying(250)",
            detail: nil, hint: "Shorten it.", context: "COPY params, line 7, column key: \"xxx\"")
        let text = MigrationError.loadFailed(path: "s.db", table: "params", row: key, error: error).description
        XCTAssertTrue(text.hasPrefix("PostgreSQL rejected the load of s.db table params, source row (key='lr', run_uuid='a1'), column key:"), text)
        for part in ["SQLSTATE 22001", "HINT: Shorten it.", "CONTEXT: COPY params, line 7", "The import was rolled back; the target is unchanged."] {
            XCTAssertTrue(text.contains(part), "\(part) missing in \(text)")
        }
    }

    func testPreflightFailedCountsKindsAndListsAtMostTwenty() {
        let problems = (0..<25).map { i in
            Problem(
                kind: i % 2 == 0 ? .tooLong : .orphan, table: "params", rowid: Int64(i), key: key.parts, column: "value",
                value: "'v'", detail: "detail \(i)", length: nil, limit: nil)
        }
        let text = MigrationError.preflightFailed(path: "s.db", problems: ProblemSummary(problems)).description
        XCTAssertTrue(text.hasPrefix("s.db holds 25 row problem(s) PostgreSQL would reject (12 orphan, 13 too_long):"), text)
        XCTAssertTrue(text.contains("  - [too_long] table params, row (key='lr', run_uuid='a1'), column value: detail 0: 'v'"), text)
        XCTAssertFalse(text.contains("detail 20"))
        XCTAssertTrue(text.contains("... and 5 more"))
        XCTAssertTrue(text.contains("--skip-rows") && text.contains("Nothing was written."))
    }

    func testOutputsAndTargetsAreNamed() {
        XCTAssertEqual(
            MigrationError.outputUnusable(path: "/r/x.xml", output: .report, reason: "it is a folder").description,
            "cannot write the report /r/x.xml: it is a folder.")
        XCTAssertEqual(
            MigrationError.outputUnusable(path: "rej", output: .rejectDirectory, reason: "r").description,
            "cannot write the reject directory rej: r.")
        let refused = MigrationError.targetRefused(
            target: "u@h:5432/db", found: "schema public holds 3 relation(s)", remedy: "Use an empty database.")
        XCTAssertEqual(
            refused.description,
            """
            the target database u@h:5432/db cannot be loaded: schema public holds 3 relation(s).
              Use an empty database.
              Nothing was written.
            """)
    }

    func testUnreachableTargetAdvice() {
        let auth = MigrationError.targetUnreachable(
            error: PGError(operation: "connecting", message: "FATAL:  password authentication failed for user \"x\""))
        XCTAssertTrue(auth.description.contains("Authentication failed: check the user and set the password with PGPASSWORD or ~/.pgpass."))
        let down = MigrationError.targetUnreachable(error: PGError(operation: "connecting", message: "connection refused"))
        XCTAssertTrue(down.description.contains("Check --target"), down.description)
    }

    func testConnectionLostIsOneLineWithTheConsequence() {
        let error = PGError(operation: "COPY metrics", message: "server closed the connection unexpectedly\n\tThis probably means ...")
        let text = MigrationError.connectionLost(target: "u@h:1/db", error: error, consequence: "The target is as it was.").description
        XCTAssertEqual(
            text,
            "lost the connection to the target u@h:1/db while COPY metrics: server closed the connection unexpectedly This probably means ...\n  The target is as it was."
        )
    }
}

/// Every case, through its sample: a first line that names what it is about, and for the cases
/// that stop with the source, the path.
final class MigrationErrorCoverageTests: XCTestCase {
    func testEveryCaseReadsWell() {
        XCTAssertEqual(Set(MigrationErrorSamples.all.map(MigrationErrorSamples.name)).count, MigrationErrorSamples.caseCount)
        for error in MigrationErrorSamples.all {
            let text = error.description
            let first = text.split(separator: "\n").first.map(String.init) ?? ""
            XCTAssertFalse(first.isEmpty, MigrationErrorSamples.name(of: error))
            switch error {
            case .usage: XCTAssertEqual(text, "--x needs --y")
            case .targetUnreachable, .targetReadFailed: XCTAssertTrue(text.contains("target"), text)
            case .targetRefused, .targetNotMLflow, .connectionLost, .revisionMismatch, .targetPrivileges, .targetObjectRefused, .targetHoldsData:
                XCTAssertTrue(text.contains("u@h:5432/db"), text)
            case .outputUnusable: XCTAssertTrue(first.hasPrefix("cannot write the bundle o"), text)
            case .bundleInvalid: XCTAssertTrue(first.hasPrefix("the bundle b is refused"), text)
            default: XCTAssertTrue(text.contains("s.db"), "\(MigrationErrorSamples.name(of: error)): \(text)")
            }
        }
    }
}
