import MLflowSchema
import SQLite

extension RowKey {
    /// The primary key of a table scan's current row (columns in `SQLiteSource.scan` order), displayed.
    static func parts(of stmt: SQLiteStatement, in table: TableSpec) -> [ColumnValue] {
        let columns = table.loadedColumns
        return table.primaryKey.compactMap { name in
            columns.firstIndex { $0.name == name }.map { ColumnValue(column: name, value: stmt.display(Int32($0))) }
        }
    }
}
