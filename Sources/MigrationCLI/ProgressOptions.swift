import ArgumentParser
import Foundation
import Migration

/// `--progress`: how progress is shown on stderr.
public struct ProgressOptions: ParsableArguments {
    /// The display.
    public enum Mode: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// A bar per table when stderr is a terminal, nothing otherwise.
        case auto
        case bar
        /// One JSON object per event, per line, for machines.
        case json
        case none
    }

    @Option(help: "Progress on stderr: auto (a bar per table on a terminal), bar, json (one object per line) or none.")
    public var progress: Mode = .auto

    public init() {}

    /// The handler for this mode, or nil for none; `quiet` turns auto off.
    func handler(quiet: Bool) -> ProgressHandler? {
        switch progress {
        case .none: return nil
        case .json: return ProgressPrinter(json: true).handle
        case .bar: return ProgressPrinter(json: false).handle
        case .auto: return quiet || isatty(2) == 0 ? nil : ProgressPrinter(json: false).handle
        }
    }
}
