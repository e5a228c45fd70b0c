import PostgresTarget

/// Passes on the rows whose match key is (or, with `keep: false`, is not) in a set of key hashes.
///
/// mlflow-verify splits a merged target this way: rows under a key of the sources are the
/// merge's, the others were there before.
final class KeyFilterReader: TupleReader {
    private let inner: any TupleReader
    private let keys: Set<UInt64>
    private let match: [Int]
    private let keep: Bool

    init(_ inner: any TupleReader, keys: Set<UInt64>, match: [Int], keep: Bool) {
        self.inner = inner
        self.keys = keys
        self.match = match
        self.keep = keep
    }

    func next() throws -> BinaryTuple? {
        while let tuple = try inner.next() {
            if keys.contains(TableDigest.keyHash(tuple, match)) == keep { return tuple }
        }
        return nil
    }
}
