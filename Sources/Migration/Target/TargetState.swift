import MLflowSchema
import PostgresTarget

/// What the target schema holds before an import, and whether the import may proceed.
public enum TargetState: Equatable, Sendable {
    /// No tables, views or sequences in the target schema: the import creates MLflow's schema.
    case empty
    /// Exactly the tables an MLflow server of this revision creates, holding only the rows it
    /// inserts itself (alembic_version and the Default experiment): the import replaces those rows.
    case createdByMLflow(revision: String)
}

extension TargetState {
    /// Inspects the connection's current schema for an import of `schema`; throws `targetRefused` (`targetHoldsData` for MLflow's tables with data) when the schema
    /// holds anything else.
    ///
    /// Run it inside the import's transaction, so that the locks it takes keep the state until commit.
    static func inspect(_ conn: PGConnection, for schema: SchemaRevision, lock: Bool = true) throws -> TargetState {
        let target = conn.displayName
        guard let namespace = try conn.currentSchema() else {
            throw MigrationError.targetRefused(
                target: target, found: "no schema is selected (search_path is empty)",
                remedy: "Set search_path, e.g. options=-csearch_path=public in --target.")
        }
        let encoding = try conn.query("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()").scalar
        guard encoding == "UTF8" else {
            throw MigrationError.targetRefused(
                target: target, found: "its encoding is \(encoding ?? "unknown"), not UTF8",
                remedy:
                    "MLflow stores any Unicode: create the database with ENCODING 'UTF8', e.g.\n    \(TargetAdvice.createDatabase)\n  (\(TargetAdvice.template0Note))"
            )
        }
        let relations = try conn.relations(in: namespace)
        if relations.isEmpty && schema.readFromTarget == nil { return .empty }

        let tables = Set(relations.filter(\.isTable).map(\.name))
        if tables.contains("alembic_version") { try checkRevision(conn, for: schema) }
        let others = relations.filter { !["r", "p", "S"].contains($0.kind) }.map(\.name)
        let sequences = Set(relations.filter { $0.kind == "S" }.map(\.name))
        let expected = Set(schema.tables.map(\.name))
        let foreign = tables.subtracting(expected).sorted() + others
        let empty = TargetAdvice.emptyDatabase
        let dropHint =
            if schema.readFromTarget != nil {
                "Import into a database that an MLflow server at revision \(schema.revision) created and nobody has used yet"
                    + " (this build cannot create that revision's schema itself)."
            } else if schema.derivedFrom.isEmpty {
                empty
                    + "\n  or into one that an MLflow server of the store's releases (\(TargetAdvice.releases(schema.mlflowVersions))) created and nobody has used yet."
            } else {
                empty + "\n  (\(TargetAdvice.releases(schema.mlflowVersions)) cannot create this schema on PostgreSQL itself)."
            }
        guard foreign.isEmpty, tables == expected, sequences == Set(schema.sequences.map(\.name)) else {
            let missing = expected.subtracting(tables).sorted()
            var found = "schema \(namespace) already holds \(relations.count) relation(s)"
            if !foreign.isEmpty { found += "; not MLflow's \(schema.revision) tables: \(foreign.prefix(8).map(displayName).joined(separator: ", "))" }
            if !missing.isEmpty && missing.count < expected.count { found += "; MLflow tables missing: \(missing.prefix(8).joined(separator: ", "))" }
            throw MigrationError.targetRefused(target: target, found: found, remedy: dropHint)
        }
        // MLflow's tables: lock them, then look at what they hold.
        let list = schema.tables.map { conn.quoteIdentifier($0.name) }.joined(separator: ", ")
        if lock {
            try conn.execute("LOCK TABLE \(list) IN ACCESS EXCLUSIVE MODE", operation: "locking MLflow's tables in the target")
            // Again under the lock: an `mlflow db upgrade` may have committed since the first look.
            try checkRevision(conn, for: schema)
        }
        if schema.readFromTarget != nil, try !TargetCatalog.unchanged(conn, schema) {
            throw MigrationError.targetRefused(
                target: target, found: "MLflow's schema in it changed after it was read (tables, keys or indexes)",
                remedy: "Run the import again once nothing alters the target.")
        }
        var used: [String] = []
        var counts: [String: Int] = [:]
        for table in schema.tables {
            let count = Int(try conn.query("SELECT count(*) FROM \(conn.quoteIdentifier(table.name))").scalar ?? "0") ?? 0
            counts[table.name] = count
            let created = schema.createdRows[table.name] ?? 0
            // A newer release may seed fewer of the rows the build knows; none it does not know.
            let unused = schema.readFromTarget == nil ? count == created : count <= created
            if !unused { used.append("\(table.name) has \(count) row(s)") }
        }
        let defaultOnly = try conn.query("SELECT count(*) FROM experiments WHERE NOT (experiment_id = 0 AND name = 'Default')").scalar
        if defaultOnly != "0" { used.append("experiments holds experiments other than Default") }
        guard used.isEmpty else {
            throw MigrationError.targetHoldsData(
                target: target, counts: counts,
                found:
                    "MLflow's tables already hold data (\(used.prefix(3).joined(separator: "; "))\(used.count > 3 ? "; and \(used.count - 3) more" : ""))",
                remedy: "An import loads only an empty or unused store (to add this store to the one the target holds, use --merge --record DIR). "
                    + dropHint)
        }
        return .createdByMLflow(revision: schema.revision)
    }

    /// Refuses a target whose alembic_version is not the source's revision, with both ways out.
    private static func checkRevision(_ conn: PGConnection, for schema: SchemaRevision) throws {
        let revisions = try conn.alembicRevisions()
        guard revisions != [schema.revision] else { return }
        let found = revisions.map(displayName).joined(separator: ", ")
        let made = SchemaCatalog.embedded.entry(found).map { " (MLflow \($0.mlflowVersions.joined(separator: ", ")))" } ?? ""
        let source = schema.mlflowVersions.isEmpty ? "newer than this build" : "MLflow \(schema.mlflowVersions.joined(separator: ", "))"
        throw MigrationError.targetRefused(
            target: conn.displayName,
            found:
                "an MLflow server created it at revision \(found)\(made), the source is at \(schema.revision) (\(source))",
            remedy: "Import into an empty database and run the target MLflow's `mlflow db upgrade` on it afterwards, "
                + "or upgrade a copy of the SQLite file with that MLflow (`mlflow db upgrade sqlite:///COPY`) and import the copy.")
    }
}
