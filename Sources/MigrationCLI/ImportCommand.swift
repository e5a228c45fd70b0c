import ArgumentParser
import Foundation
import Migration

/// `mlflow-import`: load an MLflow SQLite store into PostgreSQL.
public struct ImportCommand: ToolCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlflow-import",
        abstract: "Move an MLflow SQLite tracking store into PostgreSQL, exactly, in one transaction.",
        discussion: """
            Creates the schema MLflow itself creates for the store's revision in an empty database, \
            or loads into a database an MLflow server of the same version created and nobody used. \
            Every row, id, timestamp and float bit is kept; sequences continue where SQLite would. \
            If anything fails, the target is left as it was. With --merge, adds one or more stores to an \
            MLflow store that may be in use (experiments renumbered, every other id kept), recording \
            every changed id for mlflow-verify --merge-record.


            """ + ExitCodes.help(.importer) + "\n\n" + ExitCodes.help(.dryRun, title: "Exit codes with --dry-run"),
        version: ToolVersion.current)

    @Argument(
        help: ArgumentHelp(
            "The MLflow SQLite file (a path, or the server's sqlite:///... URI), or a bundle folder mlflow-export wrote; with --merge, one or more.",
            valueName: "source"), transform: SourceArgument.path)
    public var sources: [String]

    /// The one source of an import.
    var source: String { sources.first ?? "" }

    @OptionGroup public var target: TargetOptions

    @Flag(name: .shortAndLong, help: "Print only errors.")
    public var quiet = false

    @Flag(help: "Run mlflow-verify's checks right after a successful import.")
    public var verify = false

    @Flag(
        help:
            "Read the source and the target, write nothing, and report the plan and every row PostgreSQL would reject (exit 0: the import would succeed, 1: it would not, 2: the check could not finish)."
    )
    public var dryRun = false

    @OptionGroup(title: "Policies for rows PostgreSQL would reject (an SQLite source)") public var policies: PolicyOptions

    /// The reject directory of the policies.
    var rejectDir: String? { policies.rejectDir }

    @Option(
        help: ArgumentHelp("Rewrite artifact locations starting with OLD to start with NEW (repeatable; the longest OLD wins).", valueName: "OLD=NEW")
    )
    public var artifactRootMap: [String] = []

    @Flag(
        help:
            "Make metrics a TimescaleDB hypertable on timestamp and compress its chunks (segment by run_uuid, key; order by step, timestamp), in the import's transaction; the extension must be installed in the target database."
    )
    public var timescaledb = false

    @Option(
        help: ArgumentHelp(
            "With --timescaledb: the width of a metrics chunk, in milliseconds or with a unit (7d, 12h, 30m, 90s; default 7d).",
            valueName: "interval"))
    public var chunkInterval: String?

    @Flag(
        help:
            "Add the sources to an MLflow store that may hold data (same revision): experiments get new ids from the target's sequence, run, dataset, trace and model ids are kept; one transaction for all sources."
    )
    public var merge = false

    @Option(
        help: ArgumentHelp(
            "With --merge: what an experiment or registered model whose name the target has gets: refuse (list them all, write nothing), merge (into the target's of that name; model versions after the target's), rename (added as 'NAME (merged from FILE)').",
            valueName: "refuse|merge|rename"))
    public var onNameConflict: NameConflictPolicy?

    @Option(
        help: ArgumentHelp(
            "With --merge: the folder where every changed id and name is recorded (merge.json), for mlflow-verify --merge-record.", valueName: "dir"))
    public var record: String?

    @Flag(help: "When the load is refused over a value, report just that value instead of scanning the source for every problem.")
    public var noPreflight = false

    @OptionGroup(title: "Reports (with --verify, or of the --dry-run)") public var report: ReportOptions
    @OptionGroup public var progressOptions: ProgressOptions

    public init() {}

    public func validate() throws {
        try validateReports()
        if merge {
            if policies.isGiven {
                throw ValidationError("--merge takes no --skip-rows, --widen-* or --reject-dir: merge a store the import accepts as it is")
            }
            if timescaledb { throw ValidationError("--merge adds to the target's tables as they are; --timescaledb goes with the first import") }
            if record == nil && !dryRun { throw ValidationError("--merge needs --record DIR, where every changed id and name is recorded") }
        } else {
            if sources.count > 1 { throw ValidationError("several sources need --merge (an import loads one store into an empty target)") }
            if onNameConflict != nil || record != nil { throw ValidationError("--on-name-conflict and --record go with --merge") }
        }
        _ = try ArtifactRootMap(validating: artifactRootMap)
    }

    /// Every report option does something, or the combination is a usage error.
    private func validateReports() throws {
        let given = report.given
        if dryRun && verify { throw ValidationError("--verify checks an import, and --dry-run writes nothing to check; choose one") }
        if !dryRun && !verify && !given.isEmpty {
            throw ValidationError(
                "\(given.joined(separator: ", ")) \(given.count == 1 ? "goes" : "go") with --verify or --dry-run: an import alone writes no report")
        }
        if dryRun && report.maxDiffs != nil {
            throw ValidationError("--max-diffs goes with --verify; the dry run counts every problem (--format json lists them)")
        }
        if merge && dryRun && (report.junit != nil || report.markdown != nil || report.format == .markdown) {
            throw ValidationError("the --merge --dry-run report is text or --format json; --junit and --markdown go with --verify")
        }
    }

    /// Prints the import's or merge's summary: on stdout, or on stderr when stdout carries a
    /// --format json or markdown report; nothing with --quiet.
    private func printSummary(_ text: String) {
        guard !quiet else { return }
        if verify && report.stdoutFormat != .text { CommandRunner.printError(text) } else { print(text) }
    }

    func policy() throws -> RejectPolicy { try policies.policy() }

    public var tool: ExitCodes.Tool { dryRun ? .dryRun : .importer }

    /// `--timescaledb` and its chunk interval, or nil.
    func timescale() throws -> TimescaleOptions? {
        guard timescaledb else {
            if chunkInterval != nil { throw ValidationError("--chunk-interval goes with --timescaledb") }
            return nil
        }
        guard let text = chunkInterval else { return TimescaleOptions() }
        guard let ms = TimescaleOptions.interval(text) else {
            throw ValidationError("--chunk-interval takes milliseconds or a number with d, h, m, s or ms (at least 1s), got '\(text)'")
        }
        return TimescaleOptions(chunkInterval: ms)
    }

    public func run() throws {
        let map = try ArtifactRootMap(arguments: artifactRootMap)
        try report.checkWritable()
        if merge { return try runMerge(map) }
        if dryRun { return try runDryRun(map) }
        let progress = progressOptions.handler(quiet: quiet)
        let summary: ImportSummary
        do {
            summary = try Importer(
                sourcePath: source, conninfo: target.target, policy: try policy(), preflight: !noPreflight,
                artifactMap: map, timescale: try timescale(), progress: progress
            ).run()
        } catch MigrationError.targetHoldsData(let target, let counts, let found, let remedy) where !timescaledb {
            guard
                let equal = AlreadyImported.check(
                    sourcePath: source, conninfo: self.target.target, targetCounts: counts, artifactMap: map, maxDiffs: report.differenceLimit)
            else { throw MigrationError.targetHoldsData(target: target, counts: counts, found: found, remedy: remedy) }
            printSummary(
                "Nothing to do: \(equal.target) already holds exactly \(source) (every table's rows, checksum and metric series are equal,"
                    + " as mlflow-verify checks them). Nothing was written.")
            if verify { try report.emit(equal, negative: nil, quiet: quiet) }
            return
        }
        printSummary(summary.text)
        if let warning = summary.security?.warning, !quiet { CommandRunner.printError(warning) }
        guard verify else { return }
        do {
            let result = try Verifier(
                sourcePath: source, conninfo: target.target, maxDiffs: report.differenceLimit, rejectDirectory: rejectDir,
                artifactMap: map, progress: progress
            ).run()
            try report.emit(
                result, negative: result.passed ? nil : .negativeVerdict(summary: "the import was committed, but " + result.verdict), quiet: quiet)
        } catch let error as MigrationError {
            throw CommandFailure.afterCommit(error)
        }
    }

    /// `--merge`, with or without `--dry-run` and `--verify`.
    private func runMerge(_ map: ArtifactRootMap) throws {
        let progress = dryRun ? nil : progressOptions.handler(quiet: quiet)
        let result = try Merger(
            sourcePaths: sources, conninfo: target.target, policy: onNameConflict ?? .refuse, recordDirectory: record, dryRun: dryRun,
            artifactMap: map, progress: progress
        ).run()
        if dryRun {
            print(report.stdoutFormat == .json ? try result.json() : result.text)
            if !result.wouldSucceed { throw CommandFailure.negativeVerdict(summary: result.verdict) }
            return
        }
        printSummary(result.text)
        guard verify, let record else { return }
        do {
            let verdict = try MergeVerifier(
                sourcePaths: sources, conninfo: target.target, recordDirectory: record, maxDiffs: report.differenceLimit, artifactMap: map,
                progress: progress
            ).run()
            try report.emit(
                verdict, negative: verdict.passed ? nil : .negativeVerdict(summary: "the merge was committed, but " + verdict.verdict), quiet: quiet)
        } catch let error as MigrationError {
            throw CommandFailure.afterCommit(error)
        }
    }

    /// `--dry-run`: the report on stdout; a negative verdict when the import would fail.
    private func runDryRun(_ map: ArtifactRootMap) throws {
        let result = try DryRun(
            sourcePath: source, conninfo: target.target, policy: try policy(), artifactMap: map, timescale: try timescale(),
            progress: progressOptions.handler(quiet: quiet)
        ).run()
        try report.emit(result, negative: result.wouldSucceed ? nil : .negativeVerdict(summary: result.verdict))
    }
}
