import ArgumentParser

/// The `--target` option every command shares.
public struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The PostgreSQL database: a libpq URI (postgresql://user@host:5432/db) or key=value string.",
        discussion: "Without it, libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) and ~/.pgpass apply.",
        valueName: "conninfo"))
    public var target: String?

    public init() {}
}
