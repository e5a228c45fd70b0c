import MLflowSchema
import PostgresTarget
import SQLite

/// Pulls the rows of a table from the SQLite snapshot as binary COPY tuples.
final class SQLiteTupleReader: TupleReader {
    let source: SQLiteSource
    let table: TableSpec
    private let stmt: SQLiteStatement
    private let encoder: RowEncoder
    private let buffer = BinaryTupleBuffer()
    private let reader: BinaryTupleReader

    /// Reads the table's rows except those the source leaves out.
    init(source: SQLiteSource, table: TableSpec) throws {
        self.source = source
        self.table = table
        self.stmt = try source.scan(table)
        self.encoder = RowEncoder(path: source.path, table: table, artifactMap: source.artifactMap)
        self.reader = BinaryTupleReader(expectHeader: false, fields: table.loadedColumns.count)
    }

    /// The next row's tuple, valid until the following call; nil at the end.
    @inline(__always)
    func next() throws -> BinaryTuple? {
        guard try source.step(stmt, table) else { return nil }
        buffer.removeAll()
        try encoder.encode(stmt, into: buffer)
        var offset = 0
        return try reader.tuple(in: buffer.bytes, at: &offset)
    }
}
