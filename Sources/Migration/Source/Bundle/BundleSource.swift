import Foundation
import MLflowSchema
import PostgresTarget

#if canImport(Glibc)
import Glibc
#endif

/// A bundle written by `mlflow-export`, opened as a migration source.
///
/// Opening checks everything before any target is touched: the manifest's shape and revision,
/// that its tables and columns are the revision's, that every data file is a regular file inside
/// the bundle with the recorded size and xxHash64. Import streams the files unchanged.
public final class BundleSource: MigrationSource {
    public let path: String
    public let schema: SchemaRevision
    public let manifest: BundleManifest
    public var unknownTables: [String] { manifest.unknownTables }

    public init(path: String, catalog: SchemaCatalog = .embedded) throws {
        self.path = path
        let manifestPath = (path as NSString).appendingPathComponent("manifest.json")
        func invalid(_ problem: String) -> MigrationError { .bundleInvalid(path: path, problem: problem) }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: manifestPath),
            attributes[.type] as? FileAttributeType == .typeRegular
        else {
            throw invalid("manifest.json is missing or not a regular file")
        }
        guard (attributes[.size] as? Int ?? 0) <= 64 << 20, let data = FileManager.default.contents(atPath: manifestPath) else {
            throw invalid("manifest.json is unreadable or larger than 64 MiB")
        }
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: data)
        } catch {
            throw invalid("manifest.json is not a valid manifest: \(describeDecodingError(error))")
        }
        guard manifest.format == BundleManifest.formatName else { throw invalid("manifest.json is not an mlflow-pg-migrate bundle manifest") }
        guard manifest.formatVersion == BundleManifest.currentVersion else {
            throw invalid("bundle format version \(manifest.formatVersion); this build reads version \(BundleManifest.currentVersion)")
        }
        guard let schema = catalog.revision(manifest.revision) else {
            throw MigrationError.unknownRevision(path: path, revision: manifest.revision, advice: catalog.advice(forUnsupported: manifest.revision))
        }
        self.schema = schema
        let names = manifest.tables.map(\.name)
        guard Set(names) == Set(schema.tables.map(\.name)), names.count == Set(names).count else {
            throw invalid("its tables (\(names.sorted().joined(separator: ", "))) are not the tables of revision \(schema.revision)")
        }
        for entry in manifest.tables {
            let table = schema.table(entry.name)!
            let expected = table.loadedColumns.map { "\($0.name) \($0.pgType)" }
            guard entry.columns.map({ "\($0.name) \($0.type)" }) == expected else {
                throw invalid("table \(entry.name): columns differ from revision \(schema.revision)")
            }
            guard entry.file == BundleManifest.fileName(for: entry.name) else {
                throw invalid("table \(entry.name): data file must be \(BundleManifest.fileName(for: entry.name)), the manifest says \(entry.file)")
            }
            guard entry.rows >= 0, entry.size >= 21 else { throw invalid("table \(entry.name): impossible rows or size") }
        }
        guard Set(manifest.sequences.map(\.name)) == Set(schema.sequences.map(\.name)) else {
            throw invalid("its sequences are not the sequences of revision \(schema.revision)")
        }
        try checkFiles()
    }

    /// Every data file: a regular file (not a link), the recorded size, xxHash64, rows and content
    /// checksum. One read of each file; every number in the manifest is checked.
    private func checkFiles() throws {
        for entry in manifest.tables {
            let file = dataPath(entry)
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            var problem: String?
            if attributes == nil {
                problem = "is missing"
            } else if attributes?[.type] as? FileAttributeType != .typeRegular {
                problem = "is not a regular file (a link or a directory)"
            } else if let size = (attributes?[.size] as? NSNumber)?.int64Value, size != entry.size {
                problem = "has \(size) bytes, the manifest says \(entry.size) (truncated or changed)"
            } else {
                let table = schema.table(entry.name)!
                let reader = try BundleTupleReader(path: file, maxFields: table.loadedColumns.count, hashing: true)
                var rows = 0
                var content: UInt64 = 0
                do {
                    while let tuple = try reader.next() {
                        guard tuple.fieldCount == table.loadedColumns.count else {
                            throw MigrationError.bundleInvalid(path: path, problem: "\(entry.file) row \(rows + 1) has \(tuple.fieldCount) fields")
                        }
                        rows += 1
                        content &+= XXH64.hash(tuple.bytes)
                    }
                    if let sum = reader.fileHash, sum != entry.xxh64 {
                        problem = "has checksum \(sum), the manifest says \(entry.xxh64) (changed or damaged)"
                    } else if rows != entry.rows {
                        problem = "holds \(rows) rows, the manifest says \(entry.rows)"
                    } else if hex(content) != entry.contentChecksum {
                        problem = "has content checksum \(hex(content)), the manifest says \(entry.contentChecksum)"
                    }
                } catch {
                    problem = "is not valid binary COPY data: \(error)"
                    if let sum = try? FileChecksum.xxh64(file).hash, sum != entry.xxh64 {
                        problem = "has checksum \(sum), the manifest says \(entry.xxh64) (changed or damaged)"
                    }
                }
            }
            if let problem {
                throw MigrationError.bundleInvalid(path: path, problem: "\(entry.file) (table \(entry.name)) \(problem)")
            }
        }
    }

    func dataPath(_ entry: BundleManifest.Table) -> String {
        (path as NSString).appendingPathComponent(entry.file)
    }

    func entry(_ table: TableSpec) -> BundleManifest.Table {
        manifest.tables.first { $0.name == table.name }!
    }

    public func tuples(_ table: TableSpec) throws -> any TupleReader {
        try BundleTupleReader(path: dataPath(entry(table)), maxFields: table.loadedColumns.count)
    }

    public func rowCount(_ table: TableSpec) throws -> Int { entry(table).rows }

    public func copy(
        _ table: TableSpec, into conn: PGConnection, skipping: Set<Int64>,
        progress: ((Int) -> Void)?
    ) throws -> (stream: CopyInStream, rows: Int) {
        precondition(skipping.isEmpty, "policies need the SQLite file")
        let entry = entry(table)
        var sentBytes: Int64 = 0
        let stream = try conn.copyIn(table: table.name, columns: table.loadedColumns.map(\.name), raw: true)
        do {
            guard let handle = FileHandle(forReadingAtPath: dataPath(entry)) else {
                throw MigrationError.bundleInvalid(path: path, problem: "\(entry.file) cannot be opened")
            }
            defer { try? handle.close() }
            while let data = try handle.read(upToCount: FileChecksum.chunk), !data.isEmpty {
                try data.withUnsafeBytes { try stream.send(raw: $0) }
                sentBytes += Int64(data.count)
                progress?(Int(Double(entry.rows) * Double(sentBytes) / Double(max(1, entry.size))))
            }
        } catch {
            stream.abort("stopped: \(error)")
            throw error
        }
        return (stream, entry.rows)
    }

    public func nextValue(for sequence: SequenceSpec) throws -> Int64 {
        manifest.sequences.first { $0.name == sequence.name }?.next ?? 1
    }

    public func rowKey(table: TableSpec, line: Int) -> RowKey? {
        guard line > 0, let reader = try? BundleTupleReader(path: dataPath(entry(table)), maxFields: table.loadedColumns.count) else { return nil }
        var n = 0
        while let tuple = try? reader.next() {
            n += 1
            guard n == line else { continue }
            let columns = table.loadedColumns
            return RowKey(
                parts: table.primaryKey.compactMap { name in
                    columns.firstIndex { $0.name == name }.map {
                        ColumnValue(column: name, value: FieldDisplay.describe(tuple.value($0), columns[$0].pgType))
                    }
                })
        }
        return nil
    }
}
