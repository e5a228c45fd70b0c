import Foundation

/// What an export wrote.
public struct ExportSummary: Sendable {
    public struct Table: Sendable {
        public let name: String
        public let rows: Int
        public let bytes: Int64
        public let seconds: Double
    }

    public let source: String
    public let output: String
    public let revision: String
    public let tables: [Table]
    public let seconds: Double
    /// The `--artifact-root-map` rules applied, longest first.
    public var artifactRules: [ArtifactRootMap.Rule] = []
    /// xxHash64 of the bundle's manifest.json, to compare out of band with what the import prints.
    public var manifestChecksum = ""
    /// Rows a policy left out, per table (recorded in the reject directory and the manifest).
    public var leftOut: [String: Int] = [:]
    /// Columns a policy widened (the bundle holds the wider type; the import makes it).
    public var widened: [RejectRecord.Widened] = []

    public var text: String {
        let rows = tables.reduce(0) { $0 + $1.rows }, bytes = tables.reduce(Int64(0)) { $0 + $1.bytes }
        let width = max(5, tables.map(\.name.count).max() ?? 0)
        var lines = ["Exported \(source) (revision \(revision)) to \(output)."]
        lines.append("  " + "table".padding(toLength: width, withPad: " ", startingAt: 0) + "        rows        bytes")
        for t in tables {
            lines.append(
                "  " + t.name.padding(toLength: width, withPad: " ", startingAt: 0) + String(t.rows).leftPadded(12) + String(t.bytes).leftPadded(13))
        }
        lines.append("\(tables.count) tables, \(rows) rows, \(bytes) bytes in \(formatSeconds(seconds)) s.")
        lines.append("manifest.json xxh64 \(manifestChecksum): mlflow-import prints it too; compare the two to know the bundle arrived as written.")
        for (table, rows) in leftOut.sorted(by: { $0.key < $1.key }) {
            lines.append("Left out of \(table): \(rows) row(s), recorded in the reject directory and in manifest.json.")
        }
        for w in widened {
            lines.append("Widened \(w.table).\(w.column) from \(w.from) to \(w.to): the import creates it so (recorded in manifest.json).")
        }
        for rule in artifactRules {
            lines.append("Artifact locations starting with \(rule.old) now start with \(rule.new) (recorded in manifest.json).")
        }
        return lines.joined(separator: "\n")
    }
}
