import Foundation
import MLflowSchema
import PostgresTarget
import XCTest

@testable import Migration

/// Opening a bundle checks what it must before anything reads it, without a server: a bundle
/// written by the exporter, then changed the way damage or an edit would change it.
final class BundleSourceTests: XCTestCase {
    var folder: URL!
    var bundle: String { folder.appendingPathComponent("bundle").path }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try Exporter(sourcePath: Repository.fixture("mlflow-2.9.2/rich.db"), outputPath: bundle).run()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Edits manifest.json as a JSON object.
    func editManifest(_ edit: (inout [String: Any]) -> Void) throws {
        let url = URL(fileURLWithPath: bundle + "/manifest.json")
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// Replaces a table's data file and makes the manifest agree with it (size, hash, rows, content),
    /// as someone editing both would.
    func replaceConsistently(_ table: String, with bytes: [UInt8], rows: Int, content: UInt64) throws {
        let path = bundle + "/data/\(table).pgcopy"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let sum = bytes.withUnsafeBytes { hex(XXH64.hash($0)) }
        try editManifest { object in
            var tables = object["tables"] as! [[String: Any]]
            let i = tables.firstIndex { $0["name"] as? String == table }!
            tables[i]["size"] = bytes.count
            tables[i]["xxh64"] = sum
            tables[i]["rows"] = rows
            tables[i]["content_checksum"] = hex(content)
            object["tables"] = tables
        }
    }

    func refusal() -> String? {
        do {
            _ = try BundleSource(path: bundle)
            return nil
        } catch {
            guard case .bundleInvalid = error as? MigrationError else { return "not bundleInvalid: \(error)" }
            return "\(error)"
        }
    }

    /// A value changed inside a data file whose size and hash the manifest was made to agree with:
    /// the content checksum still differs, and the bundle is refused naming it.
    func testAChangedValueWithAMatchingFileHashIsRefusedByTheContentChecksum() throws {
        let path = bundle + "/data/params.pgcopy"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        // The last byte of the last value, just before the 2-byte trailer: a character of a param.
        bytes[bytes.count - 3] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try editManifest { object in
            var tables = object["tables"] as! [[String: Any]]
            let i = tables.firstIndex { $0["name"] as? String == "params" }!
            tables[i]["xxh64"] = bytes.withUnsafeBytes { hex(XXH64.hash($0)) }
            object["tables"] = tables
        }
        let refused = try XCTUnwrap(refusal())
        XCTAssertTrue(refused.contains("data/params.pgcopy") && refused.contains("has content checksum"), refused)
    }

    /// A bundle of format version 1 (content checksums of the binary COPY tuples, before verify's
    /// canonical form) still opens; its checksums are not taken for version 2 ones.
    func testAVersion1BundleIsStillRead() throws {
        let written = try BundleSource(path: bundle).manifest
        var raw: [String: String] = [:]
        for table in written.tables {
            let reader = try BundleTupleReader(path: bundle + "/" + table.file, fields: table.columns.count)
            var sum: UInt64 = 0
            while let tuple = try reader.next() { sum &+= XXH64.hash(tuple.bytes) }
            raw[table.name] = hex(sum)
        }
        // experiments has integer columns: its two checksums differ, so the version decides.
        XCTAssertNotEqual(raw["experiments"], written.tables.first { $0.name == "experiments" }?.contentChecksum)
        try editManifest { object in
            object["format_version"] = 1
            object["tables"] = (object["tables"] as! [[String: Any]]).map { table in
                var table = table
                table["content_checksum"] = raw[table["name"] as! String]
                return table
            }
        }
        XCTAssertNoThrow(try BundleSource(path: bundle))
        try editManifest { object in object["format_version"] = 2 }
        XCTAssertTrue(try XCTUnwrap(refusal()).contains("has content checksum"))
    }

    func testTheExportedBundleOpensAndPrintsItsManifestChecksum() throws {
        let source = try BundleSource(path: bundle)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))
        XCTAssertEqual(source.manifestChecksum, bytes.withUnsafeBytes { hex(XXH64.hash($0)) })
    }

    func testASequenceBelowTheDataIsRefused() throws {
        try editManifest { object in
            var sequences = object["sequences"] as! [[String: Any]]
            sequences[0]["next"] = 1
            object["sequences"] = sequences
        }
        let text = try XCTUnwrap(refusal())
        XCTAssertTrue(
            text.contains("says sequence experiments_experiment_id_seq continues at 1, but experiments.experiment_id already holds 5"), text)
    }

    func testALinkedDataFolderIsRefused() throws {
        try FileManager.default.moveItem(atPath: bundle + "/data", toPath: folder.appendingPathComponent("elsewhere").path)
        try FileManager.default.createSymbolicLink(atPath: bundle + "/data", withDestinationPath: folder.appendingPathComponent("elsewhere").path)
        XCTAssertTrue(try XCTUnwrap(refusal()).contains("data/ is missing or not a folder (a link is refused)"))
    }

    /// Damage that checksums cannot see (the manifest edited to match) still cannot make the
    /// parser read outside its buffer: a negative header extension, a tuple short of fields.
    func testConsistentlyEditedDataIsParsedSafely() throws {
        var negative = BinaryTupleBuffer.signature + [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
        negative += [0xFF, 0xFF]
        try replaceConsistently("params", with: negative, rows: 0, content: 0)
        let first = try XCTUnwrap(refusal())
        XCTAssertTrue(first.contains("data/params.pgcopy (table params) is not binary COPY data (a binary COPY length of -1)"), first)

        let short = BinaryTupleBuffer()
        short.header()
        short.beginRow(fields: 2)
        Array("lr".utf8).withUnsafeBytes { short.bytes($0) }
        Array("0.1".utf8).withUnsafeBytes { short.bytes($0) }
        let tuple = UnsafeRawBufferPointer(rebasing: short.bytes[19...])
        let content = XXH64.hash(tuple)
        short.trailer()
        try replaceConsistently("params", with: Array(short.bytes), rows: 1, content: content)
        XCTAssertTrue(try XCTUnwrap(refusal()).contains("a binary COPY tuple with 2 fields where the table has 3"))
    }

    /// The files stay open from the check to the read: a file swapped afterwards is not what is read.
    func testAFileSwappedAfterTheCheckIsNotRead() throws {
        let source = try BundleSource(path: bundle)
        let params = try XCTUnwrap(source.schema.table("params"))
        let path = bundle + "/data/params.pgcopy"
        try FileManager.default.removeItem(atPath: path)
        try Data("PGCOPY garbage".utf8).write(to: URL(fileURLWithPath: path))
        let reader = try source.canonicalRows(params)
        var rows = 0
        while try reader.next() != nil { rows += 1 }
        XCTAssertEqual(rows, source.manifest.tables.first { $0.name == "params" }?.rows)
    }
}
