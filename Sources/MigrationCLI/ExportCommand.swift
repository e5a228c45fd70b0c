import ArgumentParser
import Migration

/// `mlflow-export`: write an MLflow SQLite store as a portable, checksummed bundle.
public struct ExportCommand: ToolCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlflow-export",
        abstract: "Write one consistent snapshot of an MLflow SQLite store as a portable, checksummed bundle.",
        discussion: """
            The bundle is a folder with manifest.json and one PostgreSQL binary COPY file per table \
            (docs/bundle-format.md). mlflow-import and mlflow-verify accept it in place of the SQLite file. \
            Every row is checked first as mlflow-import --dry-run checks it: a store with rows PostgreSQL would \
            reject is refused with all of them listed, unless a policy handles them (recorded in the bundle).


            """ + ExitCodes.help(.exporter),
        version: ToolVersion.current)

    @Argument(
        help: ArgumentHelp("The MLflow SQLite file (a path, or the server's sqlite:///... URI).", valueName: "source.db"),
        transform: SourceArgument.path)
    public var source: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The bundle folder to create.", valueName: "dir"))
    public var output: String

    @Flag(help: "Replace an existing bundle at --output.")
    public var force = false

    @Option(
        help: ArgumentHelp(
            "Rewrite artifact locations starting with OLD to start with NEW in the bundle (repeatable; the longest OLD wins; recorded in the manifest).",
            valueName: "OLD=NEW"))
    public var artifactRootMap: [String] = []

    @Flag(name: .shortAndLong, help: "Print only errors.")
    public var quiet = false

    @OptionGroup(title: "Policies for rows PostgreSQL would reject (recorded in the bundle)") public var policies: PolicyOptions
    @OptionGroup public var progressOptions: ProgressOptions

    public init() {}

    public var tool: ExitCodes.Tool { .exporter }

    public func validate() throws {
        _ = try ArtifactRootMap(validating: artifactRootMap)
    }

    public func run() throws {
        let summary = try Exporter(
            sourcePath: source, outputPath: output, force: force,
            artifactMap: try ArtifactRootMap(arguments: artifactRootMap), policy: try policies.policy(),
            progress: progressOptions.handler(quiet: quiet)
        ).run()
        if !quiet { print(summary.text) }
    }
}
