import MLflowSchema
import PostgresTarget
import SQLite

/// Converts the current SQLite row of a table scan into a binary COPY tuple, as the map says.
///
/// Every cell goes through `CellRules` before it is encoded: storage class, NULL, integer range,
/// 0/1 booleans, ISO dates, NUL characters. Values are never coerced, truncated or dropped; a
/// value that does not fit is a `MigrationError.rejectedValue` naming the row and column.
/// The import and the export send these bytes; the verifier hashes them.
final class RowEncoder {
    let path: String
    let table: TableSpec
    let columns: [ColumnSpec]
    /// The hot path's view of the columns: type and nullability only, no strings to retain.
    private let types: [PGType]
    private let nullable: [Bool]
    /// Which cells hold artifact locations and how to rewrite them (`--artifact-root-map`).
    private let locations: ArtifactColumns
    #if DEBUG
    /// Test-only (`RowEncoder+PlantedFault`).
    private let plantedColumn: Int?
    private let rewriteTwice: Bool
    #endif

    init(path: String, table: TableSpec, artifactMap: ArtifactRootMap? = nil) {
        self.path = path
        self.table = table
        self.columns = table.loadedColumns
        self.types = columns.map(\.pgType)
        self.nullable = columns.map(\.nullable)
        self.locations = ArtifactColumns(table: table, map: artifactMap)
        #if DEBUG
        plantedColumn = Self.plantedColumn(in: table)
        rewriteTwice = Self.planted == .artifactRewriteTwice
        #endif
    }

    /// Appends the statement's current row to `out` as one tuple.
    @inline(__always)
    func encode(_ stmt: SQLiteStatement, into out: BinaryTupleBuffer) throws {
        out.beginRow(fields: types.count)
        for index in types.indices {
            let i = Int32(index)
            do {
                #if DEBUG
                if index == plantedColumn {
                    Self.encodeWrongly(try CellRules.read(stmt, i, as: types[index], nullable: nullable[index]), types[index], into: out)
                    continue
                }
                #endif
                switch try CellRules.read(stmt, i, as: types[index], nullable: nullable[index]) {
                case .null: out.null()
                case .int4(let value): out.int4(value)
                case .int8(let value): out.int8(value)
                case .float8(let value): out.float8(value)
                case .bool(let value): out.bool(value)
                case .date(let days): out.int4(days)
                case .bytea(let bytes): out.bytes(bytes)
                case .text(let bytes):
                    try CellRules.text(bytes)
                    if let rewritten = locations.rewrite(stmt, index, bytes) {
                        #if DEBUG
                        if rewriteTwice, let again = rewritten.bytes.withUnsafeBytes({ locations.rewrite(stmt, index, $0) }) {
                            again.bytes.withUnsafeBytes { out.bytes($0) }
                            continue
                        }
                        #endif
                        rewritten.bytes.withUnsafeBytes { out.bytes($0) }
                    } else {
                        out.bytes(bytes)
                    }
                }
            } catch {
                throw reject(stmt, index, error)
            }
        }
    }

    private func reject(_ stmt: SQLiteStatement, _ index: Int, _ fault: CellFault) -> MigrationError {
        .rejectedValue(
            path: path, table: table.name, row: currentKey(stmt), column: columns[index].name,
            problem: fault == .notNull
                ? fault.detail(for: columns[index]) : "\(fault.detail(for: columns[index])): \(stmt.display(Int32(index)))",
            remedy: "Correct or remove this row in a copy of the SQLite file, then import the copy.")
    }

    /// The primary key of the statement's current row.
    func currentKey(_ stmt: SQLiteStatement) -> RowKey? {
        let parts = RowKey.parts(of: stmt, in: table)
        return parts.isEmpty ? nil : RowKey(parts: parts)
    }
}
