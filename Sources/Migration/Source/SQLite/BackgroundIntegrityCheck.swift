import Foundation
import SQLite

/// `PRAGMA quick_check` of an SQLite file on a connection and thread of its own, while the load
/// reads the same file on the main thread: damage in pages the load never reads (an index, a
/// free page) is found without adding the check's time to the import.
final class BackgroundIntegrityCheck: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written once by the check's thread before it signals `finished`, read after the wait.
    private var messages: [String] = []

    /// Starts the check of the file at `path`.
    init(path: String) {
        let thread = Thread { [self] in
            do {
                let db = try SQLiteDatabase(readOnlyPath: path)
                messages = try db.rows("PRAGMA quick_check(20)").map { $0.first.flatMap { $0 } ?? "" }
            } catch let error as SQLiteError {
                messages = [error.message]
            } catch {
                messages = ["\(error)"]
            }
            finished.signal()
        }
        thread.name = "mlflow-pg-migrate quick_check"
        thread.start()
    }

    /// Waits for the check; `["ok"]` for an intact file, else its first messages.
    func wait() -> [String] {
        finished.wait()
        finished.signal()  // a second wait returns at once
        return messages
    }
}
