import Foundation
import MLflowSchema
import PostgresTarget

/// Writes one consistent snapshot of an MLflow SQLite store as a bundle: a manifest and one binary
/// COPY file per table (docs/bundle-format.md).
///
/// The bundle is written into a hidden sibling folder and renamed into place only when complete,
/// so an interrupted export (killed, disk full) never leaves a folder that import would accept.
public struct Exporter {
    public let sourcePath: String
    public let outputPath: String
    /// Replace an existing bundle at `outputPath`.
    public let force: Bool
    /// Rewrites artifact locations on the way out (`--artifact-root-map`); recorded in the manifest.
    public let artifactMap: ArtifactRootMap
    /// What to do with rows the pre-flight finds a problem in (default: refuse the export), as the import's policies.
    public let policy: RejectPolicy
    /// Receives the pre-flight's and each table's progress; may be nil.
    public let progress: ProgressHandler?

    public init(
        sourcePath: String, outputPath: String, force: Bool = false, artifactMap: ArtifactRootMap = ArtifactRootMap(rules: []),
        policy: RejectPolicy = RejectPolicy(), progress: ProgressHandler? = nil
    ) {
        self.sourcePath = sourcePath
        self.outputPath = outputPath
        self.force = force
        self.artifactMap = artifactMap
        self.policy = policy
        self.progress = progress
    }

    public func run() throws -> ExportSummary {
        let started = Date()
        let output = try checkedOutput()
        if let directory = policy.rejectDirectory { try RejectDirectory.checkUsable(directory) }
        let (source, sourceSum) = try openChecked()
        let plan = try preflight(source)
        let staging = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        var wroteRecord = false
        // The staging folder is the export's own: an interruption removes it whole.
        Interruption.shared.onInterrupt("bundle-staging") { try? FileManager.default.removeItem(at: staging) }
        do {
            let (written, manifestChecksum) = try writeBundle(from: source, sourceSum: sourceSum, plan: plan, into: staging)
            if let directory = policy.rejectDirectory, !plan.leftOut.isEmpty || !plan.widen.isEmpty || !artifactMap.isEmpty {
                wroteRecord = true
                Interruption.shared.onInterrupt("reject-directory") { RejectDirectory.remove(directory) }
                try RejectDirectory.write(directory, source: source, problems: plan.problems, widened: plan.widen, artifactMap: artifactMap)
            }
            // Published and said so in one step: an interruption comes before it or after it.
            try Interruption.shared.exclusively {
                try publish(staging, as: output)
                Interruption.shared.cancel("bundle-staging")
                Interruption.shared.cancel("reject-directory")
                Interruption.shared.set("interrupted after the bundle was written to \(outputPath)")
            }
            var summary = ExportSummary(
                source: sourcePath, output: outputPath, revision: source.schema.revision,
                tables: written, seconds: Date().timeIntervalSince(started))
            summary.artifactRules = artifactMap.rules
            summary.manifestChecksum = manifestChecksum
            summary.leftOut = plan.leftOut
            summary.widened = plan.widen
            return summary
        } catch {
            try? FileManager.default.removeItem(at: staging)
            if wroteRecord, let directory = policy.rejectDirectory { RejectDirectory.remove(directory) }
            if let error = error as? MigrationError { throw error }
            throw MigrationError.outputUnusable(path: outputPath, output: .bundle, reason: describeFileError(error))
        }
    }

    /// The output path, once it may be written: absent, or with `--force` a bundle this tool wrote; never the
    /// source nor a folder that holds it; in a writable folder.
    ///
    /// Nothing is touched here.
    private func checkedOutput() throws -> URL {
        let fm = FileManager.default
        let output = URL(fileURLWithPath: outputPath).standardizedFileURL
        func refuse(_ reason: String) -> MigrationError { .outputUnusable(path: outputPath, output: .bundle, reason: reason) }
        let realOutput = output.resolvingSymlinksInPath().path
        let realSource = URL(fileURLWithPath: sourcePath).standardizedFileURL.resolvingSymlinksInPath().path
        if realSource == realOutput || realSource.hasPrefix(realOutput.hasSuffix("/") ? realOutput : realOutput + "/") {
            throw refuse("it is, or holds, the source \(sourcePath); give a new folder for the bundle. Nothing was touched")
        }
        if let kind = try? fm.attributesOfItem(atPath: output.path)[.type] as? FileAttributeType {
            guard force else { throw refuse("it already exists; pass --force to replace it") }
            guard kind == .typeDirectory else {
                throw refuse("--force replaces only a bundle folder mlflow-export wrote, and this is not a folder. Nothing was touched")
            }
            guard BundleManifest.isBundle(output.path) else {
                throw refuse("--force replaces only a bundle mlflow-export wrote, and this folder holds no bundle manifest. Nothing was touched")
            }
        }
        let parent = output.deletingLastPathComponent()
        guard fm.isWritableFile(atPath: parent.path) else {
            throw refuse("its folder \(parent.path) is missing or not writable")
        }
        return output
    }

    /// The source opened and `quick_check`ed, with the file's checksum and size for the manifest.
    private func openChecked() throws -> (SQLiteSource, (hash: String, size: Int64)) {
        let sourceSum: (hash: String, size: Int64)
        do {
            sourceSum = try FileChecksum.xxh64(sourcePath)
        } catch {
            // SQLiteSource gives the precise reason (missing, a directory, permission).
            _ = try SQLiteSource(path: sourcePath)
            throw MigrationError.sourceUnreadable(path: sourcePath, reason: "\(error)")
        }
        let source = try SQLiteSource(path: sourcePath)
        if !artifactMap.isEmpty { source.artifactMap = artifactMap }
        return (source, sourceSum)
    }

    /// Runs the import's pre-flight over the source, then applies the policy.
    ///
    /// The pre-flight checks quick_check, every value, key and reference. Every problem no policy
    /// handles refuses the export, all of them listed; otherwise the policy picks the rows to leave
    /// out and the columns to widen. A bundle then holds nothing PostgreSQL would reject.
    private func preflight(_ source: SQLiteSource) throws -> Importer.Plan {
        progress?(.step("pre-flight: checking every row of \(sourcePath)"))
        let result = try Preflight(source: source, thorough: false, progress: progress).run()
        return try Importer(sourcePath: sourcePath, conninfo: nil, policy: policy).plan(source, preflighted: result)
    }

    /// Every table's data file and the manifest, into the staging folder; returns the tables
    /// written and the manifest's xxHash64.
    private func writeBundle(from source: SQLiteSource, sourceSum: (hash: String, size: Int64), plan: Importer.Plan, into staging: URL) throws -> (
        [ExportSummary.Table], String
    ) {
        try PrivateFile.createFolder(staging.path)
        try PrivateFile.createFolder(staging.appendingPathComponent("data").path)
        var tables: [BundleManifest.Table] = []
        var written: [ExportSummary.Table] = []
        for table in source.schema.tables {
            let t0 = Date()
            let entry = try write(table, from: source, into: staging)
            tables.append(entry)
            written.append(.init(name: table.name, rows: entry.rows, bytes: entry.size, seconds: Date().timeIntervalSince(t0)))
            progress?(.tableFinished(table: table.name, rows: entry.rows, seconds: Date().timeIntervalSince(t0)))
        }
        let manifest = BundleManifest(
            format: BundleManifest.formatName, formatVersion: plan.widen.isEmpty ? BundleManifest.currentVersion : BundleManifest.widenedVersion,
            tool: "mlflow-export", toolVersion: ToolVersion.current,
            createdAt: ISO8601DateFormatter().string(from: Date()),
            source: .init(name: URL(fileURLWithPath: sourcePath).lastPathComponent, size: sourceSum.size, xxh64: sourceSum.hash),
            revision: source.schema.revision, mlflowVersions: source.schema.mlflowVersions, tables: tables,
            sequences: try source.schema.sequences.map {
                .init(name: $0.name, table: $0.table, column: $0.column, next: try source.nextValue(for: $0))
            },
            unknownTables: source.unknownTables, artifactRootMap: artifactMap.isEmpty ? nil : artifactMap.rules,
            policy: .init(
                preflighted: true, skipRows: policy.skip.map(\.rawValue).sorted(), leftOut: plan.leftOut, widened: plan.widen))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(manifest)
        try writeFile(data, to: staging.appendingPathComponent("manifest.json"))
        return (written, data.withUnsafeBytes { hex(XXH64.hash($0)) })
    }

    /// Writes one table's data file: header, one tuple per row, trailer; returns its manifest entry.
    private func write(_ table: TableSpec, from source: SQLiteSource, into staging: URL) throws -> BundleManifest.Table {
        let relative = BundleManifest.fileName(for: table.name)
        let url = staging.appendingPathComponent(relative)
        let handle = FileHandle(fileDescriptor: try PrivateFile.create(url.path), closeOnDealloc: true)
        defer { try? handle.close() }
        let buffer = BinaryTupleBuffer(capacity: 1 << 20 + 1 << 16)
        let encoder = RowEncoder(path: sourcePath, table: table, artifactMap: source.artifactMap)
        var fileHash = XXH64.Stream()
        var size: Int64 = 0
        var content: UInt64 = 0
        var rows = 0
        // Counted for the progress bar only: a count(*) per table is not free.
        let total = progress == nil ? 0 : try source.rowCount(table) - (source.leftOut[table.name] ?? 0)
        progress?(.tableStarted(table: table.name, total: total))
        func flush() throws {
            let bytes = buffer.bytes
            guard bytes.count > 0 else { return }
            fileHash.update(bytes)
            size += Int64(bytes.count)
            try handle.write(
                contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count, deallocator: .none))
            buffer.removeAll()
        }
        // The content checksum is of the canonical form, the one mlflow-verify reports.
        let canonical = PGCanonicalDecoder(table: table) { .bundleInvalid(path: url.path, problem: $0) }
        let reader = BinaryTupleReader(expectHeader: false, fields: table.loadedColumns.count)
        buffer.header()
        let stmt = try source.scan(table)
        while try source.step(stmt, table) {
            var start = buffer.count
            try encoder.encode(stmt, into: buffer)
            let tuple = UnsafeRawBufferPointer(rebasing: buffer.bytes[start...])
            if canonical.passesThrough {
                // The row's tuple is everything the encoder just appended: hash it without parsing it.
                content &+= XXH64.hash(tuple)
            } else if let row = try reader.tuple(in: buffer.bytes, at: &start) {
                content &+= XXH64.hash(try canonical.decode(row).bytes)
            }
            rows += 1
            if rows & 0xFFFF == 0 { progress?(.rows(table: table.name, done: rows, total: total)) }
            if buffer.count >= 1 << 20 { try flush() }
        }
        buffer.trailer()
        try flush()
        try handle.synchronize()
        let columns = table.loadedColumns.map { BundleManifest.Column(name: $0.name, type: $0.pgType.description) }
        return .init(
            name: table.name, columns: columns, rows: rows, contentChecksum: hex(content), file: relative,
            size: size, xxh64: hex(fileHash.finalize()))
    }

    private func writeFile(_ data: Data, to url: URL) throws {
        let handle = FileHandle(fileDescriptor: try PrivateFile.create(url.path), closeOnDealloc: true)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }

    /// Puts the finished staging folder at the output path.
    ///
    /// An old bundle there (checked again just before) is swapped out in one step, so the path never lacks a
    /// bundle, then removed; the parent folder is flushed so that the new name survives a crash.
    private func publish(_ staging: URL, as output: URL) throws {
        let fm = FileManager.default
        let parent = output.deletingLastPathComponent().path
        // The bundle's own entries first, so that the name never points at a folder missing some.
        try PrivateFile.syncFolder(staging.appendingPathComponent("data").path)
        try PrivateFile.syncFolder(staging.path)
        if fm.fileExists(atPath: output.path) {
            guard BundleManifest.isBundle(output.path) else {
                throw MigrationError.outputUnusable(
                    path: outputPath, output: .bundle, reason: "it changed during the export and is no bundle any more. Nothing was touched")
            }
            if try PrivateFile.exchange(staging.path, output.path) {
                // What was swapped out must still be the bundle that was checked; else swap back.
                guard BundleManifest.isBundle(staging.path) else {
                    _ = try? PrivateFile.exchange(staging.path, output.path)
                    throw MigrationError.outputUnusable(
                        path: outputPath, output: .bundle, reason: "it changed during the export and is no bundle any more. Nothing was touched")
                }
                // Published: a failure from here on loses nothing, so it is not the export's.
                try? PrivateFile.syncFolder(parent)
                try? fm.removeItem(at: staging)  // the old bundle, now under the staging name
                return
            }
            let old = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
            try fm.moveItem(at: output, to: old)
            do {
                try fm.moveItem(at: staging, to: output)
            } catch {
                try? fm.moveItem(at: old, to: output)  // the old bundle back where it was
                throw error
            }
            try? PrivateFile.syncFolder(parent)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: staging, to: output)
            try? PrivateFile.syncFolder(parent)
        }
    }

}
