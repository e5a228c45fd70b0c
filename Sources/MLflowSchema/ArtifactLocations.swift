/// The columns of MLflow's schema that hold artifact locations (URIs or paths of the old machine).
///
/// `--artifact-root-map` rewrites their values on the way in, and the values of the tags that hold
/// locations (a trace's `mlflow.artifactLocation`). Not covered: locations inside JSON values.
public enum ArtifactLocations {
    /// Table → columns, for every revision that has them.
    public static let columns: [String: [String]] = [
        "experiments": ["artifact_location"],
        "runs": ["artifact_uri"],
        "model_versions": ["source", "storage_location"],
        "logged_models": ["artifact_location"],
        "workspaces": ["default_artifact_root"],
    ]

    /// Tag tables whose value column holds a location when the key column has one of these keys.
    public static let tags: [String: (key: String, value: String, keys: Set<String>)] = [
        "trace_tags": ("key", "value", ["mlflow.artifactLocation"])
    ]

    /// The artifact-location columns of a table, in this revision.
    public static func columns(of table: TableSpec) -> [String] {
        (columns[table.name] ?? []).filter { table.column($0) != nil }
    }
}
