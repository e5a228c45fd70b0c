import Foundation
import SQLite

/// `PRAGMA quick_check` of an SQLite file on its own connection and thread, beside the load.
///
/// The load reads the same file on the main thread, so damage in pages it never reads (an index,
/// a free page) is found without adding the check's time to the import.
final class BackgroundIntegrityCheck: @unchecked Sendable {
    /// What the check found.
    enum Outcome {
        /// `ok`.
        case intact
        /// The check's first messages.
        case damaged([String])
        /// The check could not run (the file locked by a writer past the wait, or unreadable).
        case failed(SQLiteError)
    }

    /// How long the check waits for a writer's lock: a rollback-journal writer that waits for the
    /// load's read lock blocks new readers, and gives up on its own timeout before this one.
    static let busyTimeoutMilliseconds: Int32 = 120_000

    private let finished = DispatchSemaphore(value: 0)
    /// Written once by the check's thread before it signals `finished`, read after the wait.
    private var outcome = Outcome.intact

    /// Starts the check of the file at `path`.
    init(path: String) {
        let thread = Thread { [self] in
            do {
                let db = try SQLiteDatabase(readOnlyPath: path, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
                let messages = try db.rows("PRAGMA quick_check(20)").map { $0.first.flatMap { $0 } ?? "" }
                outcome = messages == ["ok"] ? .intact : .damaged(messages)
            } catch let error as SQLiteError {
                // SQLITE_CORRUPT from the check itself is its verdict.
                outcome = error.code & 0xFF == 11 ? .damaged([error.message]) : .failed(error)
            } catch {
                outcome = .failed(SQLiteError(code: 1, message: "\(error)"))
            }
            finished.signal()
        }
        thread.name = "mlflow-pg-migrate quick_check"
        thread.start()
    }

    /// Waits for the check and returns what it found.
    func wait() -> Outcome {
        finished.wait()
        finished.signal()  // a second wait returns at once
        return outcome
    }

    /// Waits, then throws what stands in the way of trusting the file: its damage, or why the
    /// check could not run.
    func requireIntact(_ path: String) throws {
        switch wait() {
        case .intact: return
        case .damaged(let messages): throw MigrationError.sourceDamaged(path: path, messages: messages)
        case .failed(let error) where error.isLocked: throw MigrationError.sourceLocked(path: path, error: error)
        case .failed(let error): throw MigrationError.sourceRead(path: path, table: nil, error: error)
        }
    }

    /// The failure to report for `error`: a read of the file that failed on damage the check
    /// found is reported as that damage, whose words say more than the read's; else `error`.
    func explaining(_ error: any Error, path: String) -> any Error {
        guard case .sourceRead = error as? MigrationError, case .damaged(let messages) = wait() else { return error }
        return MigrationError.sourceDamaged(path: path, messages: messages)
    }
}
