import Foundation
import PostgresTarget

/// What an import did: per table rows and time, and the totals.
public struct ImportSummary: Sendable {
    /// One loaded table.
    public struct Table: Sendable {
        public let name: String
        public let rows: Int
        public let seconds: Double
    }

    public let source: String
    public let revision: String
    public let mlflowVersions: [String]
    public let target: String
    public let targetState: TargetState
    public let tables: [Table]
    /// Sequences and the value their next `nextval` returns.
    public let sequences: [(name: String, next: Int64)]
    /// Tables in the source that the schema map does not know (not loaded).
    public let unknownTables: [String]
    /// Rows a policy left out, per table (recorded in the reject directory).
    public let leftOut: [String: Int]
    /// Columns a policy widened: the schema now differs from MLflow's there.
    public let widened: [RejectRecord.Widened]
    public let seconds: Double
    /// What `--timescaledb` made of `metrics`.
    public struct Hypertable: Sendable, Equatable {
        public let version: String
        public let chunkInterval: Int64
        public let chunks: Int
        public let bytesBefore: Int64
        public let bytesAfter: Int64
    }

    /// `metrics` as a compressed hypertable (`--timescaledb`), or nil.
    public var hypertable: Hypertable?
    /// True when MLflow's schema was read from the target's catalog (a revision newer than the build).
    public var schemaReadFromTarget = false
    /// How the connection to the target was protected.
    public var security: PGConnection.Security?
    /// For a bundle: xxHash64 of its manifest.json, as mlflow-export printed it.
    public var manifestChecksum: String?

    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }

    private func mebibytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    /// The human-readable report printed at the end of an import.
    public var text: String {
        let mode =
            switch targetState {
            case .empty: "created MLflow's schema"
            case .createdByMLflow: "loaded into the schema MLflow created"
            }
        let origin =
            schemaReadFromTarget
            ? "newer than this build: MLflow's schema read from the target's catalog" : "MLflow \(mlflowVersions.joined(separator: ", "))"
        var lines = ["Imported \(source) (revision \(revision), \(origin)) into \(target): \(mode)."]
        let width = max(5, tables.map(\.name.count).max() ?? 0)
        lines.append("  " + "table".padding(toLength: width, withPad: " ", startingAt: 0) + "        rows   seconds")
        for t in tables {
            lines.append(
                "  " + t.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(t.rows).leftPadded(12) + formatSeconds(t.seconds).leftPadded(10))
        }
        for s in sequences { lines.append("  sequence \(s.name): next value \(s.next)") }
        if let security { lines.append("  connection: \(security.line)") }
        if let h = hypertable {
            lines.append(
                "  metrics: TimescaleDB \(h.version) hypertable on timestamp, chunks of \(h.chunkInterval) ms; \(h.chunks) chunk(s) compressed, "
                    + "\(mebibytes(h.bytesBefore)) MiB before, \(mebibytes(h.bytesAfter)) MiB after")
        }
        for (table, rows) in leftOut.sorted(by: { $0.key < $1.key }) {
            lines.append("  left out of \(table): \(rows) row(s), recorded in the reject directory")
        }
        for w in widened {
            lines.append("  widened \(w.table).\(w.column) from \(w.from) to \(w.to): the schema now differs from MLflow's here")
        }
        if !unknownTables.isEmpty {
            lines.append("  not MLflow's, not loaded: \(unknownTables.joined(separator: ", "))")
        }
        let rate = seconds > 0 ? Int(Double(totalRows) / seconds) : totalRows
        lines.append("\(tables.count) tables, \(totalRows) rows in \(formatSeconds(seconds)) s (\(rate) rows/s).")
        if let manifestChecksum {
            lines.append("Bundle manifest.json xxh64 \(manifestChecksum): the same as mlflow-export printed, if the bundle arrived as written.")
        }
        return lines.joined(separator: "\n")
    }
}
