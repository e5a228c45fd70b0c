import Foundation

/// The MLflow revisions this build supports, looked up by alembic revision.
///
/// A revision's map and DDL are decoded when it is looked up, not when the catalog is made: a run
/// uses one revision of the dozens embedded.
public struct SchemaCatalog: Sendable {
    /// One supported revision: its alembic id and MLflow versions, and how to decode the rest.
    public struct Entry: Sendable {
        /// The alembic head revision.
        public let revision: String
        /// The MLflow releases whose fresh stores are at this revision.
        public let mlflowVersions: [String]
        let decode: @Sendable () throws -> SchemaRevision
    }

    /// Every supported revision, oldest first (in MLflow's migration chain).
    public let entries: [Entry]
    /// MLflow's alembic migration chain, base first: supported and unsupported revisions alike.
    public let chain: [String]

    /// The environment variable that hides revisions from the embedded catalog (tests only).
    ///
    /// A comma-separated list of alembic ids, which the build then treats as if it predated them:
    /// for tests of the forward path (`TargetCatalog`). It only ever makes the build know less.
    public static let hideVariable = "MLFLOW_PG_MIGRATE_TEST_HIDE_REVISIONS"

    /// The catalog compiled into this binary from `schema/`, less the revisions `hideVariable` names.
    public static let embedded: SchemaCatalog = {
        let hidden = Set((ProcessInfo.processInfo.environment[hideVariable] ?? "").split(separator: ",").map(String.init))
        do {
            let chain = try JSONDecoder().decode(ChainFile.self, from: Data(EmbeddedRevision.chain.utf8)).chain.map(\.revision)
                .filter { !hidden.contains($0) }
            let entries = try EmbeddedRevision.all.filter { !hidden.contains($0.revision) }.map { embedded in
                // The map's text before its tables closes into a small JSON document of its own.
                let head = try JSONDecoder().decode(MapHead.self, from: Data((embedded.mapHead + "]}").utf8))
                return Entry(revision: embedded.revision, mlflowVersions: head.mlflowVersions) {
                    try SchemaRevision(mapJSON: embedded.map, preDataSQL: embedded.preData, postDataSQL: embedded.postData)
                }
            }
            return SchemaCatalog(entries: entries, chain: chain)
        } catch {
            // The embedded files are checked by tests; a failure here is a build defect.
            preconditionFailure("embedded schema map is invalid: \(error)")
        }
    }()

    init(entries: [Entry], chain: [String]) {
        self.chain = chain
        let position = Dictionary(chain.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.entries = entries.sorted { (position[$0.revision] ?? .max, $0.revision) < (position[$1.revision] ?? .max, $1.revision) }
    }

    /// This catalog and one revision more: a schema read from a target (`TargetCatalog`).
    public func adding(_ schema: SchemaRevision) -> SchemaCatalog {
        let entry = Entry(revision: schema.revision, mlflowVersions: schema.mlflowVersions) { schema }
        return SchemaCatalog(entries: entries.filter { $0.revision != schema.revision } + [entry], chain: chain)
    }

    /// Every supported revision decoded, oldest first (for tests and listings; a run looks up one).
    public var revisions: [SchemaRevision] { entries.compactMap { revision($0.revision) } }

    /// The supported revisions just before and just after `revision` in MLflow's migration chain,
    /// or nil when the revision is not in the chain at all.
    public func nearest(to revision: String) -> (before: Entry?, after: Entry?)? {
        guard let at = chain.firstIndex(of: revision) else { return nil }
        let supported = Set(entries.map(\.revision))
        let before = chain[..<at].last(where: supported.contains).flatMap(entry)
        let after = chain[(at + 1)...].first(where: supported.contains).flatMap(entry)
        return (before, after)
    }

    /// The entry of the revision with this alembic id, if supported.
    public func entry(_ id: String) -> Entry? {
        entries.first { $0.revision == id }
    }

    /// The revision with this alembic id, decoded, if supported.
    public func revision(_ id: String) -> SchemaRevision? {
        guard let entry = entry(id) else { return nil }
        do {
            return try entry.decode()
        } catch {
            // The embedded files are checked by tests; a failure here is a build defect.
            preconditionFailure("schema map of \(id) is invalid: \(error)")
        }
    }
}

/// The start of a `map.json`: what the catalog lists without decoding the revision.
private struct MapHead: Decodable {
    let mlflowVersions: [String]
}

/// The on-disk shape of `schema/alembic-chain.json`.
private struct ChainFile: Decodable {
    struct Entry: Decodable { let revision: String }
    let chain: [Entry]
}
