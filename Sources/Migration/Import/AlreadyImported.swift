/// A finished import run again: the refused target already holds exactly the source.
public enum AlreadyImported {
    /// mlflow-verify's report showing that the target equals the source, or nil when it does not (or cannot be shown).
    ///
    /// Cheap first: the target's row counts, read when it was refused, against the source's; only
    /// when every one matches are mlflow-verify's checks run (every table's checksum, every metric
    /// series, the sequences).
    public static func check(
        sourcePath: String, conninfo: String?, targetCounts: [String: Int], artifactMap: ArtifactRootMap, maxDiffs: Int
    ) -> VerifyReport? {
        guard let source = try? SourceOpener.open(sourcePath, lendingSchemaFrom: conninfo, application: "mlflow-import"),
            (try? source.schema.tables.allSatisfy({ try source.rowCount($0) == targetCounts[$0.name] })) == true
        else { return nil }
        let report = try? Verifier(sourcePath: sourcePath, conninfo: conninfo, maxDiffs: maxDiffs, artifactMap: artifactMap).run()
        return report?.passed == true ? report : nil
    }
}
