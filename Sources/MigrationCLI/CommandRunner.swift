import ArgumentParser
import Foundation

/// A command whose failures map to the documented exit codes of its tool.
public protocol ToolCommand: ParsableCommand {
    /// The tool (or mode) whose exit codes apply, known once the arguments are parsed.
    var tool: ExitCodes.Tool { get }
}

/// Runs a command and turns every outcome into a message on stderr and a documented exit code.
public enum CommandRunner {
    /// Parses the arguments, runs the command, prints a failure to stderr, and exits.
    ///
    /// Argument errors (unknown options, `ValidationError`s) exit with the usage code; `--help`
    /// exits 0. Everything the command throws goes through `ExitCodes.code(for:in:)`.
    public static func main<Command: ToolCommand>(_ type: Command.Type) -> Never {
        var command: Command
        do {
            command = try type.parse()
        } catch {
            let message = type.fullMessage(for: error)
            if type.exitCode(for: error) == .success {
                print(message)
                exit(ExitCodes.success)
            }
            if !message.isEmpty { printError(message) }
            exit(ExitCodes.usage)
        }
        do {
            try command.run()
            exit(ExitCodes.success)
        } catch {
            let tool = command.tool
            let text = "\(error)"
            if !text.isEmpty {
                let defect = ExitCodes.code(for: error, in: tool) == ExitCodes.internalError
                printError(
                    "\(tool.name): \(defect ? "internal error: " : "")\(text)"
                        + (defect ? "\n  This is a defect of mlflow-pg-migrate; please report it with the command that caused it." : ""))
            }
            exit(ExitCodes.code(for: error, in: tool))
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
