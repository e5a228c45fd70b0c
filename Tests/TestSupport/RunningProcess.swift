import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process still running, its output going to files until `finish()`.
public final class RunningProcess {
    /// The bound on every child's run, in seconds: 600, or `MLFLOW_PG_TEST_CHILD_TIMEOUT`.
    public static let timeout = ProcessInfo.processInfo.environment["MLFLOW_PG_TEST_CHILD_TIMEOUT"].flatMap(TimeInterval.init) ?? 600

    public let process = Process()
    private let out: URL
    private let err: URL
    private let exited = DispatchSemaphore(value: 0)

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let dir = FileManager.default.temporaryDirectory
        out = dir.appendingPathComponent("out-\(UUID().uuidString)")
        err = dir.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let exited = exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }

    /// SIGKILL: no handler runs, nothing is cleaned up.
    public func killHard() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the exit, at most `timeout` seconds, and returns the status and output; a child
    /// still running then is killed and `ChildTimedOut` thrown with what it printed.
    public func finish(timeout: TimeInterval = RunningProcess.timeout) throws -> ProcessResult {
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            // Its process group too, where the child is a group leader (a shell's children).
            kill(-process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
            throw ChildTimedOut(
                command: ([process.executableURL?.path ?? "?"] + (process.arguments ?? [])).joined(separator: " "), seconds: timeout,
                stdout: output(out), stderr: output(err))
        }
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: output(out), stderr: output(err))
    }

    private func output(_ file: URL) -> String {
        (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }
}
