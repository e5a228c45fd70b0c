#if DEBUG
import MLflowSchema
import PostgresTarget

extension RowEncoder {
    /// Test-only, and only in debug builds: a fault planted in the encoder, to prove that
    /// mlflow-verify, which shares no code with it, finds a wrong conversion of every type.
    enum PlantedFault: Sendable, Equatable {
        /// Every value of `table.column` converted wrongly, by its type: an `integer` off by one,
        /// a `bigint` in the wrong byte order, a `double precision` one ulp off, a `boolean`
        /// inverted, text one character changed, JSON with a space added, a `date` a day late,
        /// `bytea` with its first byte flipped. Each is a value PostgreSQL accepts.
        case column(table: String, column: String)
        /// Artifact locations rewritten twice by `--artifact-root-map`.
        case artifactRewriteTwice
    }

    /// The fault the encoders built from now on plant; nil (the default) for none.
    nonisolated(unsafe) static var planted: PlantedFault?

    /// The column index of this encoder's table that the planted fault breaks, if any.
    static func plantedColumn(in table: TableSpec) -> Int? {
        guard case .column(let name, let column) = planted, name == table.name else { return nil }
        return table.loadedColumns.firstIndex { $0.name == column }
    }

    /// Writes `cell`, a value of `type`, converted wrongly, as `PlantedFault.column` describes.
    static func encodeWrongly(_ cell: Cell, _ type: PGType, into out: BinaryTupleBuffer) {
        switch cell {
        case .null: out.null()
        case .int4(let value): out.int4(value &+ 1)
        case .int8(let value): out.int8(value.byteSwapped)
        case .float8(let value): out.float8(Double(bitPattern: value.bitPattern ^ 1))
        case .bool(let value): out.bool(!value)
        case .date(let days): out.int4(days + 1)
        case .bytea(let bytes):
            var changed = Array(bytes)
            if !changed.isEmpty { changed[0] ^= 0xFF }
            changed.withUnsafeBytes { out.bytes($0) }
        case .text(let bytes):
            var changed = Array(bytes)
            if type == .json {
                changed.append(UInt8(ascii: " "))  // JSON: still valid, no longer the same text
            } else if let last = changed.last, last >= 0x20, last < 0x80 {
                changed[changed.count - 1] = last ^ 1  // printable ASCII stays printable, the length stays
            }
            changed.withUnsafeBytes { out.bytes($0) }
        }
    }
}
#endif
