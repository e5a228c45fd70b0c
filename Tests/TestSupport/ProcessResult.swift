import Foundation

/// The exit status and output of a child process that ran to its end.
public struct ProcessResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Runs a program to completion within `timeout` seconds.
    ///
    /// Output goes through files, so large outputs cannot block. A program still running at the
    /// deadline is killed and the test fails with what it printed (`ChildTimedOut`): no hang can
    /// pass for a pass.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = RunningProcess.timeout
    ) throws -> ProcessResult {
        try RunningProcess(executable, arguments, environment: environment).finish(timeout: timeout)
    }
}
