import MLflowSchema
import PostgresTarget
import SQLiteSource

/// Streams one table from the SQLite snapshot into a binary COPY, converting each cell by the map.
///
/// Every cell is checked against its column before it is encoded: storage class, NULL, integer
/// range, 0/1 booleans, NUL characters. Values are never coerced, truncated or dropped.
struct TableCopier {
    let source: SourceStore
    let table: TableSpec

    /// Copies every row; returns the number of rows sent.
    func copy(into stream: CopyInStream) throws -> Int {
        let columns = table.loadedColumns
        let stmt = try source.scan(table)
        var rows = 0
        do {
            while try stmt.step() {
                try stream.beginRow(fields: columns.count)
                for (i, column) in columns.enumerated() {
                    try encode(stmt, Int32(i), column, into: stream)
                }
                rows += 1
            }
        } catch let error as SQLiteError {
            throw MigrationError.sourceRead(path: source.path, table: table.name, error: error)
        }
        return rows
    }

    @inline(__always)
    private func encode(_ stmt: SQLiteStatement, _ i: Int32, _ column: ColumnSpec, into out: CopyInStream) throws {
        let storage = stmt.storage(i)
        if storage == .null {
            guard column.nullable else { throw reject(stmt, column, "NULL in a NOT NULL column") }
            return try out.null()
        }
        switch column.pgType {
        case .int8:
            guard storage == .integer else { throw mismatch(stmt, column, storage) }
            try out.int8(stmt.int64(i))
        case .int4:
            guard storage == .integer else { throw mismatch(stmt, column, storage) }
            let v = stmt.int64(i)
            guard let narrow = Int32(exactly: v) else {
                throw reject(stmt, column, "integer \(v) does not fit PostgreSQL integer (-2147483648...2147483647)")
            }
            try out.int4(narrow)
        case .float8:
            guard storage == .real else { throw mismatch(stmt, column, storage) }
            try out.float8(stmt.double(i))
        case .bool:
            guard storage == .integer else { throw mismatch(stmt, column, storage) }
            switch stmt.int64(i) {
            case 0: try out.bool(false)
            case 1: try out.bool(true)
            case let v: throw reject(stmt, column, "boolean column holds \(v), not 0 or 1")
            }
        case .text, .json:
            guard storage == .text else { throw mismatch(stmt, column, storage) }
            try stmt.withBytes(i) { bytes in
                if bytes.contains(0) {
                    throw reject(stmt, column, "text contains a NUL (U+0000) character, which PostgreSQL text cannot store")
                }
                try out.bytes(bytes)
            }
        case .date:
            guard storage == .text else { throw mismatch(stmt, column, storage) }
            let text = stmt.string(i)
            guard let days = PGDate.daysSince2000(iso: text) else {
                throw reject(stmt, column, "\(displayValue(text)) is not a date in YYYY-MM-DD form")
            }
            try out.int4(days)
        case .bytea:
            guard storage == .blob else { throw mismatch(stmt, column, storage) }
            try stmt.withBytes(i) { try out.bytes($0) }
        }
    }

    private func mismatch(_ stmt: SQLiteStatement, _ column: ColumnSpec, _ storage: SQLiteStorageClass) -> MigrationError {
        let value = storage == .blob ? "a blob" : displayValue(stmt.string(Int32(table.loadedColumns.firstIndex(of: column)!)))
        return reject(stmt, column, "SQLite storage class \(storage.name) (\(value)) where \(column.sqliteDeclared) expects \(column.pgType.expectedStorage.rawValue)")
    }

    private func reject(_ stmt: SQLiteStatement, _ column: ColumnSpec, _ problem: String) -> MigrationError {
        .rejectedValue(path: source.path, table: table.name, row: currentKey(stmt), column: column.name, problem: problem,
                       remedy: "Correct or remove this row in a copy of the SQLite file, then import the copy.")
    }

    /// The primary key of the statement's current row.
    private func currentKey(_ stmt: SQLiteStatement) -> RowKey? {
        let columns = table.loadedColumns
        let parts = table.primaryKey.compactMap { name -> (String, String)? in
            guard let i = columns.firstIndex(where: { $0.name == name }) else { return nil }
            return (name, displayCell(stmt, Int32(i)))
        }
        return parts.isEmpty ? nil : RowKey(parts: parts)
    }
}
