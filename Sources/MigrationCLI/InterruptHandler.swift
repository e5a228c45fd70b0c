import Dispatch
import Foundation
import Migration

/// Handles SIGINT and SIGTERM for an executable: says what the interruption left, then exits 128 + signal.
///
/// A `DispatchSource` on a global queue, so it runs while the main thread waits in libpq or SQLite.
enum InterruptHandler {
    /// Installs the handler, with `message` until the library says more (`Interruption`).
    static func install(tool: String, message: String) {
        Interruption.shared.set(message)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let text = Interruption.shared.interrupt()
                // A progress bar may be half drawn on a terminal: clear its line first.
                let clear = isatty(2) == 1 ? "\r\u{1B}[K" : ""
                FileHandle.standardError.write(Data("\(clear)\(tool): \(text)\n".utf8))
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The installed sources, kept alive for the life of the process.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
}
