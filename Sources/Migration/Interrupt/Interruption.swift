import Foundation

/// What Ctrl-C (SIGINT, or SIGTERM) means at this moment, and what it must not leave behind.
///
/// The library sets the message as its work moves on (the import's transaction open, its COMMIT
/// sent) and registers cleanups for what an interruption must not leave (a bundle's staging
/// folder, the record of an import that did not commit). The executables' signal handler calls
/// `interrupt()`, prints the message and exits. `interrupt()` takes the lock for good, so the
/// work cannot move on meanwhile: a `set(_:)` before COMMIT, or a step run `exclusively`, waits,
/// and what the message says stays true until the process is gone. An open transaction is rolled
/// back by PostgreSQL when the connection closes with the process.
public final class Interruption: @unchecked Sendable {
    /// The one instance a process has.
    public static let shared = Interruption()

    /// Recursive: a step run `exclusively` may set the message and cancel cleanups.
    private let lock = NSRecursiveLock()
    private var message = "interrupted"
    private var cleanups: [String: @Sendable () -> Void] = [:]

    /// Says `message` if the process is interrupted from now on.
    public func set(_ message: String) {
        lock.withLock { self.message = message }
    }

    /// Runs `cleanup` if the process is interrupted before `cancel(_:)` with the same key.
    public func onInterrupt(_ key: String, _ cleanup: @escaping @Sendable () -> Void) {
        lock.withLock { cleanups[key] = cleanup }
    }

    /// Drops the cleanup registered under `key`.
    public func cancel(_ key: String) {
        _ = lock.withLock { cleanups.removeValue(forKey: key) }
    }

    /// Runs `step` with no interruption handled in between: one that arrives meanwhile is handled after it.
    public func exclusively<T>(_ step: () throws -> T) rethrows -> T {
        try lock.withLock(step)
    }

    /// Runs the cleanups and returns the message; the lock is kept, so nothing moves on until the process exits.
    ///
    /// For the signal handler only: call it once, then exit.
    public func interrupt() -> String {
        lock.lock()
        for cleanup in cleanups.values { cleanup() }
        return message
    }
}
