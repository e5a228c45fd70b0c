import PostgresTarget

extension PGConnection {
    /// A relation in the target schema: its name and `pg_class.relkind` (`r` table, `p`
    /// partitioned table, `v` view, `m` materialized view, `S` sequence, `f` foreign table).
    struct Relation {
        let name: String
        let kind: String

        /// True for tables, plain or partitioned.
        var isTable: Bool { kind == "r" || kind == "p" }
    }

    /// The schema unqualified names resolve to (`current_schema()`); nil when `search_path` is empty.
    func currentSchema() throws -> String? {
        try query("SELECT current_schema()").scalar
    }

    /// The tables, views, sequences and foreign tables of a schema, by name.
    func relations(in namespace: String) throws -> [Relation] {
        try query(
            """
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') ORDER BY c.relname
            """, [namespace]
        ).rows.map { Relation(name: $0[0] ?? "", kind: $0[1] ?? "") }
    }

    /// The rows of MLflow's `alembic_version` table (one, in a store MLflow made).
    func alembicRevisions() throws -> [String] {
        try query("SELECT version_num FROM alembic_version").rows.map { $0[0] ?? "NULL" }
    }
}
