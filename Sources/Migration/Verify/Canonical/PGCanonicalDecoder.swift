import MLflowSchema
import PostgresTarget

/// Decodes binary COPY tuples (the target's, or a bundle's) into canonical rows: the verifier's
/// own decoder, which shares nothing with the encoder.
///
/// By the column's type: `integer` widens to 64 bits; `date` (days since 2000-01-01) becomes
/// its ISO text, counted out year by year and month by month; `bigint`, `double precision` and
/// `boolean` are checked for their width and taken as they are, as are text, JSON and bytea,
/// because their binary COPY form already is the canonical one. A table without `integer` or
/// `date` columns is therefore passed through once its field widths are checked.
final class PGCanonicalDecoder {
    private let table: TableSpec
    /// The error for a value of the wrong width, given its description.
    private let malformed: (String) -> MigrationError
    private let types: [PGType]
    /// True when the table's binary COPY tuples already are canonical (no `integer` or `date`).
    let passesThrough: Bool
    private let buffer = CanonicalTupleBuffer()
    private let reader: BinaryTupleReader

    init(table: TableSpec, malformed: @escaping (String) -> MigrationError) {
        self.table = table
        self.malformed = malformed
        types = table.loadedColumns.map(\.pgType)
        passesThrough = !types.contains { $0 == .int4 || $0 == .date }
        reader = BinaryTupleReader(expectHeader: false, fields: types.count)
    }

    /// The canonical form of one binary COPY tuple of the table, valid until the next call.
    func decode(_ tuple: BinaryTuple) throws -> BinaryTuple {
        if passesThrough {
            for (i, type) in types.enumerated() { try checkWidth(tuple.value(i), type, i) }
            return tuple
        }
        buffer.removeAll()
        buffer.beginRow(fields: types.count)
        for (i, type) in types.enumerated() {
            guard let value = tuple.value(i) else {
                buffer.null()
                continue
            }
            try checkWidth(value, type, i)
            switch type {
            case .int4: buffer.integer(Int64(Int32(bigEndian: value.loadUnaligned(as: Int32.self))))
            case .date: Self.isoDate(daysSince2000: Int32(bigEndian: value.loadUnaligned(as: Int32.self))).withUnsafeBytes { buffer.raw($0) }
            // The other fixed-width values are copied as they came: their binary form is the canonical one.
            default: buffer.raw(value)
            }
        }
        var offset = 0
        guard let canonical = try reader.tuple(in: buffer.bytes, at: &offset) else { throw malformed("table \(table.name): an empty row") }
        return canonical
    }

    /// Fails unless a fixed-width value has its type's width.
    @inline(__always)
    private func checkWidth(_ value: UnsafeRawBufferPointer?, _ type: PGType, _ i: Int) throws {
        guard let value else { return }
        let width: Int
        switch type {
        case .int4, .date: width = 4
        case .int8, .float8: width = 8
        case .bool: width = 1
        default: return
        }
        guard value.count == width else {
            throw malformed(
                "table \(table.name) column \(table.loadedColumns[i].name) holds a \(value.count)-byte value where \(type.description) has \(width)")
        }
    }

    /// The ISO text (`YYYY-MM-DD`, proleptic Gregorian, as PostgreSQL counts) of a binary date.
    static func isoDate(daysSince2000 days: Int32) -> [UInt8] {
        func leap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        var year = 2000, rest = Int(days)
        while rest < 0 {
            year -= 1
            rest += leap(year) ? 366 : 365
        }
        while rest >= (leap(year) ? 366 : 365) {
            rest -= leap(year) ? 366 : 365
            year += 1
        }
        let lengths = [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var month = 0
        while rest >= lengths[month] {
            rest -= lengths[month]
            month += 1
        }
        func digits(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return Array("\(year < 0 ? "-" : "")\(digits(abs(year), 4))-\(digits(month + 1, 2))-\(digits(rest + 1, 2))".utf8)
    }
}
