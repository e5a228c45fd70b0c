#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro Swift cannot import: tell SQLite to copy bound values.
static inline sqlite3_destructor_type csqlite3_transient(void) { return SQLITE_TRANSIENT; }

/// Hardens a connection that reads a file of unknown origin (sqlite3_db_config is variadic, which
/// Swift cannot call): defensive mode (no writable_schema tricks, no shadow-table writes) and an
/// untrusted schema (no SQL functions with side effects run from views, triggers or generated
/// columns). Returns SQLITE_OK or the first error.
static inline int csqlite3_harden(sqlite3 *db) {
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)0);
}

/// 1 when the connection is in defensive mode, 0 when not.
static inline int csqlite3_is_defensive(sqlite3 *db) {
    int on = 0;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on);
    return on;
}
