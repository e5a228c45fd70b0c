/// The version of mlflow-pg-migrate that every executable prints with `--version`.
///
/// `scripts/package.sh` names the tarball and the wheel after what `mlflow-import --version`
/// prints, so that the package and the executables in it always agree.
public enum ToolVersion {
    public static let current = "0.18.0"
}
