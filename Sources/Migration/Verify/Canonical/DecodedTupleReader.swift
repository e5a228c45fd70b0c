import PostgresTarget

/// The tuples of another reader in canonical form (`PGCanonicalDecoder`): the target's rows for
/// mlflow-verify, or a bundle's.
final class DecodedTupleReader: TupleReader {
    private let inner: any TupleReader
    private let decoder: PGCanonicalDecoder

    init(_ inner: any TupleReader, _ decoder: PGCanonicalDecoder) {
        self.inner = inner
        self.decoder = decoder
    }

    /// The next row in canonical form, valid until the following call; nil at the end.
    func next() throws -> BinaryTuple? {
        guard let tuple = try inner.next() else { return nil }
        return try decoder.decode(tuple)
    }
}
