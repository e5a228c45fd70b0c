import Foundation

/// What a merge did, or in a dry run would do: the mapping, the rows added and every conflict.
public struct MergeReport: Sendable, Encodable {
    /// The record the merge wrote (or a dry run would write, without the checksums of before).
    public let record: MergeRecord
    public let dryRun: Bool
    /// The conflicts, as lines; each may stand for many rows (`conflictCount` counts them all).
    public let conflicts: [String]
    public let conflictCount: Int
    /// What the check could not see (a later source checked without the earlier ones).
    public var notes: [String] = []
    /// What the connecting role may not do that the merge needs (then nothing else was checked), and the remedy.
    public var blocked: String?
    public let seconds: Double

    /// True when nothing stands in the merge's way.
    public var wouldSucceed: Bool { conflictCount == 0 && blocked == nil }

    /// The conflicts for an error message: every line, then how many rows in all.
    var conflictText: String {
        "\(conflictCount) conflicting row(s) or name(s):\n" + conflicts.map { "  - \($0)" }.joined(separator: "\n")
    }

    /// The verdict line of a dry run.
    public var verdict: String {
        if let blocked { return "the merge would be refused: blocked: " + blocked.firstLine }
        return wouldSucceed ? "the merge would succeed" : "the merge would be refused: \(conflictCount) conflict(s)"
    }

    /// The report for a person: sources, what each adds, the changed ids and names, the conflicts.
    public var text: String {
        let r = record
        var lines: [String] = []
        let verb = dryRun ? "Merge plan (dry run, nothing written)" : "Merged"
        lines.append(
            "\(verb): \(r.sources.map(\.path).joined(separator: ", ")) into \(r.target) (revision \(r.revision), --on-name-conflict \(r.policy.rawValue))."
        )
        // A blocked dry run stops before it stages the sources: it has nothing to say of them.
        for (i, source) in r.sources.enumerated() where blocked == nil {
            let rows = source.added.values.reduce(0, +)
            lines.append("  source \(i + 1) \(source.path): \(rows) row(s)\(dryRun ? " to add" : " added")")
            for (table, n) in source.added.sorted(by: { $0.key < $1.key }) { lines.append("    \(table): \(n)") }
            let ids = r.ids.filter { $0.source == i + 1 }
            for table in Set(ids.map(\.table)).sorted() {
                let changes = ids.filter { $0.table == table }
                // The dry run shows the whole mapping; the merge's summary the start of it (the record holds it all).
                let limit = dryRun ? changes.count : 12
                let shown = changes.prefix(limit).map { "\($0.from) -> \($0.to)" }.joined(separator: ", ")
                lines.append("    \(table) ids: \(shown)\(changes.count > limit ? ", ... (\(changes.count) in all, every one in the record)" : "")")
            }
            for n in r.names where n.source == i + 1 {
                let kind = n.kind.replacingOccurrences(of: "_", with: " ")
                lines.append(
                    n.action == "renamed"
                        ? "    \(kind) \(displayName(n.name)) added as \(displayName(n.target))"
                        : "    \(kind) \(displayName(n.name)) merged into the target's of that name")
            }
            let versions = r.versions.filter { $0.source == i + 1 }
            for name in Set(versions.map(\.name)).sorted() {
                let shown = versions.filter { $0.name == name }.map { "\($0.from) -> \($0.to)" }.joined(separator: ", ")
                lines.append("    registered model \(displayName(name)) versions: \(shown)")
            }
            let skipped = r.skipped.filter { $0.source == i + 1 && $0.table != "alembic_version" }
            if !skipped.isEmpty {
                let tables = Dictionary(grouping: skipped, by: \.table).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", ")
                lines.append("    not added, the target has them: \(tables)")
            }
        }
        if let blocked { lines.append("Blocked: " + blocked) }
        if !conflicts.isEmpty { lines.append("Conflicts: " + conflictText) }
        for note in notes { lines.append("Note: \(note)") }
        if dryRun {
            lines.append(wouldSucceed ? "WOULD SUCCEED" : "WOULD BE REFUSED")
            if conflictCount > 0 {
                lines.append("Choose --on-name-conflict merge or rename for names; rows with ids the target holds already cannot be merged.")
            }
        } else {
            lines.append("Every changed id and name is in the record; prove the merge with mlflow-verify --merge-record.")
            lines.append(String(format: "%.2f s.", seconds))
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object (its fields are strings and numbers, which always encode).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
