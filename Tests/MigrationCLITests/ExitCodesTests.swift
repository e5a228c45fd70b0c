import ArgumentParser
import Migration
import PostgresTarget
import TestSupport
import XCTest

@testable import MigrationCLI

/// The one mapping from a failure to an exit code, per tool, against the documented table.
final class ExitCodesTests: XCTestCase {
    let pg = PGError(operation: "connecting", message: "refused")

    func testImporterAndExporterCodesFollowTheErrorClass() {
        let cases: [(MigrationError, Int32)] = [
            (.rejectedValue(path: "s.db", table: "t", row: nil, column: "c", problem: "p", remedy: "r"), 1),
            (.preflightFailed(path: "s.db", problems: ProblemSummary()), 1),
            (.loadFailed(path: "s.db", table: "t", row: nil, error: pg), 1),
            (.usage("u"), 2),
            (.sourceUnreadable(path: "s.db", reason: "no such file"), 3),
            (.sourceNotMLflow(path: "s.db", reason: "r"), 3),
            (.sourceBeforeAlembic(path: "s.db"), 3),
            (.unknownRevision(path: "s.db", revision: "x", advice: "a"), 3),
            (.sourceSchemaMismatch(path: "s.db", problems: []), 3),
            (.sourceDamaged(path: "s.db", messages: []), 3),
            (.bundleInvalid(path: "b", problem: "p"), 3),
            (.targetUnreachable(error: pg), 4),
            (.connectionLost(target: "t", error: pg, consequence: "c"), 4),
            (.targetRefused(target: "t", found: "f", remedy: "r"), 5),
            (.revisionMismatch(source: "s", sourceRevision: "a", target: "t", targetRevision: "b"), 5),
            (.outputUnusable(path: "o", output: .rejectDirectory, reason: "r"), 7),
            (.sourceNotBundle(path: "d", sqliteFiles: []), 3),
            (.targetPrivileges(target: "t", role: "r", missing: ["m"], remedy: "g"), 8),
            (.targetObjectRefused(target: "t", error: pg), 8),
            (.targetHoldsData(target: "t", counts: [:], found: "f", remedy: "r"), 5),
        ]
        for (error, code) in cases {
            XCTAssertEqual(ExitCodes.code(for: error, in: .importer), code, "\(error)")
            if ![
                "targetUnreachable", "connectionLost", "targetRefused", "revisionMismatch", "targetPrivileges", "targetObjectRefused",
                "targetHoldsData",
            ].contains(
                MigrationErrorSamples.name(of: error))
            {
                XCTAssertEqual(ExitCodes.code(for: error, in: .exporter), code, "\(error)")
            }
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

    /// Every code the mapping can produce is documented for that tool (and so in its help), for
    /// every case of MigrationError and every CommandFailure.
    func testEveryCodeTheMappingGivesIsDocumented() {
        XCTAssertEqual(Set(MigrationErrorSamples.all.map(MigrationErrorSamples.name)).count, MigrationErrorSamples.caseCount)
        var failures: [any Error] = MigrationErrorSamples.all
        failures += [CommandFailure.negativeVerdict(summary: "s")] + MigrationErrorSamples.all.map { CommandFailure.afterCommit($0) }
        // The exporter never connects to a target nor gives a verdict.
        let exporterNever: Set = [
            "targetUnreachable", "connectionLost", "targetRefused", "revisionMismatch", "targetNotMLflow", "targetReadFailed", "targetPrivileges",
            "targetObjectRefused", "targetHoldsData",
        ]
        for tool in [ExitCodes.Tool.importer, .dryRun, .verifier, .exporter] {
            let documented = Set(ExitCodes.documented(tool).map(\.code))
            XCTAssertTrue(documented.contains(0) && documented.contains(ExitCodes.internalError))
            for error in failures {
                if tool == .exporter {
                    if error is CommandFailure { continue }
                    if let e = error as? MigrationError, exporterNever.contains(MigrationErrorSamples.name(of: e)) { continue }
                }
                let code = ExitCodes.code(for: error, in: tool)
                XCTAssertTrue(documented.contains(code), "\(tool) exits \(code) for \(error), which its help does not list")
            }
            for (code, meaning) in ExitCodes.documented(tool) {
                XCTAssertTrue(ExitCodes.help(tool).contains("\(code) \(meaning)"), "help of \(tool) lacks \(code)")
            }
        }
    }

    /// Anything that is not one of the toolkit's failures is a defect: exit 70, said as such.
    func testAnUnexpectedErrorIsReportedAsADefect() {
        struct Unexpected: Error, CustomStringConvertible { var description: String { "something odd" } }
        for tool in [ExitCodes.Tool.importer, .dryRun, .verifier, .exporter] {
            let (code, message) = CommandRunner.outcome(of: Unexpected(), in: tool)
            XCTAssertEqual(code, 70)
            XCTAssertEqual(message?.split(separator: "\n").first.map(String.init), "\(tool.name): internal error: something odd")
            XCTAssertTrue(message?.contains("please report it") ?? false)
        }
        let (code, message) = CommandRunner.outcome(of: MigrationError.usage("--x needs --y"), in: .importer)
        XCTAssertEqual(code, 2)
        XCTAssertEqual(message, "mlflow-import: --x needs --y")
        XCTAssertNil(CommandRunner.outcome(of: CommandFailure.negativeVerdict(summary: ""), in: .verifier).message)
    }
}
