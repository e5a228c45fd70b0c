import ArgumentParser
import Migration

/// The policies for rows PostgreSQL would reject: widen, leave out, and where to record it.
///
/// mlflow-import takes them for an SQLite source; mlflow-export takes them and records them in the bundle.
public struct PolicyOptions: ParsableArguments {
    @Flag(help: "Policy: widen varchar columns to hold over-long values (the schema then differs from MLflow's there).")
    public var widenTooLong = false

    @Flag(
        help:
            "Policy: widen integer columns holding values beyond 32 bits to bigint, with their sequences (ids kept; the schema then differs from MLflow's there)."
    )
    public var widenIntegers = false

    @Option(
        help: ArgumentHelp(
            "Policy: leave out rows with these problems (comma-separated kinds, or all); rows referencing them are left out too.", valueName: "kinds")
    )
    public var skipRows: String?

    @Option(
        help: ArgumentHelp("Where a policy records every row it leaves out (original bytes, reason) and every column it widens.", valueName: "dir"))
    public var rejectDir: String?

    public init() {}

    public func validate() throws {
        _ = try policy()
    }

    /// True when any policy option was given.
    var isGiven: Bool { widenTooLong || widenIntegers || skipRows != nil || rejectDir != nil }

    /// The policy the options ask for; a usage error for an unknown kind or opposite choices.
    func policy() throws -> RejectPolicy {
        var skip: Set<Problem.Kind> = []
        let words = (skipRows ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for word in words {
            if word == "all" {
                skip.formUnion(Problem.Kind.allCases.filter { ($0 != .tooLong || !widenTooLong) && ($0 != .integerRange || !widenIntegers) })
            } else if let kind = Problem.Kind(rawValue: word) {
                skip.insert(kind)
            } else {
                throw ValidationError(
                    "unknown problem kind '\(word)' for --skip-rows; kinds: \(Problem.Kind.allCases.map(\.rawValue).joined(separator: ", ")), all")
            }
        }
        for (kind, flag, on) in [(Problem.Kind.tooLong, "--widen-too-long", widenTooLong), (.integerRange, "--widen-integers", widenIntegers)]
        where on && words.contains(kind.rawValue) {
            throw ValidationError("\(flag) and --skip-rows \(kind.rawValue) ask for opposite things; choose one")
        }
        return RejectPolicy(widenTooLong: widenTooLong, widenIntegers: widenIntegers, skip: skip, rejectDirectory: rejectDir)
    }
}
