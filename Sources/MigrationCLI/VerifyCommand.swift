import ArgumentParser
import Migration

/// `mlflow-verify`: prove a PostgreSQL target equals its MLflow SQLite source.
public struct VerifyCommand: ToolCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlflow-verify",
        abstract: "Prove that a PostgreSQL MLflow store holds exactly the rows of its SQLite source.",
        discussion: """
            Compares the alembic revision, the set of tables, sequences, the row count of every table, \
            a checksum per metric series and an order-independent content checksum of every table, \
            and lists differing rows by primary key. Reads both sides in one snapshot each; writes nothing.


            """ + ExitCodes.help(.verifier),
        version: ToolVersion.current)

    @Argument(
        help: ArgumentHelp(
            "The MLflow SQLite file the target was migrated from (a path or sqlite:///... URI), or the bundle it was imported from; with --merge-record, every source of the merge, in its order.",
            valueName: "source"), transform: SourceArgument.path)
    public var sources: [String]

    @OptionGroup public var target: TargetOptions
    @OptionGroup public var report: ReportOptions
    @OptionGroup public var progressOptions: ProgressOptions

    @Option(help: ArgumentHelp("The reject directory of the import: rows it records as left out are expected to be missing.", valueName: "dir"))
    public var rejectDir: String?

    @Option(
        help: ArgumentHelp("The import's artifact location rewrite (repeatable); read from --reject-dir when recorded there.", valueName: "OLD=NEW"))
    public var artifactRootMap: [String] = []

    @Option(
        help: ArgumentHelp(
            "The folder mlflow-import --merge --record wrote: prove that every source row is in the target under the recorded mapping and that the target's other rows are unchanged.",
            valueName: "dir"))
    public var mergeRecord: String?

    public init() {}

    public var tool: ExitCodes.Tool { .verifier }

    public func validate() throws {
        if mergeRecord == nil && sources.count > 1 { throw ValidationError("several sources go with --merge-record (the sources of one merge)") }
        if mergeRecord != nil && rejectDir != nil {
            throw ValidationError("--merge-record and --reject-dir do not go together (a merge takes no policies)")
        }
        _ = try ArtifactRootMap(validating: artifactRootMap)
    }

    public func run() throws {
        try report.checkWritable()
        if let mergeRecord {
            let result = try MergeVerifier(
                sourcePaths: sources, conninfo: target.target, recordDirectory: mergeRecord, maxDiffs: report.differenceLimit,
                artifactMap: try ArtifactRootMap(arguments: artifactRootMap), progress: progressOptions.handler(quiet: false)
            ).run()
            return try report.emit(result, negative: result.passed ? nil : .negativeVerdict(summary: result.verdict))
        }
        let result = try Verifier(
            sourcePath: sources[0], conninfo: target.target, maxDiffs: report.differenceLimit, rejectDirectory: rejectDir,
            artifactMap: try ArtifactRootMap(arguments: artifactRootMap),
            progress: progressOptions.handler(quiet: false)
        ).run()
        try report.emit(result, negative: result.passed ? nil : .negativeVerdict(summary: result.verdict))
    }
}
