import Foundation
import PostgresTarget

/// `mlflow-import --dry-run`: reads the source and the target, writes nothing, and reports what
/// the import would do and every row PostgreSQL would reject.
public struct DryRun {
    public let sourcePath: String
    public let conninfo: String?
    public let policy: RejectPolicy
    public let artifactMap: ArtifactRootMap
    public let timescale: TimescaleOptions?
    /// Receives the pre-flight's progress; may be nil.
    public let progress: ProgressHandler?

    public init(
        sourcePath: String, conninfo: String?, policy: RejectPolicy = RejectPolicy(),
        artifactMap: ArtifactRootMap = ArtifactRootMap(rules: []), timescale: TimescaleOptions? = nil, progress: ProgressHandler? = nil
    ) {
        self.progress = progress
        self.timescale = timescale
        self.sourcePath = sourcePath
        self.conninfo = conninfo
        self.policy = policy
        self.artifactMap = artifactMap
    }

    public func run() throws -> DryRunReport {
        let importer = Importer(sourcePath: sourcePath, conninfo: conninfo, policy: policy, artifactMap: artifactMap)
        let source = try importer.openMapped()
        // The target first: an unreachable server is reported before a long scan, not after it.
        let conn = try PGConnection.target(conninfo, application: "mlflow-import --dry-run")
        do {
            return try check(source, conn, importer: importer)
        } catch let error as PGError {
            throw conn.lost(error, "The dry run only reads the target, which is unchanged. Run it again once the server accepts connections.")
                ?? MigrationError.targetReadFailed(error: error)
        }
    }

    /// Scans the source, then inspects the target inside one read-only transaction.
    private func check(_ source: any MigrationSource, _ conn: PGConnection, importer: Importer) throws -> DryRunReport {
        var report = DryRunReport(source: try sourceInfo(source))
        let plan = try scan(source, importer: importer, into: &report)
        // The transaction starts after the scan: no session idles in a transaction meanwhile.
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { try? conn.execute("ROLLBACK") }
        report.target = try targetInfo(conn)
        var state: TargetState?
        let privileges = try TargetPrivileges.check(conn, for: source.schema, widening: plan.widen)
        do {
            guard privileges.isEmpty else { throw privileges.error(target: conn.displayName) }
            let inspected = try TargetState.inspect(conn, for: source.schema, lock: false)
            state = inspected
            switch inspected {
            case .empty:
                report.target.state = "empty"
                report.plan.action = "create MLflow's schema for revision \(source.schema.revision), then load"
            case .createdByMLflow(let revision):
                report.target.state = "created by MLflow at revision \(revision), unused"
                report.plan.action = "load into the schema MLflow created"
                report.plan.rowsToReplace = source.schema.createdRows.sorted { $0.key < $1.key }.map { .init(table: $0.key, rows: $0.value) }
            }
        } catch MigrationError.targetHoldsData(_, let counts, _, _)
            where timescale == nil
            && AlreadyImported.check(
                sourcePath: sourcePath, conninfo: conninfo, targetCounts: counts, artifactMap: artifactMap, maxDiffs: 0) != nil
        {
            report.target.state = "holds exactly this source already (checked as mlflow-verify does)"
            report.plan.action = "nothing to do: the import would write nothing and exit 0"
            report.plan.nothingToDo = true
        } catch let error as MigrationError {
            report.target.state = "refused"
            report.blockers.append("\(error)")
        }
        if let timescale {
            var interval = timescale.chunkInterval
            do {
                _ = try conn.requireTimescale()
                // An MLflow-created target whose metrics already is a hypertable keeps its interval.
                if case .createdByMLflow = state {
                    interval = try conn.metricsChunkInterval() ?? interval
                    try conn.requireMetricsOwner()
                }
            } catch let error as MigrationError {
                report.blockers.append("\(error)")
            }
            report.plan.hypertable = .init(chunkIntervalMs: interval, chunks: try (source as? SQLiteSource)?.chunkCount(interval))
        }
        try fillPlan(&report.plan, source, plan: plan, sourceTables: report.source.tables)
        return report
    }

    /// The pre-flight over an SQLite source (a bundle was checked when it was opened): problems,
    /// damage, and the policy's plan when nothing stands in its way.
    private func scan(_ source: any MigrationSource, importer: Importer, into report: inout DryRunReport) throws -> Importer.Plan {
        guard let store = source as? SQLiteSource else { return try importer.plan(source) }
        let result = try Preflight(source: store, progress: progress).run()
        report.source.integrityCheck = result.integrity
        report.source.sqliteForeignKeyViolations = result.sqliteForeignKeyViolations
        report.set(try result.summary(listing: DryRunReport.listedProblems))
        report.artifacts = result.artifacts
        report.unhandled = try result.summary(listing: 0, kinds: policy.unhandled).total
        report.unhandledKinds = policy.unhandled.sorted { $0.rawValue < $1.rawValue }
        if result.integrity != ["ok"] { report.blockers.append("PRAGMA integrity_check reports damage") }
        guard report.unhandled == 0 && result.integrity == ["ok"] else { return Importer.Plan() }
        do {
            return try importer.plan(source, preflighted: result)
        } catch let error as MigrationError {
            report.blockers.append("\(error)")
            return Importer.Plan()
        }
    }

    /// The server, its extensions and the database's encoding and collation.
    private func targetInfo(_ conn: PGConnection) throws -> DryRunReport.TargetInfo {
        var target = DryRunReport.TargetInfo(target: conn.displayName)
        target.connection = conn.security.line
        if let warning = conn.security.warning { target.notes.append(warning) }
        target.serverVersion = try conn.query("SHOW server_version").scalar ?? "?"
        target.timescaledb = try conn.query("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'").scalar
        // datlocprovider (PostgreSQL 15 and later): 'c' libc, 'i' ICU (then the ICU locale sorts, not
        // datcollate), 'b' builtin (17; C or C.UTF-8, code point order like SQLite). The locale is
        // daticulocale in 15 and 16, datlocale from 17: read through to_jsonb, which any version has.
        let db =
            try conn.query(
                """
                SELECT pg_encoding_to_char(encoding), datcollate, coalesce(to_jsonb(d)->>'datlocprovider', 'c'),
                       coalesce(to_jsonb(d)->>'datlocale', to_jsonb(d)->>'daticulocale')
                FROM pg_database d WHERE datname = current_database()
                """
            ).rows.first ?? []
        target.encoding = db.first.flatMap { $0 } ?? "?"
        let collate = db.count > 1 ? db[1] ?? "?" : "?"
        if db.count > 3, db[2] == "i" {
            let locale = db[3] ?? "?"
            target.collation = "ICU \(locale)"
            target.notes.append(
                "collation: the database sorts text with ICU locale \(locale) (its libc LC_COLLATE \(collate) is not used for sorting), unlike SQLite's"
                    + " bytewise order ('B' < 'a'): MLflow's listings ordered by name come out in another order. Create the database with"
                    + " the libc provider to keep SQLite's order: \(TargetAdvice.createDatabase.dropLast()) LOCALE_PROVIDER libc;")
        } else if db.count > 3, db[2] == "b" {
            // The builtin provider's locales (C, C.UTF-8, PG_UNICODE_FAST) sort by code point, as SQLite does.
            target.collation = "builtin \(db[3] ?? "?")"
        } else {
            target.collation = collate
            if !["C", "C.UTF-8", "C.utf8", "POSIX"].contains(collate) {
                target.notes.append(
                    "collation \(collate) sorts text differently from SQLite (bytewise); MLflow's listings may come out in another order. Create the database with LC_COLLATE 'C.UTF-8' to keep SQLite's order: \(TargetAdvice.createDatabase)"
                )
            }
        }
        return target
    }

    /// Rows per table after what the policy leaves out, sequences, and the estimated duration.
    private func fillPlan(
        _ report: inout DryRunReport.Plan, _ source: any MigrationSource, plan: Importer.Plan,
        sourceTables: [DryRunReport.TableRows]
    ) throws {
        var total = 0
        for table in source.schema.tables {
            let rows = sourceTables.first { $0.table == table.name }?.rows ?? 0
            let left = plan.leftOut[table.name] ?? 0
            report.tables.append(.init(table: table.name, rows: rows - left))
            if left > 0 { report.leftOut.append(.init(table: table.name, rows: left)) }
            total += rows - left
        }
        report.widened = plan.widen
        report.sequences = try source.schema.sequences.map { .init(name: $0.name, next: try source.nextValue(for: $0)) }
        report.estimatedSeconds = Double(total) / DryRunReport.measuredRowsPerSecond
    }

    private func sourceInfo(_ source: any MigrationSource) throws -> DryRunReport.SourceInfo {
        var info = DryRunReport.SourceInfo(path: sourcePath, revision: source.schema.revision, mlflowVersions: source.schema.mlflowVersions)
        let fm = FileManager.default
        if let bundle = source as? BundleSource {
            info.kind = "bundle"
            info.tables = bundle.manifest.tables.map { .init(table: $0.name, rows: $0.rows) }
            info.size = bundle.manifest.tables.reduce(0) { $0 + $1.size }
            info.notes.append("manifest.json xxh64 \(bundle.manifestChecksum): compare it with what mlflow-export printed")
            info.notes.append("bundle: every file's size, checksum, row count and content checksum verified")
            if let policy = bundle.manifest.policy, policy.preflighted {
                info.notes.append(
                    "bundle: mlflow-export's pre-flight checked every row (values, lengths, integer ranges, keys, references): it holds none PostgreSQL would reject"
                )
                if !policy.leftOut.isEmpty {
                    let counts = policy.leftOut.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    info.notes.append(
                        "bundle: the export left out \(policy.leftOut.values.reduce(0, +)) row(s) (\(counts)) under --skip-rows \(policy.skipRows.joined(separator: ",")), recorded in its reject directory"
                    )
                }
            } else {
                info.notes.append(
                    "bundle: written by mlflow-export \(displayName(bundle.manifest.toolVersion)), which had no pre-flight: varchar lengths, keys and references are first checked by PostgreSQL during the import; export the store again with this build to have them checked now"
                )
            }
        } else if let store = source as? SQLiteSource {
            info.kind = "sqlite"
            info.size = ((try? fm.attributesOfItem(atPath: sourcePath))?[.size] as? NSNumber)?.int64Value ?? 0
            for table in store.schema.tables { info.tables.append(.init(table: table.name, rows: try store.rowCount(table))) }
            for suffix in ["-wal", "-journal"] {
                if let size = ((try? fm.attributesOfItem(atPath: sourcePath + suffix))?[.size] as? NSNumber)?.int64Value {
                    info.notes.append(
                        "\(URL(fileURLWithPath: sourcePath).lastPathComponent)\(suffix) is present (\(size) bytes): "
                            + (size > 0
                                ? "a writer is active or did not finish; the import reads one consistent snapshot, stop MLflow first to include its last writes"
                                : "no pending writes"))
                }
            }
        }
        info.unknownTables = source.unknownTables
        if let origin = source.schema.readFromTarget {
            info.notes.append(
                "revision \(source.schema.revision) is newer than this build: MLflow's schema was read from the catalog of \(origin.target), which MLflow created at that revision"
            )
        }
        return info
    }
}
