import MLflowSchema
import PostgresTarget

extension TargetState {
    /// Checks that the connection's current schema is an MLflow store at `schema`'s revision, with
    /// every table, that a merge may add to; throws `targetRefused` otherwise.
    static func inspectForMerge(_ conn: PGConnection, for schema: SchemaRevision) throws {
        let target = conn.displayName
        guard let namespace = try conn.currentSchema() else {
            throw MigrationError.targetRefused(
                target: target, found: "no schema is selected (search_path is empty)",
                remedy: "Set search_path, e.g. options=-csearch_path=public in --target.")
        }
        let tables = Set(try conn.relations(in: namespace).filter(\.isTable).map(\.name))
        guard tables.contains("alembic_version") else {
            throw MigrationError.targetRefused(
                target: target,
                found: tables.isEmpty ? "schema \(namespace) holds no MLflow store" : "schema \(namespace) has no alembic_version table",
                remedy: "--merge adds to an MLflow store. Import the first source without --merge (it keeps its experiment ids),"
                    + " then merge the others into it.")
        }
        let revisions = try conn.alembicRevisions()
        guard revisions == [schema.revision] else {
            throw MigrationError.targetRefused(
                target: target,
                found: "it is at MLflow revision \(revisions.map(displayName).joined(separator: ", ")), the source at \(schema.revision)",
                remedy: "A merge needs both at one revision: upgrade a copy of the SQLite file with the target's MLflow"
                    + " (`mlflow db upgrade sqlite:///COPY`) and merge the copy.")
        }
        let missing = Set(schema.tables.map(\.name)).subtracting(tables).sorted()
        guard missing.isEmpty else {
            throw MigrationError.targetRefused(
                target: target, found: "MLflow tables missing: \(missing.prefix(8).joined(separator: ", "))",
                remedy: "Merge into the database an MLflow server of this revision created.")
        }
    }
}
