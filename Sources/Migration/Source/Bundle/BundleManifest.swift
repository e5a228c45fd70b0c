/// `manifest.json` of a bundle: what was exported, from where, and how to check every file.
///
/// The format is documented in docs/bundle-format.md. Decoding is strict: a missing key or a value
/// of the wrong type refuses the bundle.
public struct BundleManifest: Codable, Sendable {
    public static let formatName = "mlflow-pg-migrate-bundle"
    /// 2: content checksums of the canonical form mlflow-verify reports (1: of the binary COPY tuples).
    public static let currentVersion = 2
    /// 3: a bundle with widened columns (`policy.widened`), which builds before it would misread.
    public static let widenedVersion = 3
    /// The versions this build reads.
    public static let readableVersions = 1...3

    public struct Source: Codable, Sendable {
        /// The file name only, never a path of the exporting machine.
        public let name: String
        public let size: Int64
        /// xxHash64 of the file as read when the export started, 16 hex digits.
        public let xxh64: String
    }

    public struct Column: Codable, Sendable {
        public let name: String
        /// The PostgreSQL type (`format_type()` spelling).
        public let type: String
    }

    public struct Table: Codable, Sendable {
        public let name: String
        public let columns: [Column]
        public let rows: Int
        /// The content checksum mlflow-verify computes (sum of xxHash64 over the row tuples).
        public let contentChecksum: String
        /// Relative to the bundle: always `data/<table>.pgcopy`.
        public let file: String
        public let size: Int64
        /// xxHash64 of the whole data file, 16 hex digits (`xxhsum -H64` prints the same).
        public let xxh64: String

        enum CodingKeys: String, CodingKey {
            case name, columns, rows, contentChecksum = "content_checksum", file, size, xxh64
        }
    }

    public struct Sequence: Codable, Sendable {
        public let name: String
        public let table: String
        public let column: String
        /// The value MLflow's next insert would get on the source.
        public let next: Int64
    }

    /// The export's pre-flight and the policies it applied (absent in bundles of builds before 0.19).
    public struct Policy: Codable, Sendable, Equatable {
        /// True: every row was checked as `mlflow-import --dry-run` checks it, and the bundle holds none PostgreSQL would reject.
        public let preflighted: Bool
        /// Problem kinds whose rows were left out (`--skip-rows`).
        public let skipRows: [String]
        /// Rows left out, per table (recorded in the export's reject directory).
        public let leftOut: [String: Int]
        /// Columns widened (`--widen-too-long`, `--widen-integers`); the data files hold the wider type.
        public let widened: [RejectRecord.Widened]

        enum CodingKeys: String, CodingKey {
            case preflighted, skipRows = "skip_rows", leftOut = "left_out", widened
        }
    }

    public let format: String
    public let formatVersion: Int
    public let tool: String
    public let toolVersion: String
    /// ISO 8601, UTC.
    public let createdAt: String
    public let source: Source
    public let revision: String
    public let mlflowVersions: [String]
    public let tables: [Table]
    public let sequences: [Sequence]
    /// Tables of the source that the schema map does not know; not exported.
    public let unknownTables: [String]
    /// The `--artifact-root-map` rules the export applied (absent: values as the source holds them).
    public let artifactRootMap: [ArtifactRootMap.Rule]?
    public var policy: Policy? = nil

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", tool, toolVersion = "tool_version", createdAt = "created_at"
        case source, revision, mlflowVersions = "mlflow_versions", tables, sequences, unknownTables = "unknown_tables"
        case artifactRootMap = "artifact_root_map", policy
    }

    /// The expected relative path of a table's data file.
    public static func fileName(for table: String) -> String { "data/\(table).pgcopy" }
}
