import Foundation

/// The MLflow revisions this build supports, looked up by alembic revision.
public struct SchemaCatalog: Sendable {
    /// Every supported revision, oldest first (in MLflow's migration chain).
    public let revisions: [SchemaRevision]
    /// MLflow's alembic migration chain, base first: supported and unsupported revisions alike.
    public let chain: [String]

    /// The catalog compiled into this binary from `schema/`.
    public static let embedded: SchemaCatalog = {
        do {
            let chain = try JSONDecoder().decode(ChainFile.self, from: Data(EmbeddedRevision.chain.utf8)).chain.map(\.revision)
            return SchemaCatalog(
                revisions: try EmbeddedRevision.all.map {
                    try SchemaRevision(mapJSON: $0.map, preDataSQL: $0.preData, postDataSQL: $0.postData)
                }, chain: chain)
        } catch {
            // The embedded files are checked by tests; a failure here is a build defect.
            preconditionFailure("embedded schema map is invalid: \(error)")
        }
    }()

    public init(revisions: [SchemaRevision], chain: [String] = []) {
        self.chain = chain
        let position = Dictionary(chain.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.revisions = revisions.sorted { (position[$0.revision] ?? .max, $0.revision) < (position[$1.revision] ?? .max, $1.revision) }
    }

    /// The supported revisions just before and just after `revision` in MLflow's migration chain,
    /// or nil when the revision is not in the chain at all.
    public func nearest(to revision: String) -> (before: SchemaRevision?, after: SchemaRevision?)? {
        guard let at = chain.firstIndex(of: revision) else { return nil }
        let supported = Set(revisions.map(\.revision))
        let before = chain[..<at].last(where: supported.contains).flatMap(self.revision)
        let after = chain[(at + 1)...].first(where: supported.contains).flatMap(self.revision)
        return (before, after)
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

/// The on-disk shape of `schema/alembic-chain.json`.
private struct ChainFile: Decodable {
    struct Entry: Decodable { let revision: String }
    let chain: [Entry]
}
