import Migration

/// How a command ends, other than success, when the library did not fail: a negative verdict,
/// or a failure after an import committed.
public enum CommandFailure: Error, CustomStringConvertible {
    /// The command finished and its report (already printed on stdout) says no: mlflow-verify
    /// found differences, the dry run found the import would fail, `mlflow-import --verify` found
    /// differences. `summary` is the one line stderr gets.
    case negativeVerdict(summary: String)
    /// The import was committed; then its verification or a report file could not be finished.
    case afterCommit(MigrationError)

    public var description: String {
        switch self {
        case .negativeVerdict(let summary): summary
        case .afterCommit(let error): "the import was committed; what came after it failed: \(error)"
        }
    }
}
