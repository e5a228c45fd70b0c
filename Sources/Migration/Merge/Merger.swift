import Foundation
import MLflowSchema
import PostgresTarget

/// Adds MLflow stores to an MLflow store in PostgreSQL that may be in use, in one transaction.
///
/// Each source is copied with binary COPY into staging tables of the session's own (`pg_temp`),
/// its experiment ids are mapped to new ones from the target's sequence, experiments and
/// registered models whose name the target has follow the `NameConflictPolicy`, and the rows are
/// added with one `INSERT ... SELECT` per table through views that rewrite them
/// (`MergeStage`). Run, dataset, trace and logged-model ids are kept; a row whose key the target
/// (or an earlier source) holds already is a conflict. Any conflict leaves the target as it was and
/// lists every one; only the sequences moved on (`nextval` is never rolled back).
///
/// Several sources are merged one after another in the same transaction, so the second is
/// checked against the target with the first in it. The target's tables are locked in `EXCLUSIVE`
/// mode (MLflow can read, its writes wait) and checksummed first: the record (`MergeRecord`) holds
/// that checksum, every changed id and name, and every source row not added, for mlflow-verify.
public struct Merger {
    public let sourcePaths: [String]
    public let conninfo: String?
    public let policy: NameConflictPolicy
    /// Where the record goes; needed unless `dryRun`.
    public let recordDirectory: String?
    /// Check and map everything, report, and write nothing (the transaction is rolled back).
    public let dryRun: Bool
    public let artifactMap: ArtifactRootMap
    public let progress: ProgressHandler?

    /// How many conflicts of one kind are listed (all are counted).
    static let listed = 20

    public init(
        sourcePaths: [String], conninfo: String?, policy: NameConflictPolicy = .refuse, recordDirectory: String?, dryRun: Bool = false,
        artifactMap: ArtifactRootMap = ArtifactRootMap(rules: []), progress: ProgressHandler? = nil
    ) {
        self.sourcePaths = sourcePaths
        self.conninfo = conninfo
        self.policy = policy
        self.recordDirectory = recordDirectory
        self.dryRun = dryRun
        self.artifactMap = artifactMap
        self.progress = progress
    }

    /// Runs the merge (or its dry run) and returns what it did or would do.
    public func run() throws -> MergeReport {
        let started = Date()
        let sources = try openSources()
        let schema = sources[0].schema
        if !dryRun {
            guard let recordDirectory else { throw MigrationError.usage("--merge needs --record DIR, where every changed id and name is recorded") }
            try MergeRecord.checkUsable(recordDirectory)
        }
        let conn = try PGConnection.target(conninfo, application: "mlflow-import")
        var committing = false
        var wroteRecord = false
        var current = sourcePaths.joined(separator: ", ")
        do {
            try conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            if !dryRun {
                Interruption.shared.set(
                    "interrupted: the merge's transaction was not committed, so the target is unchanged (PostgreSQL rolls it back as the connection closes)"
                )
            }
            try conn.execute("SET LOCAL lock_timeout = '30s'")
            var record = MergeRecord(
                revision: schema.revision, target: conn.displayName, policy: policy,
                sources: sources.map { .init(path: $0.path, added: [:]) }, before: [:])
            record.artifactRootMap = artifactMap.rules
            // Before anything reads MLflow's tables: a role without access is told what to GRANT.
            let privileges = try TargetPrivileges.check(conn, for: schema, purpose: .merge(dryRun: dryRun))
            if !privileges.isEmpty {
                let error = privileges.error(target: conn.displayName)
                guard dryRun else { throw error }
                try conn.execute("ROLLBACK")
                var report = MergeReport(
                    record: record, dryRun: true, conflicts: [], conflictCount: 0, seconds: Date().timeIntervalSince(started))
                report.blocked = error.description
                return report
            }
            try TargetState.inspectForMerge(conn, for: schema)
            let namespace = try conn.currentSchema() ?? "public"
            let stage = MergeStage(conn, schema, namespace: namespace)
            if !dryRun {
                let list = schema.tables.map { stage.target($0.name) }.joined(separator: ", ")
                progress?(.step("locking MLflow's tables (MLflow can read them; its writes wait for the merge)"))
                try conn.execute("LOCK TABLE \(list) IN EXCLUSIVE MODE", operation: "locking MLflow's tables in the target")
                record.before = try checksums(schema, conn, sources[0])
            }
            var conflicts: [String] = []
            var conflictCount = 0
            // The staging tables carry the names of MLflow's: put them first explicitly, so that the
            // COPY reaches them whatever search_path says about pg_temp. Everything else is qualified.
            try conn.execute("SET LOCAL search_path = pg_temp, \(conn.quoteIdentifier(namespace))")
            try stage.create()
            var names = NameBook(stage: stage, policy: policy, dryRun: dryRun)
            var notes: [String] = []
            for (ordinal, source) in sources.enumerated() {
                current = source.path
                if ordinal > 0 && conflictCount > 0 {
                    notes.append(
                        "\(source.path) was checked against the target without the sources before it, which have conflicts:"
                            + " conflicts between them show once those are resolved")
                }
                if ordinal > 0 { try stage.clear() }
                progress?(.step("staging \(source.path)"))
                try stageRows(of: source, stage)
                let found = try names.map(source: source, ordinal: ordinal + 1, into: &record)
                conflicts += found
                conflictCount += found.count
                let problems = try checkRows(stage, source: source)
                conflicts += problems.lines
                conflictCount += problems.total
                let last = ordinal == sources.count - 1
                for table in stage.mergedTables {
                    for skipped in try stage.skippedRows(table) {
                        record.skipped.append(.init(source: ordinal + 1, table: table.name, key: skipped.key, why: skipped.why))
                    }
                    if conflictCount == 0 && !(dryRun && last) {
                        let t0 = Date()
                        let rows = try add(table, stage)
                        progress?(.tableFinished(table: table.name, rows: rows, seconds: Date().timeIntervalSince(t0)))
                        if rows > 0 { record.sources[ordinal].added[table.name] = rows }
                    } else {
                        let rows = try stage.count(table)
                        if rows > 0 { record.sources[ordinal].added[table.name] = rows }
                    }
                }
                if let alembic = schema.table("alembic_version"), try source.rowCount(alembic) > 0 {
                    record.skipped.append(
                        .init(source: ordinal + 1, table: "alembic_version", key: [schema.revision], why: "the target is at this revision"))
                }
            }
            let report = MergeReport(
                record: record, dryRun: dryRun, conflicts: conflicts, conflictCount: conflictCount, notes: notes,
                seconds: Date().timeIntervalSince(started))
            guard conflictCount == 0, !dryRun else {
                try conn.execute("ROLLBACK")
                if dryRun { return report }
                throw MigrationError.targetRefused(
                    target: conn.displayName, found: report.conflictText,
                    remedy: "For experiment and model names, choose --on-name-conflict merge or rename. Runs, traces, datasets or"
                        + " logged models whose ids the target holds mean that the store (or a copy of it) was merged before:"
                        + " mlflow-verify --merge-record with that merge's record proves it. Any other key the target holds"
                        + " (an endpoint's or secret's name, a scorer in a merged experiment) must be renamed in a copy of the source.")
            }
            if let recordDirectory {
                Interruption.shared.onInterrupt("merge-record") { MergeRecord.remove(recordDirectory) }
                try record.write(recordDirectory)
                wroteRecord = true
            }
            progress?(.step("committing"))
            committing = true
            Interruption.shared.set(
                "interrupted while committing: the merge may or may not have committed; run mlflow-verify with --merge-record against the target to find out"
            )
            Interruption.shared.cancel("merge-record")
            try conn.execute("COMMIT", operation: "committing the merge")
            Interruption.shared.set("interrupted after the merge committed: run mlflow-verify with --merge-record to check it")
            return report
        } catch {
            if let lost = conn.lost(
                Importer.serverError(error) ?? conn.lastError(operation: "merging"),
                committing
                    ? "The server may or may not have committed the merge: run mlflow-verify with --merge-record against the target to find out."
                    : "The merge's transaction was not committed, so the target is as it was. Run it again once the server accepts connections."
            ) {
                if wroteRecord && !committing, let recordDirectory { MergeRecord.remove(recordDirectory) }
                throw lost
            }
            try? conn.execute("ROLLBACK")
            if wroteRecord, let recordDirectory { MergeRecord.remove(recordDirectory) }
            if let refused = Importer.targetsOwn(error, target: conn.displayName) { throw refused }
            if let error = error as? PGError {
                throw MigrationError.loadFailed(path: current, table: error.table, row: nil, error: error)
            }
            throw error
        }
    }

    /// Opens every source; they must be at one revision.
    private func openSources() throws -> [any MigrationSource] {
        guard !sourcePaths.isEmpty else { throw MigrationError.usage("--merge needs at least one source") }
        let sources = try sourcePaths.map { path in
            let source = try SourceOpener.open(path, lendingSchemaFrom: conninfo, application: "mlflow-import")
            if !artifactMap.isEmpty {
                guard let store = source as? SQLiteSource else {
                    throw MigrationError.usage("--artifact-root-map needs the SQLite file; a bundle holds its values as exported")
                }
                store.artifactMap = artifactMap
            }
            return source
        }
        let revisions = Set(sources.map(\.schema.revision))
        guard revisions.count == 1 else {
            let each = sources.map { "\($0.path) at \($0.schema.revision)" }.joined(separator: ", ")
            throw MigrationError.usage(
                "the sources are at different MLflow revisions (\(each)); upgrade copies to one revision (`mlflow db upgrade sqlite:///COPY`) and merge those"
            )
        }
        return sources
    }

    /// Copies every table of a source into its staging table, then collects the planner's statistics.
    private func stageRows(of source: any MigrationSource, _ stage: MergeStage) throws {
        for table in source.schema.tables {
            let total = try source.rowCount(table)
            let report: ((Int) -> Void)? = progress.map { handler in { handler(.rows(table: table.name, done: $0, total: total)) } }
            let (stream, sent) = try source.copy(table, into: stage.conn, progress: report)
            do {
                let stored = try stream.finish()
                guard stored == sent else {
                    throw PGError(operation: "COPY \(table.name)", message: "the server stored \(stored) rows, \(sent) were sent")
                }
            } catch let error as PGError {
                let row = error.copyLine.flatMap { source.rowKey(table: table, line: $0) }
                throw MigrationError.loadFailed(path: source.path, table: table.name, row: row, error: error)
            }
        }
        try stage.conn.execute("ANALYZE " + source.schema.tables.map { stage.staged($0.name) }.joined(separator: ", "))
    }

    /// Adds one table's rows; a large merge drops the table's foreign keys (and perhaps keys and
    /// indexes) first and adds them back after (`MergeStage.bulkKeys`).
    private func add(_ table: TableSpec, _ stage: MergeStage) throws -> Int {
        let staged = try stage.count(table)
        progress?(.tableStarted(table: table.name, total: staged))
        guard !dryRun, let keys = try stage.bulkKeys(table, adding: staged) else { return try stage.insert(table) }
        progress?(.step("\(table.name): \(staged) rows to add; its keys are dropped and built again after (MLflow's reads of it wait too)"))
        for statement in keys.drop { try stage.conn.execute(statement, operation: "dropping a key of \(table.name) for the bulk insert") }
        try stage.conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        let rows = try stage.insert(table)
        progress?(.step("\(table.name): building its keys again and checking its foreign keys"))
        for statement in keys.add { try stage.conn.execute(statement, operation: "adding a key of \(table.name) back") }
        return rows
    }

    /// Rows that refer to ids the source does not hold, and rows whose keys the target holds already.
    private func checkRows(_ stage: MergeStage, source: any MigrationSource) throws -> (lines: [String], total: Int) {
        var lines: [String] = []
        var total = 0
        for table in stage.mergedTables {
            for d in try stage.dangling(table) {
                total += d.rows
                lines.append(
                    "\(source.path): \(d.rows) row(s) of \(table.name) refer to \(table.name).\(d.column) \(d.example), which the source does not hold"
                        + " (correct them in a copy, or import that store into an empty database instead)")
            }
            let rollups = try stage.rollupsOfMergedExperiments(table)
            if rollups > 0 {
                total += rollups
                lines.append(
                    "\(source.path): \(rollups) row(s) of \(table.name) sum up experiments merged into the target's, whose own rollups of those days"
                        + " they would double; delete them in a copy of the source or use --on-name-conflict rename")
            }
            for key in stage.collidableKeys(table) {
                let found = try stage.collisions(table, key: key, limit: Self.listed)
                guard found.total > 0 else { continue }
                total += found.total
                let shown = found.keys.map { "(" + $0.map { $0.map(displayName) ?? "NULL" }.joined(separator: ", ") + ")" }
                lines.append(
                    "\(source.path): \(found.total) row(s) of \(table.name) have a (\(key.columns.joined(separator: ", "))) the target holds already: "
                        + shown.joined(separator: ", ") + (found.total > shown.count ? ", ..." : ""))
            }
        }
        return (lines, total)
    }

    /// Each table's row count and content checksum, as mlflow-verify computes them.
    private func checksums(_ schema: SchemaRevision, _ conn: PGConnection, _ source: any MigrationSource) throws -> [String: MergeRecord.Before] {
        var out: [String: MergeRecord.Before] = [:]
        for table in schema.tables {
            progress?(.step("checksumming the target's \(table.name) (recorded as it was before the merge)"))
            var digest = TableDigest(layout: TableDigest.Layout(table))
            try digest.add(all: TableScanner(source: source, conn: conn, table: table).targetRows().next)
            out[table.name] = .init(rows: digest.rows, checksum: digest.checksum)
        }
        return out
    }
}
