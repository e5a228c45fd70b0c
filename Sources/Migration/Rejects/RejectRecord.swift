/// The record of everything an import left out or changed (docs/reject-format.md): `rejects.json` (summary, widened
/// columns) and `rows/<table>.jsonl` (each left-out row with its original SQLite values and the reason).
///
/// `mlflow-verify --reject-dir` reads it.
public struct RejectRecord: Codable, Sendable {
    public struct Widened: Codable, Sendable, Equatable {
        public let table: String
        public let column: String
        public let from: String
        public let to: String
    }

    public struct LeftOut: Codable, Sendable {
        public let table: String
        public let rows: Int
        public let reasons: [String: Int]
    }

    public var format = "mlflow-pg-migrate-rejects"
    public var formatVersion = 1
    public let source: String
    public let revision: String
    public let createdAt: String
    public let widened: [Widened]
    public let leftOut: [LeftOut]
    /// The `--artifact-root-map` rules the import applied.
    public var artifactRootMap: [ArtifactRootMap.Rule] = []

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", source, revision, createdAt = "created_at", widened, leftOut = "left_out"
        case artifactRootMap = "artifact_root_map"
    }

    public init(source: String, revision: String, createdAt: String, widened: [Widened], leftOut: [LeftOut], artifactRootMap: [ArtifactRootMap.Rule])
    {
        self.source = source
        self.revision = revision
        self.createdAt = createdAt
        self.widened = widened
        self.leftOut = leftOut
        self.artifactRootMap = artifactRootMap
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        source = try c.decode(String.self, forKey: .source)
        revision = try c.decode(String.self, forKey: .revision)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        widened = try c.decode([Widened].self, forKey: .widened)
        leftOut = try c.decode([LeftOut].self, forKey: .leftOut)
        artifactRootMap = try c.decodeIfPresent([ArtifactRootMap.Rule].self, forKey: .artifactRootMap) ?? []
    }
}
