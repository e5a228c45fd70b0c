import MLflowSchema
import PostgresTarget

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
        return try CopyOutReader(
            connection: conn,
            sql: "COPY \(conn.quoteIdentifier(table.name)) (\(columns)) TO STDOUT (FORMAT binary)",
            operation: "reading \(table.name)", fields: table.loadedColumns.count)
    }
}
