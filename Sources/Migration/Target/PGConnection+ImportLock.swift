import PostgresTarget

extension PGConnection {
    /// The first key of the advisory lock an import holds on its target schema ("MLFP").
    static let importLockKey: Int32 = 0x4D4C_4650

    /// Takes the transaction-scoped advisory lock on the current schema that every import takes first, so that two
    /// imports into one schema never interleave; refused (exit 5) when another session holds it.
    ///
    /// Released by COMMIT or ROLLBACK.
    func lockSchemaForImport() throws {
        let row = try query(
            """
            SELECT pg_try_advisory_xact_lock(\(Self.importLockKey), coalesce((SELECT oid::int FROM pg_namespace WHERE nspname = current_schema()), 0)),
                   coalesce(current_schema(), '')
            """
        ).rows.first
        guard row?.first == "t" else {
            let schema = row.flatMap { $0.count > 1 ? $0[1] : nil } ?? ""
            throw MigrationError.targetRefused(
                target: displayName, found: "another mlflow-import is loading into schema \(schema) of this database right now",
                remedy: "Wait until it has finished (or stop it), then check the target with mlflow-verify or import again.")
        }
    }
}
