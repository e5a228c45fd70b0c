import MLflowSchema
import PostgresTarget

/// What the connecting role may not do that an import into the target needs, with the GRANTs that would allow it.
///
/// Read from the catalog (`has_schema_privilege`, `has_table_privilege`, `has_sequence_privilege`,
/// ownership), so that a dry run can say it before an import fails on it. An empty target needs
/// USAGE and CREATE on the schema. A target MLflow created needs USAGE on its schema; on each of
/// MLflow's tables SELECT and INSERT, DELETE where the import replaces MLflow's own rows, and
/// UPDATE or DELETE for the ACCESS EXCLUSIVE lock; on each sequence ownership or UPDATE (setval);
/// and ownership of a table whose columns a policy widens (only the owner may ALTER it).
///
/// A merge deletes nothing and stages its rows in temporary tables: it needs no DELETE (nor INSERT
/// into `alembic_version`), but TEMPORARY on the database, and on each sequence USAGE or UPDATE
/// (`nextval`); its dry run also SELECT (it reads the next id). Into an empty schema a merge
/// needs nothing here: it is refused as no MLflow store.
struct TargetPrivileges {
    /// What the role is checked for.
    enum Purpose: Equatable {
        case load
        case merge(dryRun: Bool)

        /// What a role that does not own a sequence needs on it: both entries (one or two), each
        /// `has_sequence_privilege`'s "any of these" list.
        var onSequences: [String] {
            switch self {
            case .load: ["UPDATE"]
            case .merge(dryRun: false): ["USAGE, UPDATE"]
            case .merge(dryRun: true): ["USAGE, UPDATE", "SELECT"]
            }
        }
    }

    /// One thing the role lacks.
    struct Missing: Equatable, Sendable {
        /// What it may not do, such as "create tables in schema public".
        let what: String
        /// The statement an owner or superuser runs to allow it; nil where only the owner may (ALTER TABLE).
        let grant: String?
    }

    /// The connecting role (`current_user`).
    let role: String
    /// The schema the import goes into.
    let namespace: String
    /// What the role lacks; empty when the import may go ahead.
    let missing: [Missing]
    /// The role that owns MLflow's tables (or the schema, for an empty target), when it is another one.
    let owner: String?

    var isEmpty: Bool { missing.isEmpty }

    /// Reads what the connection's role lacks for an import (or a merge) of `schema` into its
    /// current schema, with `widening` the columns a policy (or a bundle's export) widens.
    static func check(
        _ conn: PGConnection, for schema: SchemaRevision, widening: [RejectRecord.Widened] = [], purpose: Purpose = .load
    ) throws -> TargetPrivileges {
        let merging = purpose != .load
        let role = try conn.query("SELECT current_user").scalar ?? "?"
        let who = plain(role) ? role : conn.quoteIdentifier(role)
        var missing: [Missing] = []
        // A schema the role may not use is left out of search_path: find it there, to name it.
        var namespace = try conn.currentSchema()
        if namespace == nil {
            let path = (try conn.query("SHOW search_path").scalar ?? "").split(separator: ",").map {
                let name = $0.trimmingCharacters(in: .whitespaces)
                if name == "\"$user\"" || name == "$user" { return role }
                return name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2
                    ? String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") : name
            }
            for name in path
            where try conn.query("SELECT has_schema_privilege(oid, 'USAGE') FROM pg_namespace WHERE nspname = $1", [name]).scalar == "f" {
                namespace = name
                break
            }
        }
        guard let namespace else { return TargetPrivileges(role: role, namespace: "", missing: [], owner: nil) }
        let shown = plain(namespace) ? namespace : conn.quoteIdentifier(namespace)
        let relations = try conn.relations(in: namespace)
        let schemaRow =
            try conn.query(
                """
                SELECT has_schema_privilege(n.oid, 'USAGE'), has_schema_privilege(n.oid, 'CREATE'),
                       CASE WHEN n.nspowner = to_regrole('pg_database_owner') THEN pg_get_userbyid(d.datdba) ELSE pg_get_userbyid(n.nspowner) END
                FROM pg_namespace n, pg_database d WHERE n.nspname = $1 AND d.datname = current_database()
                """, [namespace]
            ).rows.first ?? []
        guard schemaRow.count == 3 else { return TargetPrivileges(role: role, namespace: namespace, missing: [], owner: nil) }
        guard !relations.isEmpty else {
            if !merging, schemaRow[0] != "t" || schemaRow[1] != "t" {
                missing.append(.init(what: "create tables in schema \(namespace)", grant: "GRANT USAGE, CREATE ON SCHEMA \(shown) TO \(who);"))
            }
            return TargetPrivileges(role: role, namespace: namespace, missing: missing, owner: schemaRow[2] != role ? schemaRow[2] : nil)
        }
        if schemaRow[0] != "t" { missing.append(.init(what: "use schema \(namespace)", grant: "GRANT USAGE ON SCHEMA \(shown) TO \(who);")) }
        var temporary = true
        if merging, try conn.query("SELECT has_database_privilege(current_database(), 'TEMPORARY')").scalar != "t" {
            let database = try conn.query("SELECT current_database()").scalar ?? "?"
            temporary = false
            missing.append(
                .init(
                    what: "create temporary tables in database \(database) (the merge stages its rows in them)",
                    grant: "GRANT TEMPORARY ON DATABASE \(plain(database) ? database : conn.quoteIdentifier(database)) TO \(who);"))
        }
        let present = Set(relations.map(\.name))
        var lacking: [(table: String, privileges: [String])] = []
        var owners: Set<String> = []
        var notOwned: Set<String> = []
        for table in schema.tables where present.contains(table.name) {
            let row =
                try conn.query(
                    """
                    SELECT has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'), has_table_privilege(c.oid, 'DELETE'),
                           has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'),
                           pg_get_userbyid(c.relowner), pg_has_role(c.relowner, 'USAGE')
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2
                    """, [namespace, table.name]
                ).rows.first ?? []
            guard row.count == 6 else { continue }
            var lacks: [String] = []
            if row[0] != "t" { lacks.append("SELECT") }
            if row[1] != "t", !(merging && table.name == "alembic_version") { lacks.append("INSERT") }
            if !merging, schema.createdRows[table.name] != nil, row[2] != "t" { lacks.append("DELETE") }
            if row[3] != "t", !lacks.contains("DELETE") { lacks.append("UPDATE") }
            if row[5] != "t" {
                owners.insert(row[4] ?? "")
                notOwned.insert(table.name)
            }
            if !lacks.isEmpty { lacking.append((table.name, lacks)) }
        }
        if let first = lacking.first {
            // MLflow's server needs all four on its tables anyway: one GRANT for the schema.
            missing.append(
                .init(
                    what:
                        "read and write MLflow's tables (\(lacking.count) of them lack a privilege, e.g. \(first.table): \(first.privileges.joined(separator: ", ")))",
                    grant: "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(shown) TO \(who);"))
        }
        var sequences: [String] = []
        for sequence in schema.sequences where present.contains(sequence.name) {
            let settable = try conn.query(
                """
                SELECT pg_has_role(c.relowner, 'USAGE') OR (has_sequence_privilege(c.oid, $3) AND has_sequence_privilege(c.oid, $4))
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2
                """, [namespace, sequence.name, purpose.onSequences.first, purpose.onSequences.last]
            ).scalar
            if settable == "f" { sequences.append(sequence.name) }
        }
        if !sequences.isEmpty {
            missing.append(
                .init(
                    what: "\(merging ? "take ids from" : "set") MLflow's sequences (\(sequences.joined(separator: ", ")))",
                    grant: "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA \(shown) TO \(who);"))
        }
        let altered = widening.filter { notOwned.contains($0.table) }.map { "\($0.table).\($0.column)" }
        if !altered.isEmpty {
            missing.append(
                .init(
                    what: "widen columns of tables it does not own (\(altered.joined(separator: ", ")); only the owner may ALTER a table)", grant: nil
                ))
        }
        // The tables' owner need not have TEMPORARY either: only a GRANT is sure to help then.
        return TargetPrivileges(role: role, namespace: namespace, missing: missing, owner: temporary ? owners.sorted().first : nil)
    }

    /// True for a name SQL takes without quotes (lower case, not starting with a digit).
    private static func plain(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) } && name != "user"
    }

    /// The refusal: what the role may not do, the GRANTs, and whom to connect as instead.
    func error(target: String) -> MigrationError {
        let grants = missing.compactMap(\.grant)
        var remedy = grants.isEmpty ? "" : "As the owner or a superuser, run:\n    " + grants.joined(separator: "\n    ")
        if let owner {
            let owned = missing.first?.what.hasPrefix("create tables") == true ? "the schema" : "MLflow's tables"
            remedy += (remedy.isEmpty ? "Connect as \(owner)" : "\n  or connect as \(owner)") + ", who owns \(owned)."
        }
        return .targetPrivileges(target: target, role: role, missing: missing.map(\.what), remedy: remedy)
    }
}
