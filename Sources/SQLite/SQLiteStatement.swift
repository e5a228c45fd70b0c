import CSQLite3

/// A compiled statement and its current row; typed cell access without copying.
///
/// Not thread-safe: it belongs to its database's thread. See <https://www.sqlite.org/c3ref/stmt.html>.
public final class SQLiteStatement {
    let database: SQLiteDatabase
    let handle: OpaquePointer
    /// The SQL text, for messages.
    public let sql: String

    init(database: SQLiteDatabase, handle: OpaquePointer, sql: String) {
        self.database = database
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Advances to the next row; false when there are no more.
    public func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw database.error(rc, sql: sql)
        }
    }

    /// Binds a text value to parameter `index` (1-based).
    public func bind(_ index: Int32, _ text: String) throws {
        let rc = sqlite3_bind_text(handle, index, text, -1, csqlite3_transient())
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Binds an integer to parameter `index` (1-based).
    public func bind(_ index: Int32, _ value: Int64) throws {
        let rc = sqlite3_bind_int64(handle, index, value)
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Binds a text value, or NULL for nil, to parameter `index` (1-based).
    public func bind(_ index: Int32, _ text: String?) throws {
        guard let text else {
            let rc = sqlite3_bind_null(handle, index)
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
            return
        }
        try bind(index, text)
    }

    /// Binds an integer, or NULL for nil, to parameter `index` (1-based).
    public func bind(_ index: Int32, _ value: Int64?) throws {
        guard let value else { return try bind(index, nil as String?) }
        try bind(index, value)
    }

    /// Makes the statement ready to run again (its bindings kept).
    public func reset() {
        sqlite3_reset(handle)
    }

    /// The number of columns in the result.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The storage class of the cell in the current row.
    public func storage(_ column: Int32) -> SQLiteStorageClass {
        SQLiteStorageClass(rawValue: sqlite3_column_type(handle, column)) ?? .null
    }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// The cell as a 64-bit integer (only meaningful for integer storage).
    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The cell as an IEEE double, read without a text round trip.
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    /// The cell's bytes (text as UTF-8 as stored, or a blob), valid until the statement steps, is
    /// reset or finalized, or the same cell is read as another type.
    @inline(__always)
    public func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        storage(column) == .blob ? blobBytes(column) : textBytes(column)
    }

    /// The bytes of a cell whose storage class is known to be text: UTF-8 as stored.
    ///
    /// Reads the text first, then its length, as SQLite's documentation requires.
    @inline(__always)
    public func textBytes(_ column: Int32) -> UnsafeRawBufferPointer {
        let base = sqlite3_column_text(handle, column).map(UnsafeRawPointer.init)
        return UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : Int(sqlite3_column_bytes(handle, column)))
    }

    /// The bytes of a cell whose storage class is known to be blob.
    @inline(__always)
    public func blobBytes(_ column: Int32) -> UnsafeRawBufferPointer {
        let base = sqlite3_column_blob(handle, column)
        return UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : Int(sqlite3_column_bytes(handle, column)))
    }

    /// Calls `body` with the cell's bytes (see `bytes(_:)`).
    public func withBytes<R>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(bytes(column))
    }

    /// The cell as a Swift string (invalid UTF-8 repaired); for messages and catalog queries only.
    public func string(_ column: Int32) -> String {
        withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }
}
