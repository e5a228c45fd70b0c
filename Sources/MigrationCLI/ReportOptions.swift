import ArgumentParser
import Foundation
import Migration

/// How a verification report is written: stdout format, CI files, the cap on listed differences.
public struct ReportOptions: ParsableArguments {
    /// The format of the report on stdout.
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text, json, markdown
    }

    @Option(help: "The report on stdout: text, json (shape in docs/verify-report.md) or markdown.")
    public var format: Format?

    @Option(help: ArgumentHelp("Also write a JUnit XML report (one test case per table and check).", valueName: "file"))
    public var junit: String?

    @Option(help: ArgumentHelp("Also write a Markdown summary (for CI job summaries).", valueName: "file"))
    public var markdown: String?

    @Option(help: "List at most this many differing rows and series (default 20).")
    public var maxDiffs: Int?

    public init() {}

    public func validate() throws {
        guard (maxDiffs ?? 0) >= 0 else { throw ValidationError("--max-diffs must be 0 or more") }
    }

    /// The format of the report on stdout (text unless --format says otherwise).
    var stdoutFormat: Format { format ?? .text }

    /// The cap on listed differences.
    var differenceLimit: Int { maxDiffs ?? 20 }

    /// The options given, as the user wrote them, for usage errors.
    var given: [String] {
        [format.map { _ in "--format" }, junit.map { _ in "--junit" }, markdown.map { _ in "--markdown" }, maxDiffs.map { _ in "--max-diffs" }]
            .compactMap { $0 }
    }

    /// Prints the report (unless `quiet`) and writes the requested files.
    ///
    /// `negative` is the verdict to throw when the report says no. It wins over a report file
    /// that cannot be written (the code says what was found; stderr names the file too).
    func emit(_ report: VerifyReport, negative: CommandFailure?, quiet: Bool = false) throws {
        try emit(text: report.text, json: report.json, markdown: report.markdown, junit: report.junit, negative: negative, quiet: quiet)
    }

    /// Prints a dry run's report and writes the requested files, as `emit(_:negative:quiet:)`.
    func emit(_ report: DryRunReport, negative: CommandFailure?) throws {
        try emit(text: report.text(), json: report.json, markdown: report.markdown, junit: report.junit, negative: negative, quiet: false)
    }

    private func emit(text: String, json: String, markdown md: String, junit xml: String, negative: CommandFailure?, quiet: Bool) throws {
        if !quiet {
            switch stdoutFormat {
            case .text: print(text)
            case .json: print(json)
            case .markdown: print(md, terminator: "")
            }
        }
        do {
            if let junit { try write(xml, to: junit) }
            if let markdown { try write(md, to: markdown) }
        } catch let error as MigrationError {
            guard let negative else { throw error }
            CommandRunner.printError("warning: \(error)")
            throw negative
        }
        if let negative { throw negative }
    }

    /// Fails before any work when a report file cannot be created: its folder is missing or not
    /// writable, or the path is a folder.
    func checkWritable() throws {
        for path in [junit, markdown].compactMap({ $0 }) {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                guard !isDirectory.boolValue else { throw MigrationError.outputUnusable(path: path, output: .report, reason: "it is a folder") }
                guard FileManager.default.isWritableFile(atPath: path) else {
                    throw MigrationError.outputUnusable(path: path, output: .report, reason: "it is not writable")
                }
            } else if !FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path, isDirectory: &isDirectory)
                || !isDirectory.boolValue || !FileManager.default.isWritableFile(atPath: url.deletingLastPathComponent().path)
            {
                throw MigrationError.outputUnusable(
                    path: path, output: .report,
                    reason: "its folder \(url.deletingLastPathComponent().path) is missing or not writable")
            }
        }
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try PrivateFile.write(Data(text.utf8), to: path)
        } catch {
            throw MigrationError.outputUnusable(path: path, output: .report, reason: describeFileError(error))
        }
    }
}
