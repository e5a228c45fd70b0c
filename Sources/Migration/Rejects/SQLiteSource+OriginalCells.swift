import Foundation
import MLflowSchema

extension SQLiteSource {
    /// The cells of one row exactly as SQLite stores them, for the reject record.
    func originalCells(_ table: TableSpec, columns: [ColumnSpec], rowid: Int64) throws -> [RejectedRow.Cell] {
        let list = columns.map { sqlQuote($0.name) }.joined(separator: ", ")
        return try Self.read(db, path: path, table: table.name) { db in
            let stmt = try db.prepare("SELECT \(list) FROM \(sqlQuote(table.name)) WHERE rowid = ?")
            try stmt.bind(1, rowid)
            guard try stmt.step() else { return [] }
            return columns.indices.map { i in
                let c = Int32(i)
                switch stmt.storage(c) {
                case .null: return .init(column: columns[i].name, type: "null", value: nil, base64: nil)
                case .integer: return .init(column: columns[i].name, type: "integer", value: String(stmt.int64(c)), base64: nil)
                case .real: return .init(column: columns[i].name, type: "real", value: hex(stmt.double(c).bitPattern), base64: nil)
                case .text:
                    return .init(column: columns[i].name, type: "text", value: nil, base64: stmt.withBytes(c) { Data($0).base64EncodedString() })
                case .blob:
                    return .init(column: columns[i].name, type: "blob", value: nil, base64: stmt.withBytes(c) { Data($0).base64EncodedString() })
                }
            }
        }
    }
}
