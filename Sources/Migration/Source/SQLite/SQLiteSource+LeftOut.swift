import Foundation
import MLflowSchema
import SQLite

extension SQLiteSource {
    /// The connection with the scratch tables created (once).
    func scratch() throws -> SQLiteDatabase {
        if !hasScratch {
            try Self.writingScratch { try SQLiteScratch.create(on: db) }
            hasScratch = true
        }
        return db
    }

    /// Runs a write to the scratch tables; a failure (a full temporary folder, above all) names
    /// the temporary folder, not the source.
    static func writingScratch<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as SQLiteError {
            let folder = ProcessInfo.processInfo.environment["SQLITE_TMPDIR"] ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/var/tmp"
            throw MigrationError.outputUnusable(
                path: folder, output: .scratch,
                reason:
                    "\(displayName(error.message)); point SQLITE_TMPDIR at a folder on a file system with room (about 200 bytes per problem or left-out row)"
            )
        }
    }

    /// Leaves one row out of every later read; false when it was left out already.
    @discardableResult
    func leaveOut(_ table: String, rowid: Int64) throws -> Bool {
        let db = try scratch()
        let stmt = try Self.writingScratch {
            try leaveOutStatement ?? db.prepare("INSERT OR IGNORE INTO \(SQLiteScratch.leftOut) (tbl, row) VALUES (?, ?)")
        }
        leaveOutStatement = stmt
        defer { stmt.reset() }
        try Self.writingScratch {
            try stmt.bind(1, table)
            try stmt.bind(2, rowid)
            _ = try stmt.step()
        }
        guard db.changes > 0 else { return false }
        leftOut[table, default: 0] += 1
        return true
    }

    /// Leaves out the rows a query selects (`SELECT rowid ...`) from `table`; returns how many
    /// were not left out before.
    @discardableResult
    func leaveOut(_ table: String, selecting sql: String) throws -> Int {
        let db = try scratch()
        let added = try Self.writingScratch {
            try db.execute("INSERT OR IGNORE INTO \(SQLiteScratch.leftOut) (tbl, row) SELECT \(sqlLiteral(table)), row FROM (\(sql))")
            return db.changes
        }
        if added > 0 { leftOut[table, default: 0] += added }
        return added
    }

    /// Leaves out the rows of `fk.table` that reference a left-out row of `fk.parent`; returns how many were new.
    ///
    /// `record` runs while the new rows are in the cascade table.
    func cascade(_ fk: ForeignKeySpec, record: (SQLiteDatabase) throws -> Void) throws -> Int {
        let db = try scratch()
        let (parent, child) = (sqlLiteral(fk.parent), sqlLiteral(fk.table))
        let added = try Self.writingScratch {
            try db.execute("DELETE FROM \(SQLiteScratch.cascade)")
            try db.execute(
                """
                INSERT INTO \(SQLiteScratch.cascade) (row)
                SELECT DISTINCT c.rowid FROM \(SQLiteScratch.leftOut) l JOIN \(sqlQuote(fk.parent)) p ON p.rowid = l.row
                JOIN \(sqlQuote(fk.table)) c ON \(fk.joinCondition)
                WHERE l.tbl = \(parent) AND NOT EXISTS (SELECT 1 FROM \(SQLiteScratch.leftOut) x WHERE x.tbl = \(child) AND x.row = c.rowid)
                """)
            let added = db.changes
            guard added > 0 else { return 0 }
            try db.execute("INSERT INTO \(SQLiteScratch.leftOut) (tbl, row) SELECT \(child), row FROM \(SQLiteScratch.cascade)")
            try record(db)
            return added
        }
        if added > 0 { leftOut[fk.table, default: 0] += added }
        return added
    }
}
