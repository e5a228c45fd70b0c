import Foundation
import MLflowSchema
import PostgresTarget

/// Moves an MLflow SQLite store into PostgreSQL in one transaction: all of it, or nothing.
///
/// Phases, as pg_restore runs them: pre-data DDL (tables, sequences), data (one binary COPY per
/// table, referenced tables first), post-data DDL (keys, indexes, foreign keys), sequences, commit.
/// Any failure rolls the transaction back; a killed process leaves an aborted transaction that the
/// server discards, so the target is as it was.
///
/// The pre-flight runs first only when a policy needs its verdict (rows to leave out, columns to
/// widen). Otherwise the load itself checks every cell (`RowEncoder`) and PostgreSQL checks the
/// rest; when either refuses a value, the transaction is rolled back and the pre-flight then scans
/// the same snapshot to report every problem, not just the first. A clean source is read once.
public struct Importer {
    /// The SQLite file, or the bundle folder, to read.
    public let sourcePath: String
    /// A libpq URI or key=value string; nil uses libpq's environment and ~/.pgpass.
    public let conninfo: String?
    /// What to do with rows the pre-flight finds a problem in (default: refuse the import).
    public let policy: RejectPolicy
    /// When the load is refused over a value, scan the whole source and report every problem
    /// (SQLite sources); off, the first refused value is reported as it happened.
    public let preflight: Bool
    /// Receives progress events; may be nil.
    public let progress: ProgressHandler?
    /// Rewrites artifact locations on the way in (`--artifact-root-map`).
    public let artifactMap: ArtifactRootMap
    /// Makes `metrics` a compressed TimescaleDB hypertable (`--timescaledb`); nil keeps MLflow's plain table.
    public let timescale: TimescaleOptions?

    public init(
        sourcePath: String, conninfo: String?, policy: RejectPolicy = RejectPolicy(), preflight: Bool = true,
        artifactMap: ArtifactRootMap = ArtifactRootMap(rules: []), timescale: TimescaleOptions? = nil, progress: ProgressHandler? = nil
    ) {
        self.timescale = timescale
        self.sourcePath = sourcePath
        self.conninfo = conninfo
        self.policy = policy
        self.preflight = preflight
        self.artifactMap = artifactMap
        self.progress = progress
    }

    /// Opens the source with the artifact map applied; a bundle cannot be rewritten on the way in.
    func openMapped() throws -> any MigrationSource {
        let source = try SourceOpener.open(sourcePath, lendingSchemaFrom: conninfo, application: "mlflow-import")
        if !artifactMap.isEmpty {
            guard let store = source as? SQLiteSource else {
                throw MigrationError.usage(
                    "--artifact-root-map needs the SQLite file; a bundle holds its values as exported (give the map to mlflow-export)")
            }
            store.artifactMap = artifactMap
        }
        return source
    }

    /// The pre-flight's verdict for a source under the policy: rows to leave out, columns to widen.
    struct Plan {
        /// Rows left out per table (the rows themselves are in the source's scratch database).
        var leftOut: [String: Int] = [:]
        var widen: [RejectRecord.Widened] = []
        /// The pre-flight's problems, every one handled by the policy; nil when it did not run.
        var problems: ProblemLog?
    }

    /// How many problems a strict import's error lists (every one is counted).
    static let listedProblems = 20

    /// Runs the pre-flight and applies the policy; throws `preflightFailed` for unhandled problems.
    ///
    /// A strict policy needs no verdict first (the load checks every value), unless the caller
    /// ran the pre-flight anyway (`preflighted`: the dry run, the export): then its problems refuse too.
    func plan(_ source: any MigrationSource, preflighted: Preflight.Result? = nil) throws -> Plan {
        guard let store = source as? SQLiteSource else {
            guard policy.isStrict else {
                throw MigrationError.usage(
                    "--skip-rows, --widen-too-long and --widen-integers need the SQLite file; a bundle's rows were checked by mlflow-export's pre-flight, which takes the same policies and records them in the bundle"
                )
            }
            // The columns the export's policy widened: the import makes them so.
            return Plan(widen: (source as? BundleSource)?.manifest.policy?.widened ?? [])
        }
        guard !policy.isStrict || preflighted != nil else { return Plan() }
        let result = try preflighted ?? Preflight(source: store, thorough: false, progress: progress).run()
        if result.integrity != ["ok"] {
            throw MigrationError.sourceDamaged(path: sourcePath, messages: result.integrity)
        }
        let unhandled = try result.summary(listing: Self.listedProblems, kinds: policy.unhandled)
        guard unhandled.isEmpty else { throw MigrationError.preflightFailed(path: sourcePath, problems: unhandled) }
        var plan = Plan(problems: result.problems)
        plan.leftOut = try LeftOutRows.choose(from: result.problems, policy: policy, source: store)
        if policy.widenTooLong {
            for (name, longest) in result.longest.sorted(by: { $0.key < $1.key }) {
                let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                guard let column = store.schema.table(parts[0])?.column(parts[1]) else { continue }
                plan.widen.append(
                    .init(
                        table: parts[0], column: parts[1], from: column.pgType.description,
                        // varchar(n) takes n up to 10485760; longer values need text.
                        to: PGType.text(maxCharacters: longest > 10_485_760 ? nil : longest).description))
            }
        }
        if policy.widenIntegers {
            for name in IntegerWidening.columns(result.outOfRange, in: store.schema) {
                let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                plan.widen.append(.init(table: parts[0], column: parts[1], from: PGType.int4.description, to: PGType.int8.description))
            }
        }
        // The load encodes the widened columns as their new type.
        store.widen(plan.widen)
        if (!plan.leftOut.isEmpty || !plan.widen.isEmpty) && policy.rejectDirectory == nil {
            throw MigrationError.usage("a policy that leaves out rows or widens columns needs --reject-dir DIR, where they are recorded")
        }
        return plan
    }

    /// Runs the import and returns what it did.
    public func run() throws -> ImportSummary {
        let started = Date()
        let source = try openMapped()
        if let origin = source.schema.readFromTarget {
            progress?(.step("revision \(source.schema.revision) is newer than this build: MLflow's schema read from the catalog of \(origin.target)"))
        }
        if let bundle = source as? BundleSource {
            progress?(.step("bundle manifest.json xxh64 \(bundle.manifestChecksum) (compare it with what mlflow-export printed)"))
        }
        if !policy.isStrict { progress?(.step("pre-flight: checking every row of \(sourcePath)")) }
        let plan = try plan(source)
        if let directory = policy.rejectDirectory { try RejectDirectory.checkUsable(directory) }
        // Before BEGIN: a table whose ids are exhausted is refused before anything is loaded.
        let nextValues = try source.schema.sequences.map { (sequence: $0, next: try source.nextValue(for: $0)) }
        // A policy's pre-flight ran quick_check already; otherwise it runs beside the load.
        let integrity = source is SQLiteSource && policy.isStrict ? BackgroundIntegrityCheck(path: sourcePath) : nil
        do {
            return try load(source, plan: plan, nextValues: nextValues, started: started, integrity: integrity)
        } catch MigrationError.sourceRead(let path, let table, let error) where integrity != nil {
            throw integrity!.explaining(MigrationError.sourceRead(path: path, table: table, error: error), path: sourcePath)
        } catch let error where preflight && policy.isStrict && Self.isRefusedValue(error) {
            guard let store = source as? SQLiteSource else { throw error }
            progress?(.step("the load was refused and rolled back; pre-flight: listing every row PostgreSQL would reject"))
            let result = try Preflight(source: store, thorough: false, progress: progress).run()
            if result.integrity != ["ok"] { throw MigrationError.sourceDamaged(path: sourcePath, messages: result.integrity) }
            let problems = try result.summary(listing: Self.listedProblems)
            guard !problems.isEmpty else { throw error }
            throw MigrationError.preflightFailed(path: sourcePath, problems: problems)
        }
    }

    /// True for a failure caused by a value in the source (the encoder's checks, or SQLSTATE class
    /// 22 data exception / 23 integrity constraint violation), which the pre-flight can list.
    static func isRefusedValue(_ error: any Error) -> Bool {
        switch error as? MigrationError {
        case .rejectedValue: return true
        case .loadFailed(_, _, _, let pg): return pg.sqlState.map { $0.hasPrefix("22") || $0.hasPrefix("23") } ?? false
        default: return false
        }
    }

    /// `targetObjectRefused` for a privilege or object error (SQLSTATE class 42), which is the
    /// target's and not a row's even when it struck during one (a trigger calling what does not exist); else nil.
    static func targetsOwn(_ error: any Error, target: String) -> MigrationError? {
        guard let pg = serverError(error), pg.sqlState?.hasPrefix("42") == true else { return nil }
        return .targetObjectRefused(target: target, error: pg)
    }

    /// The server-side error inside a load failure, if there is one.
    static func serverError(_ error: any Error) -> PGError? {
        if let pg = error as? PGError { return pg }
        if case .loadFailed(_, _, _, let pg) = error as? MigrationError { return pg }
        return nil
    }

    /// Loads the source in one transaction under the plan, and commits only when `integrity` (the
    /// source's quick_check, running meanwhile) finds no damage.
    private func load(
        _ source: any MigrationSource, plan: Plan, nextValues: [(sequence: SequenceSpec, next: Int64)], started: Date,
        integrity: BackgroundIntegrityCheck?
    ) throws -> ImportSummary {
        let schema = source.schema
        let conn = try PGConnection.target(conninfo, application: "mlflow-import")
        var committing = false
        var wroteRecord = false
        do {
            try conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            Interruption.shared.set(
                "interrupted: the import's transaction was not committed, so the target is unchanged (PostgreSQL rolls it back as the connection closes)"
            )
            try conn.execute("SET LOCAL lock_timeout = '30s'")
            // Index builds after the data: more sort memory than the 64 MB default, for this transaction only.
            try conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
            try conn.lockSchemaForImport()
            let privileges = try TargetPrivileges.check(conn, for: schema, widening: plan.widen)
            guard privileges.isEmpty else { throw privileges.error(target: conn.displayName) }
            let state = try TargetState.inspect(conn, for: schema)
            let extensionInfo = timescale == nil ? nil : try conn.requireTimescale()
            try prepare(state, schema, conn, plan: plan)
            // A schema read from the target: its keys and indexes go, to be built from their own
            // definitions after the data, when this role owns the tables (else they check each row).
            let rebuild = try schema.readFromTarget != nil && TargetCatalog.ownsTables(conn, schema)
            if rebuild {
                progress?(.step("dropping the target's keys, indexes and foreign keys (rebuilt after the data)"))
                let namespace = try conn.currentSchema() ?? "public"
                for statement in try TargetCatalog.keys(conn, [namespace]).drop {
                    try conn.execute(statement, operation: "dropping the target's keys before the load")
                }
            }
            var chunkInterval: Int64?
            if let timescale, let extensionInfo {
                try conn.requireMetricsOwner()
                progress?(.step("making metrics a TimescaleDB hypertable on timestamp (chunks of \(timescale.chunkInterval) ms)"))
                chunkInterval = try conn.makeMetricsHypertable(extensionInfo, interval: timescale.chunkInterval)
            }
            let loaded = try copyTables(from: source, to: conn, plan: plan)
            if state == .empty || rebuild { try buildKeys(schema, conn) }
            var hypertable: ImportSummary.Hypertable?
            if let extensionInfo, let chunkInterval {
                progress?(.step("compressing the chunks of metrics"))
                let before = try conn.metricsSize(extensionInfo)
                let chunks = try conn.compressMetrics(extensionInfo, interval: chunkInterval)
                hypertable = .init(
                    version: extensionInfo.version, chunkInterval: chunkInterval, chunks: chunks, bytesBefore: before,
                    bytesAfter: try conn.metricsSize(extensionInfo))
            }
            try analyze(schema, conn)
            if let directory = policy.rejectDirectory, let store = source as? SQLiteSource,
                !plan.leftOut.isEmpty || !plan.widen.isEmpty || !artifactMap.isEmpty
            {
                wroteRecord = true
                Interruption.shared.onInterrupt("reject-directory") { RejectDirectory.remove(directory) }
                try RejectDirectory.write(directory, source: store, problems: plan.problems, widened: plan.widen, artifactMap: artifactMap)
            }
            if let integrity {
                progress?(.step("waiting for the integrity check of \(sourcePath)"))
                try integrity.requireIntact(sourcePath)
            }
            // Last before COMMIT: a sequence this role does not own can only be set with setval,
            // which no rollback undoes.
            let sequences = try setSequences(nextValues, conn)
            progress?(.step("committing"))
            committing = true
            Interruption.shared.set(
                "interrupted while committing: the import may or may not have committed; run mlflow-verify against the target to find out")
            Interruption.shared.cancel("reject-directory")
            try conn.execute("COMMIT", operation: "committing the import")
            Interruption.shared.set("interrupted after the import committed: run mlflow-verify against the target to check it")
            var summary = ImportSummary(
                source: sourcePath, revision: schema.revision, mlflowVersions: schema.mlflowVersions,
                target: conn.displayName, targetState: state, tables: loaded, sequences: sequences,
                unknownTables: source.unknownTables,
                leftOut: plan.leftOut.isEmpty ? ((source as? BundleSource)?.manifest.policy?.leftOut ?? [:]) : plan.leftOut,
                widened: plan.widen, seconds: Date().timeIntervalSince(started))
            summary.manifestChecksum = (source as? BundleSource)?.manifestChecksum
            summary.schemaReadFromTarget = schema.readFromTarget != nil
            summary.hypertable = hypertable
            summary.security = conn.security
            return summary
        } catch {
            if let lost = conn.lost(
                Self.serverError(error) ?? conn.lastError(operation: "loading \(sourcePath)"),
                committing
                    ? "The server may or may not have committed the import: run mlflow-verify against the target to find out."
                    : "The import's transaction was not committed, so the target is as it was. Run the import again once the server accepts connections."
            ) {
                // Broken during COMMIT the import may have committed: its record stays.
                if wroteRecord && !committing, let directory = policy.rejectDirectory { RejectDirectory.remove(directory) }
                throw lost
            }
            try? conn.execute("ROLLBACK")
            if wroteRecord, let directory = policy.rejectDirectory { RejectDirectory.remove(directory) }
            if let refused = Self.targetsOwn(error, target: conn.displayName) { throw refused }
            if let error = error as? PGError {
                throw MigrationError.loadFailed(path: sourcePath, table: error.table, row: nil, error: error)
            }
            throw error
        }
    }

    /// Pre-data: MLflow's tables in an empty target, or the rows MLflow inserted itself removed
    /// from one it created; then the columns a policy widens.
    private func prepare(_ state: TargetState, _ schema: SchemaRevision, _ conn: PGConnection, plan: Plan) throws {
        switch state {
        case .empty:
            progress?(.step("creating MLflow's \(schema.revision) tables"))
            try conn.execute(schema.preDataSQL, operation: "creating MLflow's \(schema.revision) tables")
        case .createdByMLflow:
            for table in schema.tables.reversed() where schema.createdRows[table.name] != nil {
                try conn.execute(
                    "DELETE FROM \(conn.quoteIdentifier(table.name))",
                    operation: "removing the rows MLflow inserted into \(table.name)")
            }
        }
        for w in plan.widen {
            try conn.execute(
                "ALTER TABLE \(conn.quoteIdentifier(w.table)) ALTER COLUMN \(conn.quoteIdentifier(w.column)) TYPE \(w.to)",
                operation: "widening \(w.table).\(w.column) to \(w.to)")
            // A serial column's sequence keeps its own type (an identity column's follows the column).
            for sequence in schema.sequences where sequence.table == w.table && sequence.column == w.column && w.to == PGType.int8.description {
                guard schema.table(w.table)?.column(w.column)?.identity != true else { continue }
                try conn.execute(
                    "ALTER SEQUENCE \(conn.quoteIdentifier(sequence.name)) AS bigint", operation: "widening sequence \(sequence.name) to bigint")
            }
        }
    }

    /// Data: one COPY per table, referenced tables first, leaving out the plan's rows.
    private func copyTables(from source: any MigrationSource, to conn: PGConnection, plan: Plan) throws -> [ImportSummary.Table] {
        try source.schema.tables.map { table in
            let t0 = Date()
            let rows = try copy(table, from: source, to: conn, leavingOut: plan.leftOut[table.name] ?? 0)
            let seconds = Date().timeIntervalSince(t0)
            progress?(.tableFinished(table: table.name, rows: rows, seconds: seconds))
            return .init(name: table.name, rows: rows, seconds: seconds)
        }
    }

    /// Post-data: keys, indexes and foreign keys, built once over the loaded rows (which validates them).
    private func buildKeys(_ schema: SchemaRevision, _ conn: PGConnection) throws {
        let statements = schema.postDataStatements(hypertable: timescale != nil)
        do {
            for (index, statement) in statements.enumerated() {
                progress?(.phase(name: "keys and indexes", done: index, total: statements.count, current: SchemaRevision.objectName(statement)))
                try conn.execute(statement, operation: "adding MLflow's keys, indexes and foreign keys (\(SchemaRevision.objectName(statement)))")
            }
            progress?(.phase(name: "keys and indexes", done: statements.count, total: statements.count, current: ""))
        } catch let error as PGError {
            throw MigrationError.loadFailed(path: sourcePath, table: error.table, row: nil, error: error)
        }
    }

    /// Collects the planner's statistics of every loaded table, inside the transaction.
    ///
    /// MLflow's first queries after a bulk load are then planned on them, not on an empty
    /// table's guesses until autovacuum gets there.
    private func analyze(_ schema: SchemaRevision, _ conn: PGConnection) throws {
        progress?(.step("collecting the planner's statistics (ANALYZE)"))
        let tables = schema.tables.map { conn.quoteIdentifier($0.name) }.joined(separator: ", ")
        try conn.execute("ANALYZE \(tables)", operation: "analyzing the loaded tables")
    }

    /// Every sequence set to the value SQLite would hand out next; returns them for the summary.
    ///
    /// `ALTER SEQUENCE ... RESTART` is transactional, so a rolled-back import leaves the sequences
    /// of an MLflow-created target where they were; it needs the sequence's owner. A role that
    /// does not own one (it may write MLflow's tables, as before) sets it with `setval`, which is
    /// why this is the last step before COMMIT.
    private func setSequences(_ values: [(sequence: SequenceSpec, next: Int64)], _ conn: PGConnection) throws -> [(name: String, next: Int64)] {
        try values.map { sequence, next in
            let name = conn.quoteIdentifier(sequence.name)
            let owned = try conn.query("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = $1::regclass", [name]).scalar == "t"
            if owned {
                try conn.execute("ALTER SEQUENCE \(name) RESTART WITH \(next)", operation: "setting sequence \(sequence.name)")
            } else {
                try conn.query(
                    "SELECT setval($1::regclass, $2::bigint, false)", [name, String(next)], operation: "setting sequence \(sequence.name)")
            }
            return (sequence.name, next)
        }
    }

    /// Streams one table; a value PostgreSQL rejects is reported with the source row it came from.
    private func copy(_ table: TableSpec, from source: any MigrationSource, to conn: PGConnection, leavingOut: Int) throws -> Int {
        let total = try source.rowCount(table) - leavingOut
        progress?(.tableStarted(table: table.name, total: total))
        let report: ((Int) -> Void)? = progress.map { handler in { handler(.rows(table: table.name, done: $0, total: total)) } }
        let (stream, sent) = try source.copy(table, into: conn, progress: report)
        do {
            let stored = try stream.finish()
            guard stored == sent else {
                throw MigrationError.loadFailed(
                    path: sourcePath, table: table.name, row: nil,
                    error: PGError(
                        operation: "COPY \(table.name)", message: "the server stored \(stored) rows, \(sent) were sent"))
            }
            return stored
        } catch let error as PGError {
            let row = error.copyLine.flatMap { source.rowKey(table: table, line: $0) }
            throw MigrationError.loadFailed(path: sourcePath, table: table.name, row: row, error: error)
        }
    }
}
