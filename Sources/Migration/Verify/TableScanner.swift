import MLflowSchema
import PostgresTarget

/// Reads one table from both sides in the canonical form (`CanonicalTupleBuffer`), one row at a time.
///
/// The two sides get there by separate code: the source's cells as SQLite gives them
/// (`SQLiteCanonicalReader`), or a bundle's tuples decoded; the target's binary COPY tuples decoded
/// by `PGCanonicalDecoder`. The encoder that made the target's rows takes no part.
struct TableScanner {
    let source: any MigrationSource
    let conn: PGConnection
    let table: TableSpec

    /// Every source row.
    func sourceRows() throws -> any TupleReader {
        try source.canonicalRows(table)
    }

    /// Every target row, read with `COPY ... TO STDOUT (FORMAT binary)` and decoded.
    ///
    /// `COPY table TO` reads the table's own rows only: a table with child tables (a TimescaleDB
    /// hypertable, whose rows live in its chunks, compressed or not) is read with a query instead.
    func targetRows() throws -> any TupleReader {
        let name = conn.quoteIdentifier(table.name)
        let columns = table.loadedColumns.map { conn.quoteIdentifier($0.name) }.joined(separator: ", ")
        let hasChildren = try conn.query("SELECT relhassubclass FROM pg_class WHERE oid = $1::regclass", [name]).scalar == "t"
        let relation = hasChildren ? "(SELECT \(columns) FROM \(name))" : "\(name) (\(columns))"
        let copy = try CopyOutReader(
            connection: conn,
            sql: "COPY \(relation) TO STDOUT (FORMAT binary)",
            operation: "reading \(table.name)", fields: table.loadedColumns.count)
        let operation = "reading \(table.name)"
        return DecodedTupleReader(copy, PGCanonicalDecoder(table: table) { .targetReadFailed(error: PGError(operation: operation, message: $0)) })
    }
}
