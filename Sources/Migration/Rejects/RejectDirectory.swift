import Foundation

/// The folder where an import records what a policy left out or changed (docs/reject-format.md).
enum RejectDirectory {
    /// Writes the record and every row the source leaves out (read again from the snapshot, all
    /// columns as stored, with the problems that put it there), one row at a time.
    ///
    /// A file system failure is `outputUnusable` naming the folder.
    static func write(
        _ path: String, source: SQLiteSource, problems: ProblemLog?, widened: [RejectRecord.Widened], artifactMap: ArtifactRootMap
    ) throws {
        do {
            try writeRecord(path, source: source, problems: problems, widened: widened, artifactMap: artifactMap)
        } catch let error as NSError where error.domain == NSPOSIXErrorDomain || error.domain == NSCocoaErrorDomain {
            // A file system failure; anything else (a MigrationError reading the source) passes.
            throw MigrationError.outputUnusable(path: path, output: .rejectDirectory, reason: describeFileError(error))
        }
    }

    private static func writeRecord(
        _ path: String, source: SQLiteSource, problems: ProblemLog?, widened: [RejectRecord.Widened], artifactMap: ArtifactRootMap
    ) throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: path)
        if fm.fileExists(atPath: root.appendingPathComponent("rejects.json").path) {
            throw MigrationError.outputUnusable(
                path: path, output: .rejectDirectory, reason: "it already holds a reject record; give an empty or new folder")
        }
        try PrivateFile.createFolder(root.path)
        try PrivateFile.createFolder(root.appendingPathComponent("rows").path)
        var summary: [RejectRecord.LeftOut] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for table in source.schema.tables where (source.leftOut[table.name] ?? 0) > 0 {
            let file = try PrivateFileWriter(root.appendingPathComponent("rows/\(table.name).jsonl").path)
            var reasons: [String: Int] = [:]
            var rows = 0
            do {
                try source.forEachLeftOutRow(table) { rowid, cells, key in
                    let found = try problems?.problems(of: table.name, rowid: rowid, key: key) ?? []
                    for p in found { reasons[p.kind.rawValue, default: 0] += 1 }
                    let row = RejectedRow(
                        table: table.name, rowid: rowid, reasons: found.map(\.kind.rawValue), details: found.map(\.line), cells: cells)
                    try file.append(try encoder.encode(row))
                    try file.append(Data([0x0A]))
                    rows += 1
                }
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
            summary.append(.init(table: table.name, rows: rows, reasons: reasons))
        }
        let record = RejectRecord(
            source: URL(fileURLWithPath: source.path).lastPathComponent, revision: source.schema.revision,
            createdAt: ISO8601DateFormatter().string(from: Date()), widened: widened, leftOut: summary,
            artifactRootMap: artifactMap.rules)
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Last, and flushed (as every file before it) before the import commits: a record exists
        // only when all its rows do.
        try PrivateFile.write(try encoder.encode(record), to: root.appendingPathComponent("rejects.json").path)
    }

    /// Removes the record of an import that did not commit, so that the same import can run again.
    static func remove(_ path: String) {
        let root = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: root.appendingPathComponent("rejects.json"))
        try? FileManager.default.removeItem(at: root.appendingPathComponent("rows"))
    }

    /// Fails before an import starts when the directory cannot take a record: a file or a link, a
    /// folder that already holds one, or a place that cannot be created or written.
    static func checkUsable(_ path: String, output: MigrationError.Output = .rejectDirectory, record: String = "rejects.json") throws {
        let fm = FileManager.default
        func refuse(_ reason: String) -> MigrationError { .outputUnusable(path: path, output: output, reason: reason) }
        if (try? fm.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeSymbolicLink {
            throw refuse("it is a symbolic link; give the folder itself")
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw refuse("it is a file, not a folder") }
            if fm.fileExists(atPath: (path as NSString).appendingPathComponent(record)) {
                throw refuse("it already holds a \(output == .rejectDirectory ? "reject" : "merge") record; give an empty or new folder")
            }
            guard fm.isWritableFile(atPath: path) else { throw refuse("it is not writable") }
        } else {
            let parent = (URL(fileURLWithPath: path).standardizedFileURL.path as NSString).deletingLastPathComponent
            guard fm.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue, fm.isWritableFile(atPath: parent) else {
                throw refuse("its folder \(parent) is missing, not a folder or not writable")
            }
        }
    }

    /// Reads a reject directory: the record, and every row it lists left out of `source`'s reads
    /// (streamed into its scratch database, a line at a time).
    static func read(_ path: String, into source: SQLiteSource) throws -> RejectRecord {
        let root = URL(fileURLWithPath: path)
        func invalid(_ why: String) -> MigrationError { .sourceUnreadable(path: path, reason: "not a reject directory: \(why)") }
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("rejects.json").path) else {
            throw invalid("rejects.json is missing")
        }
        let record: RejectRecord
        do { record = try JSONDecoder().decode(RejectRecord.self, from: data) } catch {
            throw invalid("rejects.json: \(describeDecodingError(error))")
        }
        guard record.revision == source.schema.revision else {
            throw MigrationError.usage(
                "the reject directory \(path) is for revision \(displayName(record.revision)), the source is at \(source.schema.revision)")
        }
        let decoder = JSONDecoder()
        for table in record.leftOut {
            let name = "rows/\(table.table).jsonl"
            guard table.table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), source.schema.table(table.table) != nil else {
                throw invalid("rejects.json names a table \(displayName(table.table)) that revision \(record.revision) does not have")
            }
            guard let lines = try? LineReader(path: root.appendingPathComponent(name).path) else { throw invalid("\(name) is missing") }
            var rows = 0
            while let line = try lines.next() {
                guard !line.isEmpty else { continue }
                let row: RejectedRow
                do { row = try decoder.decode(RejectedRow.self, from: line) } catch {
                    throw invalid("\(name) line \(lines.number): \(describeDecodingError(error))")
                }
                guard row.table == table.table else { throw invalid("\(name) line \(lines.number) is a row of \(displayName(row.table))") }
                if try source.leaveOut(table.table, rowid: row.rowid) { rows += 1 }
            }
            guard rows == table.rows else { throw invalid("\(name) holds \(rows) rows, rejects.json says \(table.rows)") }
        }
        return record
    }
}
