import PostgresTarget
import SQLite

/// Why a migration stopped, in words for an operator.
///
/// Every failure the library reports is one of these cases; each executable maps a case to its
/// documented exit code in one place (`ExitCodes` in MigrationCLI).
public enum MigrationError: Error, CustomStringConvertible {
    /// What an unwritable output is, for messages.
    public enum Output: String, Sendable {
        case bundle
        case rejectDirectory = "reject directory"
        /// `mlflow-import --merge --record DIR`.
        case mergeRecord = "merge record folder"
        case report
        /// SQLite's temporary database, where problems and left-out rows are kept.
        case scratch = "temporary database for problems and left-out rows"
    }

    /// The source path does not exist or cannot be read.
    case sourceUnreadable(path: String, reason: String)
    /// The file is not an SQLite database (or is damaged).
    case sourceNotSQLite(path: String, error: SQLiteError)
    /// Another process holds a write lock on the file (an MLflow server or a script writing).
    case sourceLocked(path: String, error: SQLiteError)
    /// An SQLite database, but not an MLflow tracking store.
    case sourceNotMLflow(path: String, reason: String)
    /// A store MLflow 0.9 or older wrote: MLflow's tables, no `alembic_version` table.
    case sourceBeforeAlembic(path: String)
    /// The store's alembic revision is not one this build knows; `advice` names the nearest supported ones.
    case unknownRevision(path: String, revision: String, advice: String)
    /// The pre-flight found rows PostgreSQL would reject and no policy handles them.
    case preflightFailed(path: String, problems: ProblemSummary)
    /// `PRAGMA integrity_check` reports damage.
    case sourceDamaged(path: String, messages: [String])
    /// Options that do not go together.
    case usage(String)
    /// The store's tables or columns are not what its revision prescribes.
    case sourceSchemaMismatch(path: String, problems: [String])
    /// A folder that is not a bundle (no manifest.json); `sqliteFiles` are the SQLite files in it.
    case sourceNotBundle(path: String, sqliteFiles: [String])
    /// A bundle that cannot be used: missing, altered or truncated files, a manifest that does not match.
    case bundleInvalid(path: String, problem: String)
    /// An output cannot be written: a bundle (exists, not writable, disk full), a reject
    /// directory, a report file.
    case outputUnusable(path: String, output: Output, reason: String)
    /// A table whose ids have reached the largest 64-bit integer: MLflow could not add a row.
    case idsExhausted(path: String, table: String, column: String, detail: String)
    /// Reading the source failed midway.
    case sourceRead(path: String, table: String?, error: SQLiteError)
    /// The target server could not be reached, or refused the login.
    case targetUnreachable(error: PGError)
    /// The target holds something the import must not touch or overwrite.
    case targetRefused(target: String, found: String, remedy: String)
    /// The connecting role may not do what the import needs (`missing`); `remedy` names the GRANTs and the owner.
    case targetPrivileges(target: String, role: String, missing: [String], remedy: String)
    /// The server refused an operation on an object (SQLSTATE class 42: a privilege, a missing or
    /// unexpected object) while nothing in the source was at fault.
    case targetObjectRefused(target: String, error: PGError)
    /// MLflow's tables in the target hold data: `counts` are their rows, for telling a finished import run again.
    case targetHoldsData(target: String, counts: [String: Int], found: String, remedy: String)
    /// A source value the target cannot take: the file, table, row, column and why.
    case rejectedValue(path: String, table: String, row: RowKey?, column: String, problem: String, remedy: String)
    /// The target is not an MLflow store (verification).
    case targetNotMLflow(target: String, reason: String)
    /// Source and target are at different MLflow revisions (verification cannot compare them).
    case revisionMismatch(source: String, sourceRevision: String, target: String, targetRevision: String)
    /// Reading the target failed (a verification or a dry run, which only read it).
    case targetReadFailed(error: PGError)
    /// The connection to the target broke mid-way (server restarted, backend terminated, network);
    /// `consequence` says what that means for the target and what to do.
    case connectionLost(target: String, error: PGError, consequence: String)
    /// PostgreSQL rejected the load; the transaction was rolled back.
    case loadFailed(path: String, table: String?, row: RowKey?, error: PGError)

    public var description: String {
        switch self {
        case let .sourceUnreadable(path, reason):
            return "cannot read source \(path): \(reason)"
        case let .sourceNotSQLite(path, error):
            return "\(path) is not a usable SQLite database (\(error.message)).\n"
                + "  Give the path of an MLflow tracking store file (the file behind sqlite:///...), or run"
                + " `sqlite3 FILE 'PRAGMA integrity_check'` to see whether it is damaged."
        case let .sourceLocked(path, error):
            return
                "\(path) is locked by another process that is writing to it (\(error.message), after waiting \(SQLiteDatabase.busyTimeoutMilliseconds / 1000) s).\n"
                + "  Stop the MLflow server or script that writes to it, or try again when it is idle. A store in WAL mode"
                + " (sqlite3 FILE 'PRAGMA journal_mode=WAL', once, while nothing writes) can be read while MLflow writes."
        case let .sourceNotMLflow(path, reason):
            return "\(path) is not an MLflow tracking store: \(reason).\n"
                + "  Give the SQLite file MLflow's tracking server uses (--backend-store-uri sqlite:///...)."
        case let .sourceBeforeAlembic(path):
            return "\(path) is a store of MLflow 0.9 or older: it has MLflow's tables but no alembic_version table, so"
                + " its schema cannot be known.\n"
                + "  MLflow 1.14.1 is the last release that brings such a store into MLflow's migration chain. On a copy of"
                + " the file, in a fresh virtualenv (Python 3.11 needs the dependency pins of its day):\n"
                + "    pip install mlflow==1.14.1 'sqlalchemy<1.4' 'alembic<1.8' 'protobuf<4' 'numpy<1.24' 'pandas<2'"
                + " 'Flask<2.1' 'Jinja2<3.1' 'itsdangerous<2.1' 'Werkzeug<2.1' 'click<8.1' packaging 'setuptools<70'\n"
                + "    mlflow db upgrade sqlite:///COPY\n"
                + "  then migrate the copy (it is then at revision a8c4a736bde6)."
        case let .unknownRevision(path, revision, advice):
            return "\(path) is at MLflow schema revision \(revision), which this build does not support.\n  \(advice)"
        case let .sourceSchemaMismatch(path, problems):
            return "\(path) does not have the tables and columns its MLflow revision prescribes:\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
                + "\n  The file was changed by something other than MLflow; repair it or migrate a clean copy."
        case let .preflightFailed(path, problems):
            var text = "\(path) holds \(problems.total) row problem(s) PostgreSQL would reject (\(problems.countsLine)):\n"
            text += problems.listed.prefix(20).map { "  - [\($0.kind.rawValue)] \($0.line)" }.joined(separator: "\n")
            if problems.total > min(20, problems.listed.count) {
                text += "\n  ... and \(problems.total - min(20, problems.listed.count)) more (see --dry-run)"
            }
            text += "\n  Correct them in a copy of the SQLite file, or choose a policy: --widen-too-long, --widen-integers, --skip-rows KIND,..."
            text += " (with --reject-dir DIR, which records every row left out). Nothing was written."
            return text
        case let .sourceDamaged(path, messages):
            return
                "\(path) is damaged; SQLite's integrity check says: \(messages.flatMap { $0.split(separator: "\n").map(String.init) }.prefix(5).map(displayName).joined(separator: "; ")).\n"
                + "  Nothing was written. Recover it into a copy (sqlite3 \(path) '.recover' | sqlite3 recovered.db),"
                + " run mlflow-import --dry-run on recovered.db to see what it holds, then migrate the copy."
        case let .usage(message):
            return message
        case let .sourceNotBundle(path, files):
            var text = "\(path) is a folder but not a bundle: it has no manifest.json, which every folder mlflow-export writes has."
            if files.isEmpty {
                text += "\n  Give the MLflow SQLite file (the path behind sqlite:/// in the server's --backend-store-uri), or a bundle folder."
            } else {
                text +=
                    "\n  It holds the SQLite file\(files.count == 1 ? "" : "s") \(files.map(displayName).joined(separator: ", ")): give "
                    + (files.count == 1 ? "that file" : "the one the MLflow server uses") + " as the source."
            }
            return text
        case let .bundleInvalid(path, problem):
            return "the bundle \(path) is refused: \(problem).\n"
                + "  Copy the bundle again from where mlflow-export wrote it, or export the SQLite store again. Nothing was written."
        case let .outputUnusable(path, output, reason):
            return "cannot write the \(output.rawValue) \(path): \(reason)."
        case let .idsExhausted(path, table, column, detail):
            return "\(path): table \(table) cannot go on: \(detail), so MLflow could not allocate another \(column).\n"
                + "  Correct sqlite_sequence or the ids of \(table) in a copy of the SQLite file, then migrate the copy."
        case let .sourceRead(path, table, error):
            return "reading \(path)\(table.map { " table \($0)" } ?? "") failed: \(displayName(error.description))"
        case let .targetUnreachable(error):
            var text = "cannot connect to the target PostgreSQL server: \(error.message)"
            if error.isAuthenticationFailure {
                text += "\n  Authentication failed: check the user and set the password with PGPASSWORD or ~/.pgpass."
            } else {
                text += "\n  Check --target (a libpq URI or key=value string) or PGHOST/PGPORT/PGDATABASE, and that the server runs."
            }
            return text
        case let .targetRefused(target, found, remedy), let .targetHoldsData(target, _, found, remedy):
            return "the target database \(target) cannot be loaded: \(found).\n  \(remedy)\n  Nothing was written."
        case let .targetPrivileges(target, role, missing, remedy):
            return
                "role \(role) may not \(missing.joined(separator: ", nor ")) in the target database \(target).\n  \(remedy)\n  Nothing was written."
        case let .targetObjectRefused(target, error):
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false).map { displayName(String($0)) }
            return "the target database \(target) refused the import (SQLSTATE \(error.sqlState ?? "?"))"
                + (error.table.map { " on table \(displayName($0))" } ?? "") + ": " + lines.joined(separator: "\n  ")
                + "\n  No source row is at fault: an object of the target is (a privilege, or a trigger, rule or extension of the"
                + " target calling what does not exist). mlflow-import --dry-run lists the privileges the import needs."
                + "\n  The import was rolled back; the target is unchanged."
        case let .targetNotMLflow(target, reason):
            return "the target database \(target) is not an MLflow store: \(reason).\n  Check --target and search_path."
        case let .revisionMismatch(source, sourceRevision, target, targetRevision):
            return "\(source) is at MLflow revision \(sourceRevision) but \(target) is at \(targetRevision): they cannot be compared.\n"
                + "  Verify against the store the target was imported from, or upgrade a copy of the SQLite file"
                + " with the target's MLflow (`mlflow db upgrade sqlite:///COPY`) and verify against the copy."
        case let .targetReadFailed(error):
            return "reading the target failed: \(error)"
        case let .connectionLost(target, error, consequence):
            let message = error.message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            return "lost the connection to the target \(target) while \(error.operation): \(message)\n  \(consequence)"
        case let .rejectedValue(path, table, row, column, problem, remedy):
            return "\(path): table \(table), row \(row.map(String.init(describing:)) ?? "?"), column \(column): \(problem).\n"
                + "  \(remedy)\n  Nothing was written; the target is unchanged."
        case let .loadFailed(path, table, row, error):
            var text = "PostgreSQL rejected the load"
            if let table { text += " of \(path) table \(table)" }
            if let row { text += ", source row \(row)" }
            if let column = error.copyColumn { text += ", column \(column)" }
            // The server's DETAIL and CONTEXT quote the row's values: shown escaped, as every value.
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false).map { displayName(String($0)) }
            text += ":\n  " + lines.joined(separator: "\n  ")
            if row != nil {
                text += "\n  Correct the row in a copy of the SQLite file and import the copy."
            } else if error.sqlState.map({ $0.hasPrefix("22") || $0.hasPrefix("23") }) == true {
                text += "\n  Run mlflow-import --dry-run on the same source and target to list every row PostgreSQL would reject."
            }
            text += "\n  The import was rolled back; the target is unchanged."
            return text
        }
    }
}
