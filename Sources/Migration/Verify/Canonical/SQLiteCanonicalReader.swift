import MLflowSchema
import PostgresTarget
import SQLite

/// Reads an SQLite table's rows as canonical rows (`CanonicalTupleBuffer`): the verifier's source side.
///
/// Each cell goes in as SQLite gives it: an integer as its 64-bit value (a 0 or 1 in a `boolean`
/// column as one byte), a real as its bits, text and blobs as their bytes, NULL as NULL. Artifact
/// locations are rewritten by the map the import was given (`ArtifactColumns`, the one piece shared
/// with the import's path). Nothing of the encoder is used, so a fault in it shows up as a difference. A cell of a storage class that its column cannot take
/// (which the import refuses) stops the comparison with `rejectedValue`: canonical values of
/// different classes could otherwise look alike.
final class SQLiteCanonicalReader: TupleReader {
    /// What a column's canonical value is made from.
    enum Kind {
        case integer, boolean, double, text, bytes
    }

    let source: SQLiteSource
    let table: TableSpec
    private let kinds: [Kind]
    private let stmt: SQLiteStatement
    private let locations: ArtifactColumns
    private let buffer = CanonicalTupleBuffer()
    private let reader: BinaryTupleReader

    /// Reads the table's rows, except those the source leaves out, in rowid order.
    init(source: SQLiteSource, table: TableSpec) throws {
        self.source = source
        self.table = table
        kinds = table.loadedColumns.map { Self.kind(of: $0.pgType) }
        stmt = try source.scan(table)
        locations = ArtifactColumns(table: table, map: source.artifactMap)
        reader = BinaryTupleReader(expectHeader: false, fields: kinds.count)
    }

    static func kind(of type: PGType) -> Kind {
        switch type {
        case .int4, .int8: .integer
        case .bool: .boolean
        case .float8: .double
        case .text, .json, .date: .text
        case .bytea: .bytes
        }
    }

    /// The next row in canonical form, valid until the following call; nil at the end.
    func next() throws -> BinaryTuple? {
        guard try source.step(stmt, table) else { return nil }
        buffer.removeAll()
        buffer.beginRow(fields: kinds.count)
        for (index, kind) in kinds.enumerated() {
            let i = Int32(index)
            switch (stmt.storage(i), kind) {
            case (.null, _):
                buffer.null()
            case (.integer, .integer):
                buffer.integer(stmt.int64(i))
            case (.integer, .boolean):
                // Anything but 0 or 1 stays an integer, which no PostgreSQL boolean equals.
                let value = stmt.int64(i)
                if value == 0 || value == 1 { buffer.boolean(UInt8(value)) } else { buffer.integer(value) }
            case (.real, .double):
                buffer.double(bits: stmt.double(i).bitPattern)
            case (.text, .text):
                let bytes = stmt.textBytes(i)
                if let rewritten = locations.rewrite(stmt, index, bytes) {
                    rewritten.bytes.withUnsafeBytes { buffer.raw($0) }
                } else {
                    buffer.raw(bytes)
                }
            case (.blob, .bytes):
                buffer.raw(stmt.blobBytes(i))
            case (let storage, _):
                let column = table.loadedColumns[index]
                let key = RowKey.parts(of: stmt, in: table)
                throw MigrationError.rejectedValue(
                    path: source.path, table: table.name, row: key.isEmpty ? nil : RowKey(parts: key), column: column.name,
                    problem: "SQLite stores a \(storage.name) value where the column is \(column.pgType.description): \(stmt.display(i))",
                    remedy: "The import refuses such a row; nothing equal to it can be in the target. Check the source with mlflow-import --dry-run.")
            }
        }
        var offset = 0
        return try reader.tuple(in: buffer.bytes, at: &offset)
    }
}
