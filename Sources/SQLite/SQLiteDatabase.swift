import CSQLite3

/// A read-only connection to an SQLite file: the only owner of a `sqlite3*`.
///
/// Not thread-safe and not `Sendable`: use it on the thread that opened it.
/// See <https://www.sqlite.org/c3ref/open.html>.
public final class SQLiteDatabase {
    let handle: OpaquePointer
    /// The path the connection was opened with.
    public let path: String

    /// How long a read waits for another process's write lock before it fails with SQLITE_BUSY.
    public static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Opens `path` read-only; the file is never written.
    ///
    /// The connection is hardened for a file of unknown origin (defensive mode, untrusted schema) and waits up to
    /// `busyTimeoutMilliseconds` for a writer's lock.
    public init(readOnlyPath path: String, busyTimeoutMilliseconds: Int32 = SQLiteDatabase.busyTimeoutMilliseconds) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message)
        }
        sqlite3_extended_result_codes(db, 1)
        let hardened = csqlite3_harden(db)
        guard hardened == SQLITE_OK else {
            sqlite3_close_v2(db)
            throw SQLiteError(code: hardened, message: "cannot switch on defensive mode")
        }
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        self.handle = db
        self.path = path
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// True when the connection runs in SQLite's defensive mode.
    public var isDefensive: Bool { csqlite3_is_defensive(handle) == 1 }

    /// Runs statements that return no rows (`BEGIN`, `PRAGMA ...`).
    public func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
    }

    /// The rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Compiles one statement.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return SQLiteStatement(database: self, handle: stmt, sql: sql)
    }

    /// Every row of a query, each column read as text (NULL as nil).
    ///
    /// For small catalog queries.
    public func rows(_ sql: String) throws -> [[String?]] {
        let stmt = try prepare(sql)
        var result: [[String?]] = []
        while try stmt.step() {
            result.append((0..<stmt.columnCount).map { stmt.isNull($0) ? nil : stmt.string($0) })
        }
        return result
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}
