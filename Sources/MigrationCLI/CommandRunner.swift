import ArgumentParser
import Foundation
import Migration

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
            guard let parsed = try type.parseAsRoot() as? Command else { throw CleanExit.helpRequest(type) }
            command = parsed
        } catch {
            let message = type.fullMessage(for: error)
            if type.exitCode(for: error) == .success {
                print(message)
                exit(ExitCodes.success)
            }
            if !message.isEmpty { printError(message) }
            exit(ExitCodes.usage)
        }
        InterruptHandler.install(tool: command.tool.name, message: command.tool.interrupted)
        do {
            try command.run()
            exit(ExitCodes.success)
        } catch {
            let (code, message) = outcome(of: error, in: command.tool)
            if let message { printError(message) }
            exit(code)
        }
    }

    /// The exit code of a failure and what stderr gets (nil when the error has nothing to add).
    static func outcome(of error: any Error, in tool: ExitCodes.Tool) -> (code: Int32, message: String?) {
        let code = ExitCodes.code(for: error, in: tool)
        let text = "\(error)"
        guard code != ExitCodes.internalError else {
            return (
                code,
                "\(tool.name): internal error: \(text)\n  This is a defect of mlflow-pg-migrate; please report it with the command that caused it."
            )
        }
        return (code, text.isEmpty ? nil : "\(tool.name): \(text)")
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
