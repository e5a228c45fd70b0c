import ArgumentParser
import Migration

/// The documented exit codes of each executable, and the one mapping from a failure to its code.
///
/// After the arguments are parsed, every failure is a `MigrationError` (the library's) or a
/// `CommandFailure` (a negative verdict, or a failure after an import committed); `CommandRunner`
/// prints it and exits with `code(for:in:)`. The help texts list `documented(_:)`, so the two
/// cannot drift apart.
public enum ExitCodes {
    /// An executable, or a mode of one with codes of its own.
    public enum Tool: Sendable {
        case importer
        /// `mlflow-import --dry-run`, which answers like mlflow-verify: 0, 1 or 2.
        case dryRun
        case verifier
        case exporter

        /// What Ctrl-C means before the library says more (`Interruption`).
        var interrupted: String {
            switch self {
            case .importer: "interrupted before the import wrote anything: the target is unchanged"
            case .dryRun: "interrupted: nothing was written (a dry run only reads)"
            case .verifier: "interrupted: no verdict, and nothing was written (mlflow-verify only reads)"
            case .exporter: "interrupted: no bundle was written"
            }
        }

        /// How messages name the tool.
        var name: String {
            switch self {
            case .importer: "mlflow-import"
            case .dryRun: "mlflow-import --dry-run"
            case .verifier: "mlflow-verify"
            case .exporter: "mlflow-export"
            }
        }
    }

    public static let success: Int32 = 0
    public static let usage: Int32 = 2
    /// A failure no code is documented for: a defect of this tool.
    public static let internalError: Int32 = 70

    /// The code for a failure after the arguments were parsed.
    static func code(for error: any Error, in tool: Tool) -> Int32 {
        switch error {
        case let error as MigrationError: code(for: error, in: tool)
        case let failure as CommandFailure: code(for: failure, in: tool)
        case is ValidationError: usage
        default: internalError
        }
    }

    static func code(for failure: CommandFailure, in tool: Tool) -> Int32 {
        switch (failure, tool) {
        case (.negativeVerdict, .importer): 6
        case (.negativeVerdict, _): 1
        case (.afterCommit(.outputUnusable), .importer): 7
        case (.afterCommit, .importer): 6
        case (.afterCommit(let error), _): code(for: error, in: tool)
        }
    }

    static func code(for error: MigrationError, in tool: Tool) -> Int32 {
        switch tool {
        case .verifier, .dryRun:
            // Any failure means no verdict.
            return 2
        case .importer, .exporter:
            switch error {
            case .rejectedValue, .loadFailed, .preflightFailed: return 1
            case .usage: return 2
            case .sourceUnreadable, .sourceNotSQLite, .sourceNotMLflow, .sourceBeforeAlembic, .unknownRevision, .sourceSchemaMismatch, .sourceRead,
                .idsExhausted,
                .sourceLocked,
                .sourceDamaged, .bundleInvalid, .sourceNotBundle:
                return 3
            case .targetUnreachable, .connectionLost, .targetReadFailed: return 4
            case .targetRefused, .targetHoldsData, .targetNotMLflow, .revisionMismatch: return 5
            case .outputUnusable: return 7
            case .targetPrivileges, .targetObjectRefused: return 8
            }
        }
    }

    /// Every code a tool can exit with and what it means, for help texts and the README.
    public static func documented(_ tool: Tool) -> [(code: Int32, meaning: String)] {
        let internalDefect = (internalError, "an internal error: a defect of this tool, please report it")
        let interruption = (Int32(130), "interrupted by Ctrl-C (by SIGTERM: 143); the message says what that left")
        switch tool {
        case .importer:
            return [
                (0, "imported, or the target already held exactly this source (checked as mlflow-verify does; nothing written)"),
                (1, "a value or constraint was rejected (row named; target unchanged)"),
                (2, "usage"),
                (3, "the source is not a usable MLflow store or bundle"),
                (4, "the target cannot be reached, or the connection was lost during the import"),
                (
                    5,
                    "the target is not empty, was created by another MLflow version, is not UTF8, or another import is loading into it; with --merge: names or ids it holds already (all listed)"
                ),
                (6, "imported, but --verify found differences or could not finish"),
                (
                    7,
                    "an output cannot be written: the reject directory, the merge record or a report file (the message says whether the import was committed)"
                ),
                (
                    8,
                    "the connecting role lacks a privilege the import needs (the GRANTs are named), or the server refused an object (SQLSTATE class 42); target unchanged"
                ),
                interruption, internalDefect,
            ]
        case .dryRun, .verifier:
            return [
                (0, tool == .dryRun ? "the import would succeed" : "equal"),
                (1, tool == .dryRun ? "the import would fail" : "differences found"),
                (
                    2,
                    "no verdict: usage, a source that cannot be read, the target unreachable or the connection lost, a report that cannot be written"
                ),
                interruption, internalDefect,
            ]
        case .exporter:
            return [
                (0, "written"),
                (1, "rows PostgreSQL would reject and no policy handles (the pre-flight lists every one)"),
                (2, "usage"),
                (3, "the source is not a usable MLflow store"),
                (7, "the output cannot be written (exists, not writable, disk full)"),
                interruption, internalDefect,
            ]
        }
    }

    /// The codes as one paragraph of a command's help.
    static func help(_ tool: Tool, title: String = "Exit codes") -> String {
        "\(title): " + documented(tool).map { "\($0.code) \($0.meaning)" }.joined(separator: "; ") + "."
    }
}
