import Foundation
import MLflowSchema
import PostgresTarget

#if canImport(Glibc)
import Glibc
#endif

/// A bundle written by `mlflow-export`, opened as a migration source.
///
/// Opening checks everything before any target is touched: the manifest's shape and revision,
/// that its tables, columns and sequences are the revision's, that every data file is a regular
/// file inside the bundle (no link, `data/` no link either) with the recorded size and xxHash64
/// (hashed before it is parsed), the recorded rows and content checksum, and that every
/// sequence's next value lies above the largest id in the data. The files stay open from that
/// check to the load, which streams them unchanged: what was checked is what is loaded.
///
/// The checksums guard against accidents (a copy cut short, a flipped bit), not against someone
/// who edits files and manifest together; `manifestChecksum` lets an operator compare the
/// manifest with the one the export printed, out of band.
public final class BundleSource: MigrationSource {
    public let path: String
    public let schema: SchemaRevision
    public let manifest: BundleManifest
    /// xxHash64 of `manifest.json` as read (16 hex digits); mlflow-export prints the same.
    public let manifestChecksum: String
    public var unknownTables: [String] { manifest.unknownTables.map(displayName) }
    /// The data files, by table, open since they were checked.
    private var files: [String: BundleFile] = [:]

    public init(path: String, catalog: SchemaCatalog = .embedded) throws {
        self.path = path
        let manifestPath = (path as NSString).appendingPathComponent("manifest.json")
        func invalid(_ problem: String) -> MigrationError { .bundleInvalid(path: path, problem: problem) }
        // Opened without following a link and read from that descriptor, like the data files.
        guard let manifestFile = try? BundleFile(path: manifestPath) else {
            throw invalid("manifest.json is missing or not a regular file")
        }
        guard manifestFile.size <= 64 << 20, let data = try? manifestFile.readAll() else {
            throw invalid("manifest.json is unreadable or larger than 64 MiB")
        }
        manifestChecksum = data.withUnsafeBytes { hex(XXH64.hash($0)) }
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: data)
        } catch {
            throw invalid("manifest.json is not a valid manifest: \(describeDecodingError(error))")
        }
        guard manifest.format == BundleManifest.formatName else { throw invalid("manifest.json is not an mlflow-pg-migrate bundle manifest") }
        guard BundleManifest.readableVersions.contains(manifest.formatVersion) else {
            throw invalid(
                "bundle format version \(manifest.formatVersion); this build reads versions \(BundleManifest.readableVersions.lowerBound) to \(BundleManifest.readableVersions.upperBound)"
            )
        }
        guard var schema = catalog.revision(manifest.revision) else {
            throw MigrationError.unknownRevision(
                path: path, revision: displayName(manifest.revision), advice: catalog.advice(forUnsupported: manifest.revision))
        }
        if let policy = manifest.policy {
            let tables = Set(schema.tables.map(\.name))
            guard policy.leftOut.allSatisfy({ tables.contains($0.key) && $0.value > 0 }),
                policy.skipRows.allSatisfy({ Problem.Kind(rawValue: $0) != nil })
            else { throw invalid("manifest.json's policy names tables, counts or problem kinds no export writes") }
        }
        // Columns the export's policy widened: the data files hold the wider type, which the import makes.
        let widened = manifest.policy?.widened ?? []
        for w in widened {
            guard let column = schema.table(w.table)?.column(w.column), column.pgType.description == w.from,
                let type = PGType(formatType: w.to), Self.isWidening(from: column.pgType, to: type)
            else {
                throw invalid(
                    "manifest.json widens \(displayName(w.table)).\(displayName(w.column)) from \(displayName(w.from)) to \(displayName(w.to)), which no policy does"
                )
            }
            schema = schema.changingTypes([(w.table, w.column, type)])
        }
        self.schema = schema
        let names = manifest.tables.map(\.name)
        guard Set(names) == Set(schema.tables.map(\.name)), names.count == Set(names).count else {
            throw invalid("its tables (\(names.sorted().map(displayName).joined(separator: ", "))) are not the tables of revision \(schema.revision)")
        }
        for entry in manifest.tables {
            let table = schema.table(entry.name)!
            let expected = table.loadedColumns.map { "\($0.name) \($0.pgType)" }
            guard entry.columns.map({ "\($0.name) \($0.type)" }) == expected else {
                throw invalid("table \(entry.name): columns differ from revision \(schema.revision)")
            }
            guard entry.file == BundleManifest.fileName(for: entry.name) else {
                throw invalid(
                    "table \(entry.name): data file must be \(BundleManifest.fileName(for: entry.name)), the manifest says \(displayName(entry.file))"
                )
            }
            guard entry.rows >= 0, entry.size >= 21 else { throw invalid("table \(entry.name): impossible rows or size") }
        }
        let sequences = Set(manifest.sequences.map { "\($0.name) \($0.table).\($0.column)" })
        guard sequences == Set(schema.sequences.map { "\($0.name) \($0.table).\($0.column)" }), sequences.count == manifest.sequences.count else {
            throw invalid("its sequences are not the sequences of revision \(schema.revision)")
        }
        let dataFolder = (path as NSString).appendingPathComponent("data")
        guard (try? FileManager.default.attributesOfItem(atPath: dataFolder))?[.type] as? FileAttributeType == .typeDirectory else {
            throw invalid("data/ is missing or not a folder (a link is refused)")
        }
        try checkFiles()
    }

    /// True for what a policy does to a column: varchar to a longer varchar or text, integer to bigint.
    private static func isWidening(from old: PGType, to new: PGType) -> Bool {
        switch (old, new) {
        case (.int4, .int8): return true
        case (.text(let a?), .text(let b)): return b.map { $0 > a } ?? true
        default: return false
        }
    }

    /// Every data file: opened without following links, the recorded size, then its xxHash64 (before any parsing),
    /// then rows, fields per row, content checksum and the largest id of each sequence's column.
    ///
    /// Every number in the manifest is checked.
    private func checkFiles() throws {
        for entry in manifest.tables {
            let file: BundleFile
            do {
                file = try BundleFile(path: dataPath(entry))
            } catch {
                throw MigrationError.bundleInvalid(path: path, problem: "\(entry.file) (table \(entry.name)) \(error)")
            }
            func invalid(_ problem: String) -> MigrationError {
                .bundleInvalid(path: path, problem: "\(entry.file) (table \(entry.name)) \(problem)")
            }
            guard file.size == entry.size else { throw invalid("has \(file.size) bytes, the manifest says \(entry.size) (truncated or changed)") }
            let sum = try file.xxh64()
            guard sum.size == entry.size, sum.hash == entry.xxh64 else {
                throw invalid("has checksum \(sum.hash), the manifest says \(entry.xxh64) (changed or damaged)")
            }
            let table = schema.table(entry.name)!
            let scan: (rows: Int, content: UInt64, largest: [String: Int64])
            do {
                scan = try Self.scan(
                    file, table, sequenceColumns: manifest.sequences.filter { $0.table == entry.name }.map(\.column),
                    canonical: manifest.formatVersion >= 2)
            } catch MigrationError.bundleInvalid(_, let problem) {
                throw invalid(problem)
            }
            guard scan.rows == entry.rows else { throw invalid("holds \(scan.rows) rows, the manifest says \(entry.rows)") }
            guard hex(scan.content) == entry.contentChecksum else {
                throw invalid("has content checksum \(hex(scan.content)), the manifest says \(entry.contentChecksum)")
            }
            for sequence in manifest.sequences where sequence.table == entry.name {
                let largest = scan.largest[sequence.column] ?? 0
                guard sequence.next >= 1, sequence.next > largest else {
                    throw MigrationError.bundleInvalid(
                        path: path,
                        problem:
                            "manifest.json says sequence \(sequence.name) continues at \(sequence.next), but \(entry.name).\(sequence.column) already holds \(largest): MLflow would reuse ids"
                    )
                }
            }
            files[entry.name] = file
        }
    }

    /// One pass over a checked data file: rows, their content checksum, and the largest value of
    /// each named integer column.
    private static func scan(_ file: BundleFile, _ table: TableSpec, sequenceColumns: [String], canonical isCanonical: Bool) throws
        -> (rows: Int, content: UInt64, largest: [String: Int64])
    {
        let columns = table.loadedColumns
        let watched = sequenceColumns.compactMap { name in columns.firstIndex { $0.name == name }.map { (name, $0, columns[$0].pgType) } }
        let reader = BundleTupleReader(file: file, fields: columns.count)
        let canonical = PGCanonicalDecoder(table: table) { .bundleInvalid(path: file.path, problem: $0) }
        var rows = 0
        var content: UInt64 = 0
        var largest: [String: Int64] = [:]
        while let tuple = try reader.next() {
            rows += 1
            // The content checksum is of the canonical form, the one mlflow-verify reports (version 2).
            content &+= XXH64.hash(isCanonical ? try canonical.decode(tuple).bytes : tuple.bytes)
            for (name, index, type) in watched {
                guard let value = tuple.value(index) else { continue }
                let number: Int64? =
                    switch type {
                    case .int4 where value.count == 4: Int64(Int32(bigEndian: value.loadUnaligned(as: Int32.self)))
                    case .int8 where value.count == 8: Int64(bigEndian: value.loadUnaligned(as: Int64.self))
                    default: nil
                    }
                if let number { largest[name] = max(largest[name] ?? number, number) }
            }
        }
        return (rows, content, largest)
    }

    func dataPath(_ entry: BundleManifest.Table) -> String {
        (path as NSString).appendingPathComponent(entry.file)
    }

    func entry(_ table: TableSpec) -> BundleManifest.Table {
        manifest.tables.first { $0.name == table.name }!
    }

    public func canonicalRows(_ table: TableSpec) throws -> any TupleReader {
        let path = path
        let decoder = PGCanonicalDecoder(table: table) { .bundleInvalid(path: path, problem: $0) }
        return DecodedTupleReader(BundleTupleReader(file: files[table.name]!, fields: table.loadedColumns.count), decoder)
    }

    public func rowCount(_ table: TableSpec) throws -> Int { entry(table).rows }

    public func copy(_ table: TableSpec, into conn: PGConnection, progress: ((Int) -> Void)?) throws -> (stream: CopyInStream, rows: Int) {
        let entry = entry(table)
        var sentBytes: Int64 = 0
        let stream = try conn.copyIn(table: table.name, columns: table.loadedColumns.map(\.name), raw: true)
        let file = files[table.name]!
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: FileChecksum.chunk, alignment: 8)
        defer { buffer.deallocate() }
        // Hashed again as it streams: a file written to after its check is refused before COMMIT.
        var hash = XXH64.Stream()
        do {
            while true {
                let n = try file.read(into: buffer, count: FileChecksum.chunk, at: sentBytes)
                if n == 0 { break }
                let chunk = UnsafeRawBufferPointer(start: buffer, count: n)
                hash.update(chunk)
                try stream.send(raw: chunk)
                sentBytes += Int64(n)
                progress?(Int(Double(entry.rows) * Double(sentBytes) / Double(max(1, entry.size))))
            }
            guard sentBytes == entry.size, hex(hash.finalize()) == entry.xxh64 else {
                throw MigrationError.bundleInvalid(path: path, problem: "\(entry.file) changed after it was checked")
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
        guard line > 0, let file = files[table.name] else { return nil }
        let reader = BundleTupleReader(file: file, fields: table.loadedColumns.count)
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
