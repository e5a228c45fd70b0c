import Foundation
import MLflowSchema
import PostgresTarget

/// Opens what the user named as a source: a bundle folder or an SQLite file.
public enum SourceOpener {
    /// Opens a source: a directory with a manifest is a bundle (refused when it is damaged), one
    /// without is refused naming the SQLite files in it; anything else is an SQLite file.
    public static func open(_ path: String, catalog: SchemaCatalog = .embedded) throws -> any MigrationSource {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let manifest = (path as NSString).appendingPathComponent("manifest.json")
            // A link named manifest.json is the bundle's problem (refused there); nothing at all is not a bundle.
            guard
                (try? FileManager.default.destinationOfSymbolicLink(atPath: manifest)) != nil
                    || FileManager.default.fileExists(atPath: manifest)
            else { throw notBundle(path) }
            return try BundleSource(path: path, catalog: catalog)
        }
        return try SQLiteSource(path: path, catalog: catalog)
    }

    /// The refusal of a folder that is not a bundle, offering the SQLite files in it.
    private static func notBundle(_ path: String) -> MigrationError {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let stores = names.sorted().filter { name in
            guard !name.hasPrefix(".") else { return false }
            let file = (path as NSString).appendingPathComponent(name)
            // Regular files only: opening a FIFO would wait for a writer.
            guard (try? FileManager.default.attributesOfItem(atPath: file))?[.type] as? FileAttributeType == .typeRegular,
                let handle = FileHandle(forReadingAtPath: file)
            else { return false }
            defer { try? handle.close() }
            return (try? handle.read(upToCount: 16)) == Data("SQLite format 3\u{0}".utf8)
        }
        return .sourceNotBundle(path: path, sqliteFiles: stores.map { (path as NSString).appendingPathComponent($0) })
    }

    /// Opens a source, reading the schema from the target for a revision the build does not know.
    ///
    /// An SQLite store at such a revision is opened with the schema read from the target's catalog
    /// (`TargetCatalog`) when the target is at that revision; the target is read on a connection
    /// of its own, closed before the source is returned.
    static func open(_ path: String, lendingSchemaFrom conninfo: String?, application: String) throws -> any MigrationSource {
        do {
            return try open(path)
        } catch MigrationError.unknownRevision(let shown, let revision, let advice) {
            var isDirectory: ObjCBool = false
            guard !(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) else {
                throw MigrationError.unknownRevision(path: shown, revision: revision, advice: advice)
            }
            let conn: PGConnection
            do {
                conn = try PGConnection.target(conninfo, application: application)
            } catch MigrationError.targetUnreachable(let error) {
                // The revision is what the operator must act on; the target only might have helped.
                throw MigrationError.unknownRevision(
                    path: shown, revision: revision,
                    advice: advice + "\n  The target could not be reached to read MLflow's schema from it: \(error.message)")
            }
            let schema: SchemaRevision
            do {
                schema = try targetSchema(conn, revision: revision, shown: shown, advice: advice)
            } catch let error as PGError {
                throw conn.lost(error, "Nothing was written; run it again once the server accepts connections.")
                    ?? MigrationError.targetReadFailed(error: error)
            }
            return try SQLiteSource(path: path, catalog: SchemaCatalog.embedded.adding(schema))
        }
    }

    /// The target's schema when its alembic_version is the source's revision.
    ///
    /// Otherwise the refusal, saying why the target could not lend its schema.
    private static func targetSchema(_ conn: PGConnection, revision: String, shown: String, advice: String) throws -> SchemaRevision {
        let hasAlembic = try conn.query("SELECT to_regclass('alembic_version') IS NOT NULL").scalar == "t"
        let found = hasAlembic ? try conn.alembicRevisions() : []
        guard found.count == 1, let targetRevision = found.first, displayName(targetRevision) == revision else {
            let state =
                hasAlembic
                ? "is at revision \(found.map(displayName).joined(separator: ", "))"
                : "has no MLflow schema (no alembic_version table)"
            throw MigrationError.unknownRevision(
                path: shown, revision: revision,
                advice: advice + "\n  The target \(conn.displayName) \(state), so MLflow's schema cannot be read from it either.")
        }
        return try TargetCatalog.schema(conn, revision: targetRevision)
    }
}
