import Foundation
import MLflowSchema

@testable import Migration

/// Fills the empty tables of an SQLite store with rows that satisfy its revision's constraints.
///
/// For tables that MLflow's client API does not write (the AI gateway's endpoints and secrets,
/// scorers, jobs, webhooks, MCP servers, review queues, server-side rollups, ...): two rows each,
/// in the schema's order (parents first). A foreign key takes the key of a parent row (existing or
/// filled before), a CHECK column one of its allowed values, a `workspace` column MLflow's default
/// workspace, every other column a value of its type
/// that fits it (text within its `varchar(n)`, ISO dates, JSON, bytes), distinct per row.
enum SchemaFiller {
    /// The SQL (SQLite) that fills every empty table of `store`, and the tables it fills.
    static func sql(for store: String) throws -> (sql: String, tables: [String]) {
        let source = try SQLiteSource(path: store)
        let schema = source.schema
        var generated: [String: [[String: String]]] = [:]
        var statements: [String] = []
        var filled: [String] = []

        /// Up to two rows of a table as SQL literals by column: those filled here, or the store's own.
        func rows(of table: String) throws -> [[String: String]] {
            if let rows = generated[table] { return rows }
            guard let spec = schema.table(table) else { return [] }
            let columns = spec.loadedColumns.map(\.name)
            let list = columns.map { "quote(\(sqlQuote($0)))" }.joined(separator: ", ")
            return try source.db.rows("SELECT \(list) FROM \(sqlQuote(table)) LIMIT 2").map { values in
                Dictionary(uniqueKeysWithValues: zip(columns, values.map { $0 ?? "NULL" }))
            }
        }

        for table in schema.tables where try source.rowCount(table) == 0 {
            var made: [[String: String]] = []
            for i in 0..<2 {
                var row: [String: String] = [:]
                for fk in schema.foreignKeys where fk.table == table.name {
                    let parents = fk.parent == table.name ? made : try rows(of: fk.parent)
                    for (column, parentColumn) in zip(fk.columns, fk.parentColumns) {
                        row[column] = parents.isEmpty ? "NULL" : parents[i % parents.count][parentColumn] ?? "NULL"
                    }
                }
                for column in table.loadedColumns where row[column.name] == nil {
                    if column.name == "workspace" {
                        // MLflow refuses to start with rows outside its default workspace while workspaces are off.
                        row[column.name] = sqlLiteral("default")
                    } else if let allowed = schema.allowedValues(table: table.name, column: column.name), !allowed.isEmpty {
                        row[column.name] = sqlLiteral(allowed[i % allowed.count])
                    } else {
                        row[column.name] = value(column, table: table.name, index: i)
                    }
                }
                made.append(row)
                let columns = table.loadedColumns.map(\.name)
                statements.append(
                    "INSERT OR IGNORE INTO \(sqlQuote(table.name)) (\(columns.map(sqlQuote).joined(separator: ", "))) VALUES ("
                        + columns.map { row[$0]! }.joined(separator: ", ") + ");")
            }
            generated[table.name] = made
            filled.append(table.name)
        }
        return (statements.joined(separator: "\n"), filled)
    }

    /// A value of the column's type, distinct for each row index, as an SQLite literal.
    static func value(_ column: ColumnSpec, table: String, index i: Int) -> String {
        switch column.pgType {
        case .int4: return String(1000 + i)
        case .int8: return String(1_764_374_400_000 + i)
        case .float8: return String(0.25 + Double(i))
        case .bool: return String(i % 2)
        case .json: return sqlLiteral("{\"filled\": \(i), \"text\": \"ünï \(table)\"}")
        case .date: return sqlLiteral(i == 0 ? "2026-11-29" : "1999-12-31")
        case .bytea: return "X'00FF\(String(format: "%02X", i))0A'"
        case .text(let limit):
            var text = "\(column.name) \(i) ünï"
            if let limit, text.count > limit { text = String(text.suffix(limit)) }
            return sqlLiteral(text)
        }
    }
}
