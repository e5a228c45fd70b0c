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
            3 the source is not a usable MLflow store or bundle; 4 the target cannot be reached; \
            5 the target is not empty or was created by another MLflow version; \
            6 imported, but --verify found differences.
            """)

    @Argument(help: ArgumentHelp("The MLflow SQLite file (the path behind sqlite:///...), or a bundle folder mlflow-export wrote.", valueName: "source"))
    public var source: String

    @OptionGroup public var target: TargetOptions

    @Flag(name: .shortAndLong, help: "Print only errors.")
    public var quiet = false

    @Flag(help: "Run mlflow-verify's checks right after a successful import.")
    public var verify = false

    @OptionGroup(title: "Verification report (with --verify)") public var report: ReportOptions

    public init() {}

    public func run() throws {
        let summary = try Importer(sourcePath: source, conninfo: target.target).run()
        if !quiet { print(summary.text) }
        guard verify else { return }
        let result = try Verifier(sourcePath: source, conninfo: target.target, maxDiffs: report.maxDiffs).run()
        try report.emit(result)
        if !result.passed { throw ExitCode(6) }
    }
}
