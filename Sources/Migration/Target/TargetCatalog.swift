import MLflowSchema
import PostgresTarget

/// MLflow's schema as a target database's own catalog describes it.
///
/// The forward path for a store at a revision this build does not know, when an MLflow server of
/// that revision created the target. What it reads is what `schema/capture.py` reads from a
/// database MLflow created (tables, columns with `format_type`, NOT NULL, generated and identity
/// columns, primary keys, foreign keys, sequences), plus the definitions of every key, index and
/// foreign key as the server prints them (`pg_get_constraintdef`, `pg_get_indexdef`), in
/// pg_dump's post-data form. The pre-data text is a description for the pre-flight's CHECK
/// parser, never run: such a target already has its tables. Tables an extension owns are not
/// MLflow's and are left out.
enum TargetCatalog {
    /// The schema of the connection's current schema, at alembic `revision`.
    ///
    /// The rows MLflow inserts into a fresh store are taken from the newest revision this build
    /// knows (the alembic_version row, the Default experiment, the default workspace): a target
    /// may hold those or fewer (`TargetState`).
    static func schema(_ conn: PGConnection, revision: String) throws -> SchemaRevision {
        guard let namespace = try conn.currentSchema() else {
            throw MigrationError.targetRefused(
                target: conn.displayName, found: "no schema is selected (search_path is empty)",
                remedy: "Set search_path, e.g. options=-csearch_path=public in --target.")
        }
        let ns = [namespace]
        // MLflow makes plain tables: partitions and inheritance (a TimescaleDB hypertable's chunks
        // included) would need keys built per child.
        var layered = try conn.query(
            """
            SELECT c.relname FROM pg_class c WHERE c.relnamespace = \(namespaceOID) AND c.relkind IN ('r', 'p')
            AND (c.relkind = 'p' OR c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid OR i.inhrelid = c.oid))
            ORDER BY 1
            """, ns
        ).rows.map { displayName($0[0] ?? "") }
        if try conn.timescale() != nil {
            layered += try conn.query(
                "SELECT hypertable_name FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 ORDER BY 1", ns
            ).rows.map { displayName($0[0] ?? "") }.filter { !layered.contains($0) }
        }
        guard layered.isEmpty else {
            throw MigrationError.targetRefused(
                target: conn.displayName,
                found: "its tables \(layered.joined(separator: ", ")) are partitioned, inherited or hypertables, which MLflow never makes them",
                remedy: "Import into a database that an MLflow server of the store's release created and nobody has changed.")
        }
        var columns: [String: [ColumnSpec]] = [:]
        var order: [String] = []
        var unsupported: [String] = []
        var spelled: [String: String] = [:]  // "table" and "table.column" as pg_dump writes them
        let columnRows = try conn.query(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '', a.attidentity <> '',
                   quote_ident(c.relname), quote_ident(a.attname)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = \(namespaceOID) AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND \(notExtension)
            ORDER BY c.relname, a.attnum
            """, ns)
        for row in columnRows.rows {
            let (table, name, format) = (row[0] ?? "", row[1] ?? "", row[2] ?? "")
            if columns[table] == nil { order.append(table) }
            spelled[table] = row[6] ?? table
            spelled[table + "." + name] = row[7] ?? name
            guard let type = PGType(formatType: format) else {
                unsupported.append("\(displayName(table)).\(displayName(name)) is \(format)")
                columns[table, default: []].append(ColumnSpec(name: name, sqliteDeclared: "", pgType: .text(maxCharacters: nil), nullable: true))
                continue
            }
            columns[table, default: []].append(
                ColumnSpec(
                    name: name, sqliteDeclared: format, pgType: type, nullable: row[3] != "t", generated: row[4] == "t",
                    identity: row[5] == "t"))
        }
        guard unsupported.isEmpty else {
            throw MigrationError.targetRefused(
                target: conn.displayName,
                found: "revision \(displayName(revision)) has column types this build cannot load: \(unsupported.joined(separator: "; "))",
                remedy: "This revision needs a newer mlflow-pg-migrate.")
        }
        let primaryKeys = try grouped(
            conn.query(
                """
                SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE c.relnamespace = \(namespaceOID) AND i.indisprimary AND \(notExtension) ORDER BY c.relname, k.ord
                """, ns))
        let references = try grouped(
            conn.query(
                """
                SELECT DISTINCT c.relname, p.relname FROM pg_constraint k
                JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
                WHERE k.contype = 'f' AND c.relnamespace = \(namespaceOID) AND p.relnamespace = c.relnamespace AND \(notExtension)
                ORDER BY 1, 2
                """, ns))
        let sequences = try conn.query(
            """
            SELECT s.relname, t.relname, a.attname
            FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
            JOIN pg_class t ON t.oid = d.refobjid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
            WHERE s.relkind = 'S' AND s.relnamespace = \(namespaceOID) AND d.deptype IN ('a', 'i')
            ORDER BY 1
            """, ns
        ).rows.map { SequenceSpec(name: $0[0] ?? "", table: $0[1] ?? "", column: $0[2] ?? "") }
        let tables = order.map { name in
            TableSpec(name: name, columns: columns[name] ?? [], primaryKey: primaryKeys[name] ?? [], references: references[name] ?? [])
        }
        let created = SchemaCatalog.embedded.entries.last.flatMap { SchemaCatalog.embedded.revision($0.revision) }?.createdRows ?? [:]
        let preData = try preData(conn, ns, tables, spelled)
        let postData = try keys(conn, ns).add.joined(separator: "\n\n")
        let fingerprint = ([preData, postData] + tables.flatMap(shape) + sequences.map { "\($0)" }).joined(separator: "\n")
        return try SchemaRevision(
            revision: revision, readFromTarget: CatalogOrigin(target: conn.displayName, fingerprint: fingerprint), tables: tables,
            sequences: sequences, createdRows: created.filter { columns[$0.key] != nil }, preDataSQL: preData, postDataSQL: postData)
    }

    /// The statements that drop, and those that add back, the keys, indexes and foreign keys.
    ///
    /// Of the tables of schema `ns[0]` that no extension owns: foreign keys are dropped first and
    /// added last.
    static func keys(_ conn: PGConnection, _ ns: [String]) throws -> (drop: [String], add: [String]) {
        // Primary keys, unique and exclusion constraints, then foreign keys: what pg_dump's post-data holds.
        let constraints = try conn.query(
            """
            SELECT quote_ident(c.relname), quote_ident(k.conname), k.contype, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            WHERE c.relnamespace = \(namespaceOID) AND c.relkind = 'r' AND k.contype IN ('p', 'u', 'x', 'f') AND \(notExtension)
            ORDER BY k.contype = 'f', c.relname, k.conname
            """, ns
        ).rows.map { (table: $0[0] ?? "", name: $0[1] ?? "", isForeign: $0[2] == "f", definition: $0[3] ?? "") }
        // Indexes that back no constraint of their own table.
        let indexes = try conn.query(
            """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname), pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE c.relnamespace = \(namespaceOID) AND c.relkind = 'r' AND \(notExtension) AND NOT EXISTS (
                SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
            ORDER BY ic.relname
            """, ns
        ).rows.map { (name: $0[0] ?? "", definition: $0[1] ?? "") }
        let keys = constraints.filter { !$0.isForeign }
        let foreign = constraints.filter(\.isForeign)
        // Unqualified like the captured DDL, whose parsers read them: the session's current schema is `ns[0]`.
        func add(_ c: (table: String, name: String, isForeign: Bool, definition: String)) -> String {
            "ALTER TABLE ONLY \(c.table)\n    ADD CONSTRAINT \(c.name) \(c.definition);"
        }
        func drop(_ c: (table: String, name: String, isForeign: Bool, definition: String)) -> String {
            "ALTER TABLE ONLY \(c.table) DROP CONSTRAINT \(c.name);"
        }
        return (
            drop: foreign.map(drop) + keys.map(drop) + indexes.map { "DROP INDEX \($0.name);" },
            add: keys.map(add) + indexes.map { $0.definition + ";" } + foreign.map(add)
        )
    }

    /// True when the session's role may drop and add the keys of every table of `schema`.
    ///
    /// Only the owner (or a member of the owning role) may.
    static func ownsTables(_ conn: PGConnection, _ schema: SchemaRevision) throws -> Bool {
        try schema.tables.allSatisfy { table in
            try conn.query(
                "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = $1::regclass", [conn.quoteIdentifier(table.name)]
            ).scalar == "t"
        }
    }

    /// True when the target's schema is still the one `schema` was read from.
    ///
    /// Compared as read: a policy may have widened columns of `schema` since.
    static func unchanged(_ conn: PGConnection, _ schema: SchemaRevision) throws -> Bool {
        try Self.schema(conn, revision: schema.revision).readFromTarget?.fingerprint == schema.readFromTarget?.fingerprint
    }

    /// Each table's CREATE TABLE with its columns and CHECK constraints, in pg_dump's spelling.
    private static func preData(_ conn: PGConnection, _ ns: [String], _ tables: [TableSpec], _ spelled: [String: String]) throws -> String {
        let checks = try conn.query(
            """
            SELECT c.relname, quote_ident(k.conname), pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            WHERE c.relnamespace = \(namespaceOID) AND k.contype = 'c' AND \(notExtension) ORDER BY c.relname, k.conname
            """, ns
        ).rows
        return tables.map { table in
            let lines =
                table.columns.map { "    \(spelled[table.name + "." + $0.name] ?? $0.name) \($0.pgType)\($0.nullable ? "" : " NOT NULL")" }
                + checks.filter { $0[0] == table.name }.map { "    CONSTRAINT \($0[1] ?? "") \($0[2] ?? "")" }
            return "CREATE TABLE \(spelled[table.name] ?? table.name) (\n" + lines.joined(separator: ",\n") + "\n);"
        }.joined(separator: "\n\n")
    }

    /// A table as lines to compare: its key and references, and each column's PostgreSQL side.
    private static func shape(_ t: TableSpec) -> [String] {
        ["\(t.name) \(t.primaryKey) \(t.references)"]
            + t.columns.map { "\(t.name).\($0.name) \($0.pgType) \($0.nullable) \($0.generated) \($0.identity)" }
    }

    /// The oid of the schema named by the query's first parameter.
    private static let namespaceOID = "(SELECT oid FROM pg_namespace WHERE nspname = $1)"

    /// True for a relation `c` that no extension owns.
    private static let notExtension =
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')"

    /// Two-column rows grouped by the first column, the second in row order.
    private static func grouped(_ rows: PGRows) -> [String: [String]] {
        rows.rows.reduce(into: [:]) { $0[$1[0] ?? "", default: []].append($1[1] ?? "") }
    }
}
