import Foundation
import MLflowSchema
import SQLite

extension SQLiteSource {
    /// Calls `body` with every left-out row of a table, in rowid order: its rowid, its cells
    /// exactly as SQLite stores them (for the reject record) and its key, displayed.
    func forEachLeftOutRow(_ table: TableSpec, _ body: (Int64, [RejectedRow.Cell], [ColumnValue]) throws -> Void) throws {
        guard (leftOut[table.name] ?? 0) > 0 else { return }
        let columns = table.loadedColumns
        let list = columns.map { "t.\(sqlQuote($0.name))" }.joined(separator: ", ")
        let stmt = try Self.read(db, path: path, table: table.name) { db in
            try db.prepare(
                "SELECT \(list), t.rowid FROM \(SQLiteScratch.leftOut) l JOIN \(sqlQuote(table.name)) AS t ON t.rowid = l.row"
                    + " WHERE l.tbl = \(sqlLiteral(table.name)) ORDER BY l.row")
        }
        while try step(stmt, table) {
            try body(stmt.int64(Int32(columns.count)), Self.originalCells(stmt, columns), RowKey.parts(of: stmt, in: table))
        }
    }

    /// The cells of the current row exactly as SQLite stores them.
    private static func originalCells(_ stmt: SQLiteStatement, _ columns: [ColumnSpec]) -> [RejectedRow.Cell] {
        columns.indices.map { i in
            let c = Int32(i)
            switch stmt.storage(c) {
            case .null: return .init(column: columns[i].name, type: "null", value: nil, base64: nil)
            case .integer: return .init(column: columns[i].name, type: "integer", value: String(stmt.int64(c)), base64: nil)
            case .real: return .init(column: columns[i].name, type: "real", value: hex(stmt.double(c).bitPattern), base64: nil)
            case .text: return .init(column: columns[i].name, type: "text", value: nil, base64: Data(stmt.textBytes(c)).base64EncodedString())
            case .blob: return .init(column: columns[i].name, type: "blob", value: nil, base64: Data(stmt.blobBytes(c)).base64EncodedString())
            }
        }
    }
}
