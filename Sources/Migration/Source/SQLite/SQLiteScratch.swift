import SQLite

/// Tables in the source connection's private temporary database, where the pre-flight's problems
/// and the rows an import leaves out are kept instead of in memory.
///
/// `PRAGMA temp_store = FILE` (whatever the system's SQLite was built with): SQLite keeps a few of
/// their pages cached and the rest in a temporary file that it deletes itself, in `SQLITE_TMPDIR`
/// or `TMPDIR` (else /var/tmp, /usr/tmp, /tmp), so bad rows cost disk (about 200 bytes each), not
/// memory; on a RAM-backed tmpfs that disk is memory again, hence `SQLITE_TMPDIR`. The source file
/// is never written: `temp` is a database of its own, and it disappears with the connection.
enum SQLiteScratch {
    /// Every problem the pre-flight found, in the order found, and the rows a policy cascades to.
    static let problems = "temp.mlflow_pg_problems"
    /// The rows reads leave out: (table, rowid).
    static let leftOut = "temp.mlflow_pg_left_out"
    /// The rows one step of the foreign-key cascade adds.
    static let cascade = "temp.mlflow_pg_cascade"

    /// Creates the tables on `db` if they are not there yet.
    static func create(on db: SQLiteDatabase) throws {
        try db.execute(
            """
            PRAGMA temp_store = FILE;
            CREATE TABLE IF NOT EXISTS \(problems) (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, tbl TEXT NOT NULL, row INTEGER NOT NULL,
              col TEXT, value TEXT, detail TEXT NOT NULL, length INTEGER, lim INTEGER);
            CREATE INDEX IF NOT EXISTS temp.mlflow_pg_problems_row ON mlflow_pg_problems (tbl, row);
            CREATE TABLE IF NOT EXISTS \(leftOut) (tbl TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (tbl, row)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS \(cascade) (row INTEGER PRIMARY KEY);
            """)
    }
}
