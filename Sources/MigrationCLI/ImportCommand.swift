import ArgumentParser
import Foundation
import Migration

/// `mlflow-import`: load an MLflow SQLite store into PostgreSQL.
public struct ImportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlflow-import",
        abstract: "Move an MLflow SQLite tracking store into PostgreSQL, exactly, in one transaction.",
        discussion: """
            Creates the schema MLflow itself creates for the store's revision in an empty database, \
            or loads into a database an MLflow server of the same version created and nobody used. \
            Every row, id, timestamp and float bit is kept; sequences continue where SQLite would. \
            If anything fails, the target is left as it was.

            Exit codes: 0 imported; 1 a value or constraint was rejected (target unchanged); 2 usage; \
            3 the source is not a usable MLflow store or bundle; 4 the target cannot be reached, or the \
            connection was lost during the import; 5 the target is not empty or was created by another \
            MLflow version; 6 imported, but --verify found differences or could not finish. \
            With --dry-run: 0 the import would succeed, 1 it would not, 2 no verdict (the check could not finish).
            """)

    @Argument(help: ArgumentHelp("The MLflow SQLite file (the path behind sqlite:///...), or a bundle folder mlflow-export wrote.", valueName: "source"))
    public var source: String

    @OptionGroup public var target: TargetOptions

    @Flag(name: .shortAndLong, help: "Print only errors.")
    public var quiet = false

    @Flag(help: "Run mlflow-verify's checks right after a successful import.")
    public var verify = false

    @Flag(help: "Read the source and the target, write nothing, and report the plan and every row PostgreSQL would reject (exit 0: the import would succeed, 1: it would not, 2: the check could not finish).")
    public var dryRun = false

    @Flag(help: "Policy: widen varchar columns to hold over-long values (the schema then differs from MLflow's there).")
    public var widenTooLong = false

    @Option(help: ArgumentHelp("Policy: leave out rows with these problems (comma-separated kinds, or all); rows referencing them are left out too.", valueName: "kinds"))
    public var skipRows: String?

    @Option(help: ArgumentHelp("Where a policy records every row it leaves out (original bytes, reason) and every column it widens.", valueName: "dir"))
    public var rejectDir: String?

    @Option(help: ArgumentHelp("Rewrite artifact locations starting with OLD to start with NEW (repeatable; the longest OLD wins).", valueName: "OLD=NEW"))
    public var artifactRootMap: [String] = []

    @Flag(help: "When the load is refused over a value, report just that value instead of scanning the source for every problem.")
    public var noPreflight = false

    @OptionGroup(title: "Verification report (with --verify)") public var report: ReportOptions
    @OptionGroup public var progressOptions: ProgressOptions

    public init() {}

    public func validate() throws {
        _ = try policy()
    }

    func policy() throws -> RejectPolicy {
        var skip: Set<Problem.Kind> = []
        for word in (skipRows ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            if word == "all" {
                skip.formUnion(Problem.Kind.allCases.filter { $0 != .tooLong || !widenTooLong })
            } else if let kind = Problem.Kind(rawValue: word) {
                skip.insert(kind)
            } else {
                throw ValidationError("unknown problem kind '\(word)' for --skip-rows; kinds: \(Problem.Kind.allCases.map(\.rawValue).joined(separator: ", ")), all")
            }
        }
        return RejectPolicy(widenTooLong: widenTooLong, skip: skip, rejectDirectory: rejectDir)
    }

    public func run() throws {
        if dryRun {
            // Like mlflow-verify: 0 would succeed, 1 would not, 2 no verdict (the check could not finish).
            let report: DryRunReport
            do {
                report = try DryRun(sourcePath: source, conninfo: target.target, policy: try policy(),
                                    artifactMap: try ArtifactRootMap(arguments: artifactRootMap)).run()
            } catch let error as MigrationError {
                CommandRunner.printError("mlflow-import --dry-run: \(error)")
                throw ExitCode(2)
            }
            switch self.report.format {
            case .text: print(report.text())
            case .json: print(report.json)
            case .markdown: print(report.markdown, terminator: "")
            }
            if !report.wouldSucceed { throw ExitCode(1) }
            return
        }
        let progress = progressOptions.handler(quiet: quiet)
        let map = try ArtifactRootMap(arguments: artifactRootMap)
        let summary = try Importer(sourcePath: source, conninfo: target.target, policy: try policy(), preflight: !noPreflight,
                                   artifactMap: map, progress: progress).run()
        if !quiet { print(summary.text) }
        guard verify else { return }
        let result: VerifyReport
        do {
            result = try Verifier(sourcePath: source, conninfo: target.target, maxDiffs: report.maxDiffs, rejectDirectory: rejectDir,
                                  artifactMap: map, progress: progress).run()
        } catch let error as MigrationError {
            CommandRunner.printError("mlflow-import: the import was committed; the verification after it could not finish: \(error)")
            throw ExitCode(6)
        }
        try report.emit(result)
        if !result.passed { throw ExitCode(6) }
    }
}
