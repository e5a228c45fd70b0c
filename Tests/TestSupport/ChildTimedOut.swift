import Foundation

/// A child process that did not exit within its bound.
public struct ChildTimedOut: Error, CustomStringConvertible {
    public let command: String
    public let seconds: TimeInterval
    public let stdout: String
    public let stderr: String

    public var description: String {
        "\(command) was still running after \(Int(seconds)) s and was killed.\n--- stdout (last 3000 characters):\n\(stdout.suffix(3000))\n--- stderr:\n\(stderr.suffix(3000))"
    }
}
