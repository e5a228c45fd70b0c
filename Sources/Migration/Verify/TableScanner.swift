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
    func targetRows() throws -> any TupleReader {
        let columns = table.loadedColumns.map { conn.quoteIdentifier($0.name) }.joined(separator: ", ")
        let copy = try CopyOutReader(
            connection: conn,
            sql: "COPY \(conn.quoteIdentifier(table.name)) (\(columns)) TO STDOUT (FORMAT binary)",
            operation: "reading \(table.name)", fields: table.loadedColumns.count)
        let operation = "reading \(table.name)"
        return DecodedTupleReader(copy, PGCanonicalDecoder(table: table) { .targetReadFailed(error: PGError(operation: operation, message: $0)) })
    }
}
