import Foundation

/// The folder where an import records what a policy left out or changed (docs/reject-format.md).
enum RejectDirectory {
    /// Writes the record and every left-out row (read again from the snapshot, all columns as stored).
    ///
    /// A file system failure is `outputUnusable` naming the folder.
    static func write(
        _ path: String, source: SQLiteSource, problems: [Problem], leftOut: [String: Set<Int64>],
        widened: [RejectRecord.Widened], artifactMap: ArtifactRootMap
    ) throws {
        do {
            try writeRecord(path, source: source, problems: problems, leftOut: leftOut, widened: widened, artifactMap: artifactMap)
        } catch let error as NSError where error.domain == NSPOSIXErrorDomain || error.domain == NSCocoaErrorDomain {
            // A file system failure; anything else (a MigrationError reading the source) passes.
            throw MigrationError.outputUnusable(path: path, output: .rejectDirectory, reason: describeFileError(error))
        }
    }

    private static func writeRecord(
        _ path: String, source: SQLiteSource, problems: [Problem], leftOut: [String: Set<Int64>],
        widened: [RejectRecord.Widened], artifactMap: ArtifactRootMap
    ) throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: path)
        if fm.fileExists(atPath: root.appendingPathComponent("rejects.json").path) {
            throw MigrationError.outputUnusable(
                path: path, output: .rejectDirectory, reason: "it already holds a reject record; give an empty or new folder")
        }
        try PrivateFile.createFolder(root.path)
        try PrivateFile.createFolder(root.appendingPathComponent("rows").path)
        let byRow = Dictionary(grouping: problems, by: { "\($0.table)#\($0.rowid)" })
        var summary: [RejectRecord.LeftOut] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for table in source.schema.tables {
            guard let rowids = leftOut[table.name], !rowids.isEmpty else { continue }
            var lines = Data()
            var reasons: [String: Int] = [:]
            let columns = table.columns.filter { !$0.generated }
            for rowid in rowids.sorted() {
                let found = byRow["\(table.name)#\(rowid)"] ?? []
                for p in found { reasons[p.kind.rawValue, default: 0] += 1 }
                let row = RejectedRow(
                    table: table.name, rowid: rowid, reasons: found.map(\.kind.rawValue),
                    details: found.map(\.line), cells: try source.originalCells(table, columns: columns, rowid: rowid))
                lines.append(try encoder.encode(row))
                lines.append(0x0A)
            }
            try PrivateFile.write(lines, to: root.appendingPathComponent("rows/\(table.name).jsonl").path)
            summary.append(.init(table: table.name, rows: rowids.count, reasons: reasons))
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
    static func checkUsable(_ path: String) throws {
        let fm = FileManager.default
        func refuse(_ reason: String) -> MigrationError { .outputUnusable(path: path, output: .rejectDirectory, reason: reason) }
        if (try? fm.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeSymbolicLink {
            throw refuse("it is a symbolic link; give the folder itself")
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw refuse("it is a file, not a folder") }
            if fm.fileExists(atPath: (path as NSString).appendingPathComponent("rejects.json")) {
                throw refuse("it already holds a reject record; give an empty or new folder")
            }
            guard fm.isWritableFile(atPath: path) else { throw refuse("it is not writable") }
        } else {
            let parent = (URL(fileURLWithPath: path).standardizedFileURL.path as NSString).deletingLastPathComponent
            guard fm.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue, fm.isWritableFile(atPath: parent) else {
                throw refuse("its folder \(parent) is missing, not a folder or not writable")
            }
        }
    }

    /// Reads a reject directory: the record and the rowids left out per table.
    static func read(_ path: String) throws -> (record: RejectRecord, leftOut: [String: Set<Int64>]) {
        let root = URL(fileURLWithPath: path)
        func invalid(_ why: String) -> MigrationError { .sourceUnreadable(path: path, reason: "not a reject directory: \(why)") }
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("rejects.json").path) else {
            throw invalid("rejects.json is missing")
        }
        let record: RejectRecord
        do { record = try JSONDecoder().decode(RejectRecord.self, from: data) } catch {
            throw invalid("rejects.json: \(describeDecodingError(error))")
        }
        var leftOut: [String: Set<Int64>] = [:]
        for table in record.leftOut {
            guard table.table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                let text = try? String(contentsOf: root.appendingPathComponent("rows/\(table.table).jsonl"), encoding: .utf8)
            else {
                throw invalid("rows/\(table.table).jsonl is missing")
            }
            for (number, line) in text.split(separator: "\n").enumerated() {
                do {
                    let row = try JSONDecoder().decode(RejectedRow.self, from: Data(line.utf8))
                    leftOut[table.table, default: []].insert(row.rowid)
                } catch {
                    throw invalid("rows/\(table.table).jsonl line \(number + 1): \(describeDecodingError(error))")
                }
            }
            guard leftOut[table.table]?.count == table.rows else { throw invalid("rows/\(table.table).jsonl does not hold \(table.rows) rows") }
        }
        return (record, leftOut)
    }
}
