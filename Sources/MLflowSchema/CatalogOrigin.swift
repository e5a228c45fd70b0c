/// Where a schema read from a target's catalog came from, and how it looked when read.
public struct CatalogOrigin: Sendable, Equatable {
    /// The target, as shown to the operator.
    public let target: String
    /// The schema as read (tables, columns, keys, indexes, sequences), compared again under the import's locks.
    public let fingerprint: String

    public init(target: String, fingerprint: String) {
        self.target = target
        self.fingerprint = fingerprint
    }
}
