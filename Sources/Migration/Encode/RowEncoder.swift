import MLflowSchema
import PostgresTarget
import SQLite

/// Converts the current SQLite row of a table scan into a binary COPY tuple, as the map says.
///
/// Every cell is checked against its column before it is encoded: storage class, NULL, integer
/// range, 0/1 booleans, NUL characters, ISO dates. Values are never coerced, truncated or dropped;
/// a value that does not fit is a `MigrationError.rejectedValue` naming the row and column.
/// The import sends these bytes; the verifier hashes them.
final class RowEncoder {
    let path: String
    let table: TableSpec
    let columns: [ColumnSpec]
    /// The hot path's view of the columns: type and nullability only, no strings to retain.
    private let types: [PGType]
    private let nullable: [Bool]
    /// Per column: rewrite artifact locations with this map (nil: copy as stored).
    private let rewrite: [ArtifactRootMap?]
    /// For tag tables: the column whose value decides whether the value column holds a location.
    private let tagKey: (index: Int32, keys: Set<String>)?

    init(path: String, table: TableSpec, artifactMap: ArtifactRootMap? = nil) {
        self.path = path
        self.table = table
        self.columns = table.loadedColumns
        self.types = columns.map(\.pgType)
        self.nullable = columns.map(\.nullable)
        let mapping = artifactMap.flatMap { $0.isEmpty ? nil : $0 }
        var located = Set(ArtifactLocations.columns(of: table))
        var tagKey: (index: Int32, keys: Set<String>)?
        if let tag = ArtifactLocations.tags[table.name], let k = columns.firstIndex(where: { $0.name == tag.key }) {
            located.insert(tag.value)
            tagKey = (Int32(k), tag.keys)
        }
        self.tagKey = tagKey
        self.rewrite = columns.map { located.contains($0.name) ? mapping : nil }
    }

    /// Appends the statement's current row to `out` as one tuple.
    @inline(__always)
    func encode(_ stmt: SQLiteStatement, into out: BinaryTupleBuffer) throws {
        out.beginRow(fields: types.count)
        for i in types.indices {
            try encode(stmt, i, into: out)
        }
    }

    @inline(__always)
    private func encode(_ stmt: SQLiteStatement, _ index: Int, into out: BinaryTupleBuffer) throws {
        let i = Int32(index)
        let storage = stmt.storage(i)
        if storage == .null {
            guard nullable[index] else { throw reject(stmt, columns[index], "NULL in a NOT NULL column") }
            return out.null()
        }
        switch types[index] {
        case .int8:
            guard storage == .integer else { throw mismatch(stmt, i, columns[index], storage) }
            out.int8(stmt.int64(i))
        case .int4:
            guard storage == .integer else { throw mismatch(stmt, i, columns[index], storage) }
            let v = stmt.int64(i)
            guard let narrow = Int32(exactly: v) else {
                throw reject(stmt, columns[index], "integer \(v) does not fit PostgreSQL integer (-2147483648...2147483647)")
            }
            out.int4(narrow)
        case .float8:
            guard storage == .real else { throw mismatch(stmt, i, columns[index], storage) }
            out.float8(stmt.double(i))
        case .bool:
            guard storage == .integer else { throw mismatch(stmt, i, columns[index], storage) }
            switch stmt.int64(i) {
            case 0: out.bool(false)
            case 1: out.bool(true)
            case let v: throw reject(stmt, columns[index], "boolean column holds \(v), not 0 or 1")
            }
        case .text, .json:
            guard storage == .text else { throw mismatch(stmt, i, columns[index], storage) }
            try stmt.withBytes(i) { bytes in
                if bytes.containsNUL {
                    throw reject(stmt, columns[index], "text contains a NUL (U+0000) character, which PostgreSQL text cannot store")
                }
                if let map = rewrite[index], tagKey.map({ $0.keys.contains(stmt.string($0.index)) }) ?? true,
                   let rewritten = map.rewrite(String(decoding: bytes, as: UTF8.self)) {
                    Array(rewritten.value.utf8).withUnsafeBytes { out.bytes($0) }
                } else {
                    out.bytes(bytes)
                }
            }
        case .date:
            guard storage == .text else { throw mismatch(stmt, i, columns[index], storage) }
            let text = stmt.string(i)
            guard let days = PGDate.daysSince2000(iso: text) else {
                throw reject(stmt, columns[index], "\(displayValue(text)) is not a date in YYYY-MM-DD form")
            }
            out.int4(days)
        case .bytea:
            guard storage == .blob else { throw mismatch(stmt, i, columns[index], storage) }
            stmt.withBytes(i) { out.bytes($0) }
        }
    }

    private func mismatch(_ stmt: SQLiteStatement, _ i: Int32, _ column: ColumnSpec, _ storage: SQLiteStorageClass) -> MigrationError {
        reject(stmt, column, "SQLite storage class \(storage.name) (\(displayCell(stmt, i))) where \(column.sqliteDeclared) expects \(column.pgType.expectedStorage.rawValue)")
    }

    private func reject(_ stmt: SQLiteStatement, _ column: ColumnSpec, _ problem: String) -> MigrationError {
        .rejectedValue(path: path, table: table.name, row: currentKey(stmt), column: column.name, problem: problem,
                       remedy: "Correct or remove this row in a copy of the SQLite file, then import the copy.")
    }

    /// The primary key of the statement's current row.
    func currentKey(_ stmt: SQLiteStatement) -> RowKey? {
        let parts = RowKey.parts(of: stmt, in: table)
        return parts.isEmpty ? nil : RowKey(parts: parts)
    }
}
