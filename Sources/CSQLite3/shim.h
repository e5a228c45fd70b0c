#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro Swift cannot import: tell SQLite to copy bound values.
static inline sqlite3_destructor_type csqlite3_transient(void) { return SQLITE_TRANSIENT; }
