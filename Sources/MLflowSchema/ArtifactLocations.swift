/// The columns of MLflow's schema that hold artifact locations (URIs or paths of the old machine).
///
/// `--artifact-root-map` rewrites their values on the way in. Not covered (noted in the README):
/// locations inside JSON or tag values, such as a trace's `mlflow.artifactLocation` tag.
public enum ArtifactLocations {
    /// Table → columns, for every revision that has them.
    public static let columns: [String: [String]] = [
        "experiments": ["artifact_location"],
        "runs": ["artifact_uri"],
        "model_versions": ["source", "storage_location"],
        "logged_models": ["artifact_location"],
        "workspaces": ["default_artifact_root"],
    ]

    /// The artifact-location columns of a table, in this revision.
    public static func columns(of table: TableSpec) -> [String] {
        (columns[table.name] ?? []).filter { table.column($0) != nil }
    }
}
