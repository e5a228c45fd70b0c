import Migration
import PostgresTarget
import SQLite

/// One value of every `MigrationError` case, for tests that must cover them all.
public enum MigrationErrorSamples {
    static let pg = PGError(operation: "COPY params", sqlState: "22001", message: "value too long", hint: "Shorten it.")
    static let sqlite = SQLiteError(code: 11, message: "database disk image is malformed")
    static let key = RowKey(parts: [ColumnValue(column: "key", value: "'lr'")])

    /// Every case once; `count` must equal the number of cases `name(of:)` knows.
    public static let all: [MigrationError] = [
        .sourceUnreadable(path: "s.db", reason: "no such file"),
        .sourceNotSQLite(path: "s.db", error: sqlite),
        .sourceLocked(path: "s.db", error: SQLiteError(code: 5, message: "database is locked")),
        .sourceNotMLflow(path: "s.db", reason: "it has no alembic_version table"),
        .sourceBeforeAlembic(path: "s.db"),
        .unknownRevision(path: "s.db", revision: "0123abcd", advice: "Upgrade a copy."),
        .preflightFailed(path: "s.db", problems: ProblemSummary()),
        .sourceDamaged(path: "s.db", messages: ["Page 3: btreeInitPage() returns error code 11"]),
        .usage("--x needs --y"),
        .sourceSchemaMismatch(path: "s.db", problems: ["params: missing column(s) value"]),
        .bundleInvalid(path: "b", problem: "data/params.pgcopy is missing"),
        .outputUnusable(path: "o", output: .bundle, reason: "it already exists"),
        .idsExhausted(path: "s.db", table: "experiments", column: "experiment_id", detail: "its largest experiment_id is 9223372036854775807"),
        .sourceRead(path: "s.db", table: "metrics", error: sqlite),
        .targetUnreachable(error: PGError(operation: "connecting", message: "connection refused")),
        .targetRefused(target: "u@h:5432/db", found: "schema public holds 3 relation(s)", remedy: "Use an empty database."),
        .rejectedValue(path: "s.db", table: "params", row: key, column: "value", problem: "NUL", remedy: "Correct the row."),
        .targetNotMLflow(target: "u@h:5432/db", reason: "schema public has no alembic_version table"),
        .revisionMismatch(source: "s.db", sourceRevision: "a", target: "u@h:5432/db", targetRevision: "b"),
        .targetReadFailed(error: pg),
        .connectionLost(target: "u@h:5432/db", error: pg, consequence: "The target is as it was."),
        .loadFailed(path: "s.db", table: "params", row: key, error: pg),
        .sourceNotBundle(path: "s.db", sqliteFiles: ["s.db/mlflow.db"]),
        .targetPrivileges(target: "u@h:5432/db", role: "alice", missing: ["create tables in schema public"], remedy: "GRANT"),
        .targetObjectRefused(target: "u@h:5432/db", error: PGError(operation: "COPY", sqlState: "42501", message: "permission denied")),
        .targetHoldsData(target: "u@h:5432/db", counts: ["runs": 3], found: "MLflow's tables already hold data", remedy: "Use an empty database."),
    ]

    /// The case's name.
    ///
    /// Exhaustive: a new case does not compile until it is named here (and then the count check fails until a
    /// sample of it is in `all`).
    public static func name(of error: MigrationError) -> String {
        switch error {
        case .sourceUnreadable: "sourceUnreadable"
        case .sourceNotSQLite: "sourceNotSQLite"
        case .sourceLocked: "sourceLocked"
        case .sourceNotMLflow: "sourceNotMLflow"
        case .sourceBeforeAlembic: "sourceBeforeAlembic"
        case .unknownRevision: "unknownRevision"
        case .preflightFailed: "preflightFailed"
        case .sourceDamaged: "sourceDamaged"
        case .usage: "usage"
        case .sourceSchemaMismatch: "sourceSchemaMismatch"
        case .bundleInvalid: "bundleInvalid"
        case .outputUnusable: "outputUnusable"
        case .idsExhausted: "idsExhausted"
        case .sourceRead: "sourceRead"
        case .targetUnreachable: "targetUnreachable"
        case .targetRefused: "targetRefused"
        case .rejectedValue: "rejectedValue"
        case .targetNotMLflow: "targetNotMLflow"
        case .revisionMismatch: "revisionMismatch"
        case .targetReadFailed: "targetReadFailed"
        case .connectionLost: "connectionLost"
        case .loadFailed: "loadFailed"
        case .sourceNotBundle: "sourceNotBundle"
        case .targetPrivileges: "targetPrivileges"
        case .targetObjectRefused: "targetObjectRefused"
        case .targetHoldsData: "targetHoldsData"
        }
    }

    /// How many cases `name(of:)` names.
    public static let caseCount = 26
}
