import Dispatch
import Foundation

/// What Ctrl-C (SIGINT, or SIGTERM) means at this moment, said when the process is interrupted.
///
/// The library sets the message as its work moves on (the import's transaction open, its COMMIT
/// sent) and names the files an interruption must not leave behind (a bundle's staging folder, a
/// record of an import that did not commit). The executables install the handler: it removes
/// those files, prints the message on stderr (clearing a progress bar first) and exits 130, the
/// shell's code for an interrupted command. An open transaction is rolled back by PostgreSQL when
/// the connection closes with the process.
public final class Interruption: @unchecked Sendable {
    /// The one instance a process has.
    public static let shared = Interruption()

    private let lock = NSLock()
    private var message = "interrupted"
    private var paths: Set<String> = []
    private var sources: [any DispatchSourceSignal] = []

    /// Says `message` (prefixed with `tool: `) if the process is interrupted from now on.
    public func set(_ message: String) {
        lock.withLock { self.message = message }
    }

    /// Removes `path` (a file or folder) if the process is interrupted before `keep(_:)`.
    public func removeOnInterrupt(_ path: String) {
        _ = lock.withLock { paths.insert(path) }
    }

    /// No longer removes `path` on an interruption.
    public func keep(_ path: String) {
        _ = lock.withLock { paths.remove(path) }
    }

    /// Handles SIGINT and SIGTERM from now on, with `message` until the library says more.
    public func install(tool: String, message: String) {
        set(message)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in interrupted(tool: tool, signal: signalNumber) }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    private func interrupted(tool: String, signal: Int32) -> Never {
        let (message, paths) = lock.withLock { (self.message, self.paths) }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        let clear = isatty(2) == 1 ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data("\(clear)\(tool): \(message)\n".utf8))
        _exit(128 + signal)
    }
}
