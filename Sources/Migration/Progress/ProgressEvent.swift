/// What a long-running command is doing, for progress displays (`--progress`).
public enum ProgressEvent: Sendable {
    /// A table starts loading (or checksumming); `total` rows are expected.
    case tableStarted(table: String, total: Int)
    /// Rows of the current table done so far (reported every 65,536 rows).
    case rows(table: String, done: Int, total: Int)
    /// A table is done.
    case tableFinished(table: String, rows: Int, seconds: Double)
    /// A counted phase that is not rows: `done` of `total` parts (tables checksummed, keys built)
    /// finished, `current` the part under way (empty when `done == total`).
    case phase(name: String, done: Int, total: Int, current: String)
    /// A step that is not rows: schema creation, index builds, checksum passes, commit.
    case step(String)
}

/// Receives progress events; nil means nobody is watching.
public typealias ProgressHandler = @Sendable (ProgressEvent) -> Void
