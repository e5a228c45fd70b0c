import MLflowSchema
import PostgresTarget
import SQLiteSource

/// Reads one table from both sides as binary COPY tuples, one at a time.
struct TableScanner {
    let source: any MigrationSource
    let conn: PGConnection
    let table: TableSpec

    /// Every source row, exactly as the import sends it.
    func sourceRows() throws -> any TupleReader {
        try source.tuples(table)
    }

    /// Every target row, as `COPY ... TO STDOUT (FORMAT binary)` sends it.
    func targetRows() throws -> CopyOutReader {
        let columns = table.loadedColumns.map { conn.quoteIdentifier($0.name) }.joined(separator: ", ")
        return try CopyOutReader(connection: conn,
                                 sql: "COPY \(conn.quoteIdentifier(table.name)) (\(columns)) TO STDOUT (FORMAT binary)",
                                 operation: "reading \(table.name)", maxFields: table.loadedColumns.count)
    }
}

/// Pulls the rows of a table from the SQLite snapshot as binary COPY tuples.
final class SourceTupleReader: TupleReader {
    let source: SourceStore
    let table: TableSpec
    private let stmt: SQLiteStatement
    private let encoder: RowEncoder
    private let buffer = BinaryTupleBuffer()
    private let reader: BinaryTupleReader
    private let skipping: Set<Int64>
    private let rowidColumn: Int32

    init(source: SourceStore, table: TableSpec, skipping: Set<Int64> = []) throws {
        self.skipping = skipping
        self.rowidColumn = Int32(table.loadedColumns.count)
        self.source = source
        self.table = table
        self.stmt = try source.scan(table)
        self.encoder = RowEncoder(path: source.path, table: table, artifactMap: source.artifactMap)
        self.reader = BinaryTupleReader(expectHeader: false, maxFields: max(1, table.loadedColumns.count))
    }

    /// The next row's tuple, valid until the following call; nil at the end.
    @inline(__always)
    func next() throws -> BinaryTuple? {
        guard try source.step(stmt, table) else { return nil }
        while !skipping.isEmpty, skipping.contains(stmt.int64(rowidColumn)) {
            guard try source.step(stmt, table) else { return nil }
        }
        buffer.removeAll()
        try encoder.encode(stmt, into: buffer)
        var offset = 0
        return try reader.tuple(in: buffer.bytes, at: &offset)
    }
}
