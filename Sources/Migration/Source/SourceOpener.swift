import Foundation
import MLflowSchema

/// Opens what the user named as a source: a bundle folder or an SQLite file.
public enum SourceOpener {
    /// Opens a source: a directory is a bundle (refused when it holds no valid manifest), anything
    /// else an SQLite file.
    public static func open(_ path: String, catalog: SchemaCatalog = .embedded) throws -> any MigrationSource {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try BundleSource(path: path, catalog: catalog)
        }
        return try SQLiteSource(path: path, catalog: catalog)
    }
}
