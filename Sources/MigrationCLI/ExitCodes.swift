import ArgumentParser
import Foundation
import Migration

/// Runs a command and turns every outcome into a message and a documented exit code.
///
/// Codes: 0 success; 1 the data was rejected (target unchanged); 2 usage; 3 the source is unusable;
/// 4 the target cannot be reached or the connection was lost; 5 the target is not in a state the
/// command accepts. mlflow-verify and `mlflow-import --dry-run` use 0/1/2 (2: no verdict).
public enum CommandRunner {
    public static let usageExitCode: Int32 = 2

    /// Parses the arguments, runs the command, prints errors to stderr, and exits.
    /// `exitCode` maps toolkit errors to the command's documented codes (mlflow-verify uses 2 for all).
    public static func main<Command: ParsableCommand>(_ type: Command.Type,
                                                      exitCode: (MigrationError) -> Int32 = { $0.exitCode }) -> Never {
        do {
            var command = try type.parseAsRoot()
            try command.run()
            exit(0)
        } catch let error as MigrationError {
            printError("\(type.configuration.commandName ?? "error"): \(error)")
            exit(exitCode(error))
        } catch {
            let code = type.exitCode(for: error)
            if code == .success {
                print(type.fullMessage(for: error))
                exit(0)
            }
            let message = type.fullMessage(for: error)
            if !message.isEmpty { printError(message) }
            exit(code == .validationFailure ? usageExitCode : code.rawValue)
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
