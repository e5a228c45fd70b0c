import Foundation

/// What a merge changed and what the target held before it, written to `--record DIR/merge.json`.
///
/// `mlflow-verify --merge-record DIR` reads it back: it rewrites the sources' rows with the
/// recorded ids and names, leaves out the rows recorded as not added, and compares the target's
/// other rows with the counts and checksums recorded before the merge (docs/merge-record.md).
public struct MergeRecord: Codable, Sendable {
    /// One source, in the order it was merged.
    public struct Source: Codable, Sendable {
        public let path: String
        /// Rows added per table.
        public var added: [String: Int]
    }

    /// A sequence id that changed: `table.column` `from` in the source is `to` in the target.
    public struct IdChange: Codable, Sendable, Equatable {
        public let source: Int
        public let table: String
        public let column: String
        public let from: Int64
        public let to: Int64
    }

    /// An experiment or registered model whose name was in the target.
    public struct NameChange: Codable, Sendable, Equatable {
        public let source: Int
        /// `experiment` or `registered_model`.
        public let kind: String
        public let workspace: String?
        public let name: String
        /// `merged` (into the target's of that name) or `renamed`.
        public let action: String
        /// The name in the target.
        public let target: String
    }

    /// A model version number that changed (the model's versions come after the target's).
    public struct VersionChange: Codable, Sendable, Equatable {
        public let source: Int
        public let workspace: String?
        /// The model's name in the target.
        public let name: String
        public let from: Int64
        public let to: Int64
    }

    /// A source row that was not added: the target holds it already (an equal tag, the
    /// workspace, alembic_version) or it is the experiment or model merged into the target's.
    public struct Skipped: Codable, Sendable, Equatable {
        public let source: Int
        public let table: String
        /// The row's match columns (its primary key without float and boolean columns) as text,
        /// after the rewrite, in `TableSpec.matchColumns` order.
        public let key: [String?]
        public let why: String

        /// The `why` of a row the target holds equal (mlflow-verify requires it equal there).
        public static let equalRow = "the target holds an equal row"
    }

    /// A table's rows before the merge: how many, and their content checksum as mlflow-verify computes it.
    public struct Before: Codable, Sendable, Equatable {
        public let rows: Int
        public let checksum: String
    }

    public var format = "mlflow-pg-migrate merge record 1"
    public let revision: String
    public let target: String
    public let policy: NameConflictPolicy
    public var sources: [Source]
    public var before: [String: Before]
    public var ids: [IdChange] = []
    public var names: [NameChange] = []
    public var versions: [VersionChange] = []
    public var skipped: [Skipped] = []
    /// The `--artifact-root-map` rules the sources were read with, for mlflow-verify.
    public var artifactRootMap: [ArtifactRootMap.Rule] = []

    static let fileName = "merge.json"

    /// Writes the record as `DIR/merge.json`, refusing a folder that holds one already.
    func write(_ directory: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName)
        do {
            if FileManager.default.fileExists(atPath: url.path) {
                throw MigrationError.outputUnusable(
                    path: directory, output: .mergeRecord, reason: "it already holds a merge record; give an empty or new folder")
            }
            try PrivateFile.createFolder(directory)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let writer = try PrivateFileWriter(url.path)
            try writer.append(try encoder.encode(self) + Data("\n".utf8))
            try writer.commit()
        } catch let error as NSError where error.domain == NSPOSIXErrorDomain || error.domain == NSCocoaErrorDomain {
            throw MigrationError.outputUnusable(path: directory, output: .mergeRecord, reason: describeFileError(error))
        }
    }

    /// Checks before the merge that the record can be written there.
    static func checkUsable(_ directory: String) throws {
        try RejectDirectory.checkUsable(directory, output: .mergeRecord, record: fileName)
    }

    /// Reads `DIR/merge.json`.
    public static func read(_ directory: String) throws -> MergeRecord {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MigrationError.usage(
                "\(path) does not exist or cannot be read: give --merge-record the folder mlflow-import --merge --record wrote")
        }
        do {
            return try JSONDecoder().decode(MergeRecord.self, from: data)
        } catch let error as DecodingError {
            throw MigrationError.usage("\(path) is not a merge record mlflow-import wrote: \(describeDecodingError(error))")
        }
    }

    /// Removes a record written for a merge that was then rolled back.
    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).appendingPathComponent(fileName).path)
    }
}
