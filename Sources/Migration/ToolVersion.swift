/// The toolkit's version, recorded in bundle manifests.
public enum ToolVersion {
    public static let current = "0.1.0"
}
