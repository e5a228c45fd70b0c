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


            """ + ExitCodes.help(.verifier))

    @Argument(help: ArgumentHelp("The MLflow SQLite file the target was migrated from, or the bundle it was imported from.", valueName: "source"))
    public var source: String

    @OptionGroup public var target: TargetOptions
    @OptionGroup public var report: ReportOptions
    @OptionGroup public var progressOptions: ProgressOptions

    @Option(help: ArgumentHelp("The reject directory of the import: rows it records as left out are expected to be missing.", valueName: "dir"))
    public var rejectDir: String?

    @Option(
        help: ArgumentHelp("The import's artifact location rewrite (repeatable); read from --reject-dir when recorded there.", valueName: "OLD=NEW"))
    public var artifactRootMap: [String] = []

    public init() {}

    public var tool: ExitCodes.Tool { .verifier }

    public func validate() throws {
        _ = try ArtifactRootMap(validating: artifactRootMap)
    }

    public func run() throws {
        try report.checkWritable()
        let result = try Verifier(
            sourcePath: source, conninfo: target.target, maxDiffs: report.maxDiffs, rejectDirectory: rejectDir,
            artifactMap: try ArtifactRootMap(arguments: artifactRootMap),
            progress: progressOptions.handler(quiet: false)
        ).run()
        try report.emit(result, negative: result.passed ? nil : .negativeVerdict(summary: result.verdict))
    }
}
