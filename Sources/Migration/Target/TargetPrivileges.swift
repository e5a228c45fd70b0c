import MLflowSchema
import PostgresTarget

/// What the connecting role may not do that an import into the target needs, with the GRANTs that would allow it.
///
/// Read from the catalog (`has_schema_privilege`, `has_table_privilege`, `has_sequence_privilege`,
/// ownership), so that a dry run can say it before an import fails on it. An empty target needs
/// CREATE on the schema. A target MLflow created needs, on each of MLflow's tables, SELECT and
/// INSERT, DELETE where the import replaces MLflow's own rows (also enough for the ACCESS
/// EXCLUSIVE lock), and on each sequence ownership or UPDATE (setval).
struct TargetPrivileges {
    /// One thing the role lacks.
    struct Missing: Equatable, Sendable {
        /// What it may not do, such as "create tables in schema public".
        let what: String
        /// The statement an owner or superuser runs to allow it.
        let grant: String
    }

    let role: String
    let namespace: String
    let missing: [Missing]
    /// The role that owns MLflow's tables (or the schema, for an empty target), when it is another one.
    let owner: String?

    var isEmpty: Bool { missing.isEmpty }

    /// Reads what the connection's role lacks for an import of `schema` into its current schema.
    static func check(_ conn: PGConnection, for schema: SchemaRevision) throws -> TargetPrivileges {
        let role = try conn.query("SELECT current_user").scalar ?? "?"
        guard let namespace = try conn.currentSchema() else { return TargetPrivileges(role: role, namespace: "", missing: [], owner: nil) }
        let ns = conn.quoteIdentifier(namespace)
        let who = plainIdentifier(role) ? role : conn.quoteIdentifier(role)
        let shownNamespace = plainIdentifier(namespace) ? namespace : ns
        let relations = try conn.relations(in: namespace)
        guard !relations.isEmpty else {
            let row =
                try conn.query(
                    """
                    SELECT has_schema_privilege(n.oid, 'CREATE'), has_schema_privilege(n.oid, 'USAGE'),
                           CASE WHEN n.nspowner = 'pg_database_owner'::regrole THEN pg_get_userbyid(d.datdba) ELSE pg_get_userbyid(n.nspowner) END
                    FROM pg_namespace n, pg_database d WHERE n.nspname = $1 AND d.datname = current_database()
                    """,
                    [namespace]
                ).rows.first ?? []
            var missing: [Missing] = []
            if row.count > 1, row[0] != "t" || row[1] != "t" {
                missing.append(
                    .init(what: "create tables in schema \(namespace)", grant: "GRANT USAGE, CREATE ON SCHEMA \(shownNamespace) TO \(who);"))
            }
            return TargetPrivileges(role: role, namespace: namespace, missing: missing, owner: row.count > 2 && row[2] != role ? row[2] : nil)
        }
        let present = Set(relations.map(\.name))
        var tables: [String: [String]] = [:]
        var owners: Set<String> = []
        for table in schema.tables where present.contains(table.name) {
            let row =
                try conn.query(
                    """
                    SELECT has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'), has_table_privilege(c.oid, 'DELETE'),
                           has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'),
                           pg_get_userbyid(c.relowner), pg_has_role(c.relowner, 'USAGE')
                    FROM pg_class c WHERE c.oid = $1::regclass
                    """, [ns + "." + conn.quoteIdentifier(table.name)]
                ).rows.first ?? []
            guard row.count == 6 else { continue }
            var lacks: [String] = []
            if row[0] != "t" { lacks.append("SELECT") }
            if row[1] != "t" { lacks.append("INSERT") }
            if schema.createdRows[table.name] != nil, row[2] != "t" { lacks.append("DELETE") }
            if row[3] != "t", !lacks.contains("DELETE") { lacks.append("UPDATE") }
            if row[5] != "t" { owners.insert(row[4] ?? "") }
            if !lacks.isEmpty { tables[table.name] = lacks }
        }
        var missing: [Missing] = []
        if !tables.isEmpty {
            let kinds = ["SELECT", "INSERT", "UPDATE", "DELETE"].filter { k in
                tables.values.contains { $0.contains(k) } || k == "UPDATE" || k == "DELETE"
            }
            let listed = tables.keys.sorted()
            missing.append(
                .init(
                    what:
                        "read and write MLflow's tables (\(listed.count) of them lack a privilege, e.g. \(listed[0]): \(tables[listed[0]]!.joined(separator: ", ")))",
                    grant: "GRANT \(kinds.joined(separator: ", ")) ON ALL TABLES IN SCHEMA \(shownNamespace) TO \(who);"))
        }
        var sequences: [String] = []
        for sequence in schema.sequences where present.contains(sequence.name) {
            let row = try conn.query(
                "SELECT pg_has_role(c.relowner, 'USAGE') OR has_sequence_privilege(c.oid, 'UPDATE') FROM pg_class c WHERE c.oid = $1::regclass",
                [ns + "." + conn.quoteIdentifier(sequence.name)]
            ).scalar
            if row != "t" { sequences.append(sequence.name) }
        }
        if !sequences.isEmpty {
            missing.append(
                .init(
                    what: "set MLflow's sequences (\(sequences.joined(separator: ", ")))",
                    grant: "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA \(shownNamespace) TO \(who);"))
        }
        return TargetPrivileges(role: role, namespace: namespace, missing: missing, owner: owners.sorted().first)
    }

    /// True for a name SQL takes without quotes (lower case, not starting with a digit).
    private static func plainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) } && name != "user"
    }

    /// The refusal: what the role may not do, the GRANTs, and whom to connect as instead.
    func error(target: String) -> MigrationError {
        .targetPrivileges(
            target: target, role: role, missing: missing.map(\.what),
            remedy: "As the owner or a superuser, run:\n    " + missing.map(\.grant).joined(separator: "\n    ")
                + (owner.map {
                    "\n  or connect as \($0), who owns \(missing.first?.what.hasPrefix("create") == true ? "the schema" : "MLflow's tables")."
                } ?? ""))
    }
}
