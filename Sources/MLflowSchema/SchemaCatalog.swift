/// The MLflow revisions this build supports, looked up by alembic revision.
public struct SchemaCatalog: Sendable {
    /// Every supported revision.
    public let revisions: [SchemaRevision]

    /// The catalog compiled into this binary from `schema/`.
    public static let embedded: SchemaCatalog = {
        do {
            return SchemaCatalog(revisions: try EmbeddedRevision.all.map {
                try SchemaRevision(mapJSON: $0.map, preDataSQL: $0.preData, postDataSQL: $0.postData)
            })
        } catch {
            // The embedded files are checked by tests; a failure here is a build defect.
            preconditionFailure("embedded schema map is invalid: \(error)")
        }
    }()

    public init(revisions: [SchemaRevision]) {
        self.revisions = revisions
    }

    /// The revision with this alembic id, if supported.
    public func revision(_ id: String) -> SchemaRevision? {
        revisions.first { $0.revision == id }
    }

    /// A one-line list of the supported revisions and their MLflow versions, for messages.
    public var supportedSummary: String {
        revisions.map { "\($0.revision) (MLflow \($0.mlflowVersions.joined(separator: ", ")))" }
            .joined(separator: "; ")
    }
}
