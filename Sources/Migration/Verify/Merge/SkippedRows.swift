import PostgresTarget

/// The source rows a merge did not add because the target had them, and whether it does.
///
/// A row merged into the target's experiment or model only needs its key there; a tag the target
/// held with the same value must be there equal, byte for byte in canonical form.
final class SkippedRows {
    /// Per match-key hash: the row's checksum and whether the target must hold it equal.
    private(set) var rows: [UInt64: (checksum: UInt64, equal: Bool)] = [:]
    /// Per match-key hash found in the target: whether it is as required.
    private(set) var found: [UInt64: Bool] = [:]

    /// Notes a row left out of the sources' side.
    func note(_ tuple: BinaryTuple, equal: Bool, match: [Int]) {
        rows[TableDigest.keyHash(tuple, match)] = (XXH64.hash(tuple.bytes), equal)
    }

    /// Checks a target row with this match-key hash against the noted row, if there is one.
    func check(_ tuple: BinaryTuple, key: UInt64) {
        guard let row = rows[key] else { return }
        found[key] = !row.equal || XXH64.hash(tuple.bytes) == row.checksum
    }
}
