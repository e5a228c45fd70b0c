/// The toolkit's version: what every executable prints with `--version`, and what bundle manifests record.
///
/// `scripts/package.sh` names the tarball and the wheel after what the built `mlflow-import
/// --version` prints, so that the packages and the executables in them always agree.
public enum ToolVersion {
    public static let current = "0.19.0"
}
