import ArgumentParser
import Migration
import PostgresTarget
import XCTest

@testable import MigrationCLI

/// The one mapping from a failure to an exit code, per tool, against the documented table.
final class ExitCodesTests: XCTestCase {
    let pg = PGError(operation: "connecting", message: "refused")

    func testImporterAndExporterCodesFollowTheErrorClass() {
        let cases: [(MigrationError, Int32)] = [
            (.rejectedValue(path: "s.db", table: "t", row: nil, column: "c", problem: "p", remedy: "r"), 1),
            (.preflightFailed(path: "s.db", problems: []), 1),
            (.loadFailed(path: "s.db", table: "t", row: nil, error: pg), 1),
            (.usage("u"), 2),
            (.sourceUnreadable(path: "s.db", reason: "no such file"), 3),
            (.sourceNotMLflow(path: "s.db", reason: "r"), 3),
            (.unknownRevision(path: "s.db", revision: "x", advice: "a"), 3),
            (.sourceSchemaMismatch(path: "s.db", problems: []), 3),
            (.sourceDamaged(path: "s.db", messages: []), 3),
            (.bundleInvalid(path: "b", problem: "p"), 3),
            (.targetUnreachable(error: pg), 4),
            (.connectionLost(target: "t", error: pg, consequence: "c"), 4),
            (.targetRefused(target: "t", found: "f", remedy: "r"), 5),
            (.revisionMismatch(source: "s", sourceRevision: "a", target: "t", targetRevision: "b"), 5),
            (.outputUnusable(path: "o", output: .rejectDirectory, reason: "r"), 7),
        ]
        for (error, code) in cases {
            XCTAssertEqual(ExitCodes.code(for: error, in: .importer), code, "\(error)")
            XCTAssertEqual(ExitCodes.code(for: error, in: .exporter), code, "\(error)")
            XCTAssertEqual(ExitCodes.code(for: error, in: .verifier), 2, "\(error)")
            XCTAssertEqual(ExitCodes.code(for: error, in: .dryRun), 2, "\(error)")
        }
    }

    func testVerdictsAndFailuresAfterCommit() {
        XCTAssertEqual(ExitCodes.code(for: CommandFailure.negativeVerdict(summary: "s"), in: .verifier), 1)
        XCTAssertEqual(ExitCodes.code(for: CommandFailure.negativeVerdict(summary: "s"), in: .dryRun), 1)
        XCTAssertEqual(ExitCodes.code(for: CommandFailure.negativeVerdict(summary: "s"), in: .importer), 6)
        XCTAssertEqual(ExitCodes.code(for: CommandFailure.afterCommit(.targetReadFailed(error: pg)), in: .importer), 6)
        let report = CommandFailure.afterCommit(.outputUnusable(path: "r.xml", output: .report, reason: "r"))
        XCTAssertEqual(ExitCodes.code(for: report, in: .importer), 7)
        XCTAssertTrue(report.description.hasPrefix("the import was committed"), report.description)
        XCTAssertEqual(ExitCodes.code(for: ValidationError("v"), in: .importer), ExitCodes.usage)
        XCTAssertEqual(ExitCodes.code(for: CocoaError(.fileNoSuchFile), in: .verifier), ExitCodes.internalError)
    }

    /// Every code the mapping can produce is documented for that tool (and so in its help).
    func testEveryCodeTheMappingGivesIsDocumented() {
        let errors: [any Error] = [
            MigrationError.usage("u"), MigrationError.rejectedValue(path: "", table: "", row: nil, column: "", problem: "", remedy: ""),
            MigrationError.sourceUnreadable(path: "", reason: ""), MigrationError.targetUnreachable(error: pg),
            MigrationError.targetRefused(target: "", found: "", remedy: ""),
            MigrationError.outputUnusable(path: "", output: .bundle, reason: ""), CommandFailure.negativeVerdict(summary: "s"),
            CommandFailure.afterCommit(.usage("")), CommandFailure.afterCommit(.outputUnusable(path: "", output: .report, reason: "")),
        ]
        for tool in [ExitCodes.Tool.importer, .dryRun, .verifier, .exporter] {
            let documented = Set(ExitCodes.documented(tool).map(\.code))
            XCTAssertTrue(documented.contains(0) && documented.contains(ExitCodes.internalError))
            // The exporter never connects to a target nor gives a verdict.
            let exporterNever = { (error: any Error) in
                if error is CommandFailure { return true }
                switch error as? MigrationError {
                case .targetUnreachable, .targetRefused: return true
                default: return false
                }
            }
            for error in errors where !(tool == .exporter && exporterNever(error)) {
                let code = ExitCodes.code(for: error, in: tool)
                XCTAssertTrue(documented.contains(code), "\(tool) exits \(code) for \(error), which its help does not list")
            }
            XCTAssertTrue(ExitCodes.help(tool).contains("0 "), ExitCodes.help(tool))
        }
    }
}
