import Foundation
import MLflowSchema
import SQLite

/// The rules an SQLite cell must meet to become a value of its PostgreSQL column, written once.
///
/// Two groups, one function per PostgreSQL type or check:
/// - the encoder's rules (`read`, `text`): storage class, NULL, integer range, 0/1 booleans, ISO
///   dates, NUL in text. The encoder (import, export) and the pre-flight call
///   them; the encoder stops at the first fault, the pre-flight collects them all.
/// - the server's rules (`characters`, `length`, `json`, `check`): what PostgreSQL itself checks
///   during COPY and when it builds the constraints. The load leaves them to the server; the
///   pre-flight calls them to list every such row before anything is written.
enum CellRules {
    /// The storage class a well-formed value of a PostgreSQL type has in SQLite (`typeof()`).
    static func expectedStorage(_ type: PGType) -> SQLiteStorageClass {
        switch type {
        case .int4, .int8, .bool: .integer
        case .float8: .real
        case .text, .json, .date: .text
        case .bytea: .blob
        }
    }

    /// Reads cell `i` of the statement's current row as a value of `type`.
    ///
    /// Values are never coerced: a storage class other than the type's, NULL in a NOT NULL column, an integer out
    /// of `integer` range, a boolean other than 0/1 or a date not in ISO form is a fault.
    @inline(__always)
    static func read(_ stmt: SQLiteStatement, _ i: Int32, as type: PGType, nullable: Bool) throws(CellFault) -> Cell {
        let storage = stmt.storage(i)
        if storage == .null {
            guard nullable else { throw .notNull }
            return .null
        }
        guard storage == expectedStorage(type) else { throw .storageClass(storage) }
        switch type {
        case .int8:
            return .int8(stmt.int64(i))
        case .int4:
            let value = stmt.int64(i)
            guard let narrow = Int32(exactly: value) else { throw .integerRange(value) }
            return .int4(narrow)
        case .float8:
            return .float8(stmt.double(i))
        case .bool:
            switch stmt.int64(i) {
            case 0: return .bool(false)
            case 1: return .bool(true)
            case let value: throw .boolean(value)
            }
        case .text, .json:
            return .text(stmt.textBytes(i))
        case .date:
            guard let days = PGDate.daysSince2000(iso: stmt.textBytes(i)) else { throw .date }
            return .date(days)
        case .bytea:
            return .bytea(stmt.blobBytes(i))
        }
    }

    /// Text PostgreSQL can store: no NUL character (PostgreSQL's text types cannot hold U+0000).
    @inline(__always)
    static func text(_ bytes: UnsafeRawBufferPointer) throws(CellFault) {
        if bytes.containsNUL { throw .nulCharacter }
    }

    /// The number of characters PostgreSQL counts in valid UTF-8 text.
    static func characters(_ bytes: UnsafeRawBufferPointer) throws(CellFault) -> Int {
        guard let count = UTF8Scan.characters(bytes) else { throw .invalidUTF8 }
        return count
    }

    /// A text of `length` characters fits the column's `varchar(n)`.
    static func length(_ length: Int, fits type: PGType, rewritten: Bool = false) throws(CellFault) {
        if case .text(let limit?) = type, length > limit { throw .tooLong(length: length, limit: limit, rewritten: rewritten) }
    }

    /// A `json` value PostgreSQL accepts.
    static func json(_ bytes: UnsafeRawBufferPointer) throws(CellFault) {
        guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else { throw .invalidJSON }
    }

    /// A value one of a `CHECK (column IN (...))` constraint's values (`allowed` sorted).
    static func check(_ bytes: UnsafeRawBufferPointer, allowed: [String]) throws(CellFault) {
        guard allowed.contains(String(decoding: bytes, as: UTF8.self)) else { throw .check(allowed: allowed) }
    }
}
