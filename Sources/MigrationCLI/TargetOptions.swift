import ArgumentParser
import Foundation
import PostgresTarget

/// The `--target` option every command shares.
public struct TargetOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The PostgreSQL database: a libpq URI (postgresql://user@host:5432/db) or key=value string.",
            discussion: "Without it, libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) and ~/.pgpass apply.",
            valueName: "conninfo"))
    public var target: String?

    public init() {}

    /// Warns (on stderr, without echoing it) when the password is on the command line, where other
    /// users can read it in the process list and shells keep it in their history.
    public func validate() throws {
        if let target, let problem = PGConnection.conninfoProblem(target) {
            throw ValidationError(
                "--target is not a libpq URI or key=value string: \(problem) (the value is not shown, since it may hold a password)")
        }
        if let target, PGConnection.conninfoHasPassword(target) {
            let warning =
                "warning: --target contains a password, which other users can see in the process list and "
                + "which shell history keeps. Use PGPASSWORD or ~/.pgpass instead (see the README).\n"
            FileHandle.standardError.write(Data(warning.utf8))
        }
    }
}
