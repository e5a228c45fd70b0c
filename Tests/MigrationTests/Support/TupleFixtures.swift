import MLflowSchema
import PostgresTarget

@testable import Migration

/// Binary COPY tuples built in memory, and a reader over them, for the verifier's parts.
final class ArrayTupleReader: TupleReader {
    private let buffer = BinaryTupleBuffer()
    private let reader: BinaryTupleReader
    private var offset = 0

    /// Rows of (text or nil) cells, encoded as text fields; `int8` columns by index as bigint.
    init(_ rows: [[String?]], int8Columns: Set<Int> = [], float8Columns: Set<Int> = []) {
        reader = BinaryTupleReader(expectHeader: false, fields: rows.first?.count)
        for row in rows {
            buffer.beginRow(fields: row.count)
            for (i, cell) in row.enumerated() {
                guard let cell else {
                    buffer.null()
                    continue
                }
                if int8Columns.contains(i) {
                    buffer.int8(Int64(cell)!)
                } else if float8Columns.contains(i) {
                    buffer.float8(Double(cell)!)
                } else {
                    Array(cell.utf8).withUnsafeBytes { buffer.bytes($0) }
                }
            }
        }
    }

    func next() throws -> BinaryTuple? {
        try reader.tuple(in: buffer.bytes, at: &offset)
    }
}

enum TupleFixtures {
    /// A metrics-shaped table: key, value, timestamp, run_uuid, step; primary key with the value.
    static let metrics = TableSpec(
        name: "metrics",
        columns: [
            ColumnSpec(name: "key", sqliteDeclared: "VARCHAR(250)", pgType: .text(maxCharacters: 250), nullable: false),
            ColumnSpec(name: "value", sqliteDeclared: "FLOAT", pgType: .float8, nullable: false),
            ColumnSpec(name: "timestamp", sqliteDeclared: "BIGINT", pgType: .int8, nullable: false),
            ColumnSpec(name: "run_uuid", sqliteDeclared: "VARCHAR(32)", pgType: .text(maxCharacters: 32), nullable: false),
            ColumnSpec(name: "step", sqliteDeclared: "BIGINT", pgType: .int8, nullable: false),
        ],
        primaryKey: ["key", "timestamp", "step", "run_uuid", "value"], references: [])

    /// Metric rows as text cells: (key, value, timestamp, run, step).
    static func reader(_ rows: [(String, Double, Int64, String, Int64)]) -> ArrayTupleReader {
        ArrayTupleReader(rows.map { [$0.0, String($0.1), String($0.2), $0.3, String($0.4)] }, int8Columns: [2, 4], float8Columns: [1])
    }
}
