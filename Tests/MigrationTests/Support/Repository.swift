import Foundation
import TestSupport
import XCTest

/// Paths inside the checkout (`Checkout.root`, the folder holding Package.swift).
enum Repository {
    static let root = Checkout.root

    /// A file or folder under Fixtures/.
    static func fixture(_ relative: String) -> String {
        root.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    /// A temporary copy of a fixture changed by SQL statements (run by Python's sqlite3 module, since this toolkit
    /// only ever opens stores read-only).
    ///
    /// Remove it when done.
    static func copy(of fixture: String, changedBy statements: [String]) throws -> String {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).db").path
        try FileManager.default.copyItem(atPath: Repository.fixture(fixture), toPath: copy)
        let result = try ProcessResult.run(
            "/usr/bin/env",
            ["python3", "-c", "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\nfor s in sys.argv[2:]: db.execute(s)\ndb.commit()", copy]
                + statements)
        guard result.status == 0 else {
            XCTFail("changing \(fixture) failed: \(result.stderr)")
            throw CocoaError(.fileWriteUnknown)
        }
        return copy
    }
}
