import MLflowSchema
import SQLite

/// The cells of one table that hold artifact locations, and the rewrite `--artifact-root-map` makes.
///
/// A column named by `ArtifactLocations.columns` always holds a location; a tag table's value
/// column holds one only when the row's key is one of `ArtifactLocations.tags`' keys.
struct ArtifactColumns {
    /// Per loaded column: true when it may hold a location.
    private let located: [Bool]
    /// For tag tables: the key column and the keys whose values are locations.
    private let tagKey: (index: Int32, keys: Set<String>)?
    /// The rules; nil or empty: nothing is rewritten.
    let map: ArtifactRootMap?

    init(table: TableSpec, map: ArtifactRootMap?) {
        let columns = table.loadedColumns
        var names = Set(ArtifactLocations.columns(of: table))
        var tagKey: (index: Int32, keys: Set<String>)?
        if let tag = ArtifactLocations.tags[table.name], let k = columns.firstIndex(where: { $0.name == tag.key }) {
            names.insert(tag.value)
            tagKey = (Int32(k), tag.keys)
        }
        self.located = columns.map { names.contains($0.name) }
        self.tagKey = tagKey
        self.map = map.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when cell `index` of the current row holds an artifact location.
    func holdsLocation(_ stmt: SQLiteStatement, _ index: Int) -> Bool {
        guard located[index] else { return false }
        return tagKey.map { $0.keys.contains(stmt.string($0.index)) } ?? true
    }

    /// The rewritten location and the rule used, when the cell holds a location a rule matches.
    @inline(__always)
    func rewrite(_ stmt: SQLiteStatement, _ index: Int, _ bytes: UnsafeRawBufferPointer) -> (bytes: [UInt8], rule: ArtifactRootMap.Rule)? {
        guard let map, located[index], holdsLocation(stmt, index) else { return nil }
        return map.rewrite(bytes)
    }
}
