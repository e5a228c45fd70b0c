import Foundation

/// What `mlflow-import --dry-run` found: source, target, plan and every problem.
public struct DryRunReport: Codable, Sendable {
    /// How many problems the report lists; every problem is counted, per kind and per column.
    public static let listedProblems = 1000

    /// Import speed measured by Benchmarks/run.sh (docs/benchmarks.md), for the estimate.
    static let measuredRowsPerSecond = 200_000.0

    public struct TableRows: Codable, Sendable {
        public let table: String
        public let rows: Int
    }

    public struct SourceInfo: Codable, Sendable {
        public var path: String
        public var kind = "sqlite"
        public var size: Int64 = 0
        public var revision: String
        public var mlflowVersions: [String]
        public var tables: [TableRows] = []
        public var integrityCheck: [String]?
        public var sqliteForeignKeyViolations: Int?
        public var unknownTables: [String] = []
        public var notes: [String] = []

        init(path: String, revision: String, mlflowVersions: [String]) {
            self.path = path
            self.revision = revision
            self.mlflowVersions = mlflowVersions
        }
    }

    public struct TargetInfo: Codable, Sendable {
        public var target: String
        public var serverVersion = ""
        public var timescaledb: String?
        public var encoding = ""
        public var collation = ""
        /// How the connection is protected (TLS, certificate check), in one line.
        public var connection = ""
        public var state = ""
        public var notes: [String] = []

        init(target: String) { self.target = target }
    }

    public struct Sequence: Codable, Sendable {
        public let name: String
        public let next: Int64
    }

    public struct Plan: Codable, Sendable {
        public var action = ""
        public var tables: [TableRows] = []
        public var sequences: [Sequence] = []
        public var rowsToReplace: [TableRows] = []
        public var leftOut: [TableRows] = []
        public var widened: [RejectRecord.Widened] = []
        /// `--timescaledb`: metrics as a compressed hypertable, with the chunks the source's timestamps fill.
        public var hypertable: Hypertable?
        public var estimatedSeconds = 0.0
        /// True when the target already holds exactly the source: the import would do nothing.
        public var nothingToDo = false
    }

    /// What `--timescaledb` would make of `metrics`.
    public struct Hypertable: Codable, Sendable {
        public var chunkIntervalMs: Int64
        /// The chunks the source's metrics fill; nil for a bundle (known after the load).
        public var chunks: Int?
    }

    public var source: SourceInfo
    public var target = TargetInfo(target: "")
    public var plan = Plan()
    /// The first problems found (`listedProblems`); `problemsTotal` counts them all.
    public var problems: [Problem] = []
    public var problemsTotal = 0
    /// Counts per problem kind, of every problem.
    public var counts: [String: Int] = [:]
    /// Rows per problem kind, table and column, of every problem.
    public var problemGroups: [ProblemSummary.Group] = []
    /// Problems no policy handles.
    public var unhandled = 0
    /// The problem kinds the import's policy does not handle.
    public var unhandledKinds: [Problem.Kind] = []
    /// Why the import would not start, apart from row problems (target state, damage, options).
    public var blockers: [String] = []
    /// Artifact locations `--artifact-root-map` rewrites, and local ones it does not cover.
    public var artifacts = ArtifactReport()

    /// True when the real import with the same options would succeed.
    public var wouldSucceed: Bool { unhandled == 0 && blockers.isEmpty }

    init(source: SourceInfo) { self.source = source }

    /// One line for stderr: would succeed, or what stands in the way.
    public var verdict: String {
        guard !wouldSucceed else { return "the import would succeed" }
        var reasons: [String] = []
        if unhandled > 0 { reasons.append("\(unhandled) problem(s) no policy handles") }
        if !blockers.isEmpty {
            reasons.append(
                blockers.count == 1 ? "blocked: " + blockers[0].firstLine : "\(blockers.count) blockers")
        }
        return "the import would fail: " + reasons.joined(separator: "; ")
    }

    /// Takes the pre-flight's problems: the first ones listed, all of them counted.
    mutating func set(_ summary: ProblemSummary) {
        problems = summary.listed
        problemsTotal = summary.total
        counts = Dictionary(uniqueKeysWithValues: summary.counts.map { ($0.key.rawValue, $0.value) })
        problemGroups = summary.groups
    }
}

extension DryRunReport {
    /// The report as text for a terminal (problems listed up to `limit`).
    public func text(limit: Int = 50) -> String {
        var l: [String] = []
        l.append("Dry run: nothing was written. The import \(wouldSucceed ? "WOULD SUCCEED" : "WOULD FAIL").")
        l.append("")
        l.append(
            "Source: \(source.path) (\(source.kind), \(source.size) bytes), revision \(source.revision) (\(source.mlflowVersions.isEmpty ? "newer than this build" : "MLflow " + source.mlflowVersions.joined(separator: ", ")))"
        )
        if let integrity = source.integrityCheck { l.append("  integrity_check: \(integrity.joined(separator: "; "))") }
        if let fk = source.sqliteForeignKeyViolations { l.append("  foreign_key_check: \(fk) violation(s) of SQLite's declared keys") }
        for n in source.notes { l.append("  note: \(n)") }
        if !source.unknownTables.isEmpty { l.append("  not MLflow's, not loaded: \(source.unknownTables.joined(separator: ", "))") }
        l.append(
            "Target: \(target.target), PostgreSQL \(target.serverVersion), TimescaleDB \(target.timescaledb ?? "not installed"), encoding \(target.encoding), collation \(target.collation)"
        )
        l.append("  connection: \(target.connection)")
        l.append("  state: \(target.state)")
        for n in target.notes { l.append(n.hasPrefix("warning:") ? "  \(n)" : "  note: \(n)") }
        // A refused target has no plan: the reason is said once, under Blocked.
        if plan.action.isEmpty {
            l.append("Plan: none, the import is blocked (below)")
        } else {
            l.append("Plan: \(plan.action)")
            if !plan.nothingToDo { l += planLines }
        }
        if !artifacts.rewrites.isEmpty || !artifacts.uncoveredLocal.isEmpty {
            l.append("Artifact locations:")
            l += artifacts.lines
        }
        l.append(
            "Problems: \(problemsTotal)"
                + (problemsTotal == 0
                    ? ""
                    : " (" + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                        + "), \(unhandled) not handled by a policy"))
        for p in problems.prefix(limit) { l.append("  - [\(p.kind.rawValue)] \(p.line)") }
        if problemsTotal > limit {
            l.append("  ... and \(problemsTotal - min(limit, problems.count)) more; " + moreProblems)
            for g in problemGroups { l.append("    \(g.rows) \(g.kind.rawValue) in \(g.table)\(g.column.map { ".\($0)" } ?? "")") }
        }
        for b in blockers { l.append("Blocked: \(b)") }
        return l.joined(separator: "\n")
    }

    /// The plan's lines: rows per table, replaced rows, sequences, policies, hypertable, duration.
    private var planLines: [String] {
        var l: [String] = []
        for t in plan.tables { l.append("  \(t.table.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(t.rows).leftPadded(12)) rows") }
        for r in plan.rowsToReplace { l.append("  replace MLflow's own rows of \(r.table): \(r.rows)") }
        for s in plan.sequences { l.append("  set sequence \(s.name): next value \(s.next)") }
        for t in plan.leftOut { l.append("  leave out of \(t.table): \(t.rows) row(s) (recorded in --reject-dir)") }
        for w in plan.widened { l.append("  widen \(w.table).\(w.column) from \(w.from) to \(w.to)") }
        if let h = plan.hypertable {
            l.append(
                "  make metrics a TimescaleDB hypertable on timestamp (chunks of \(h.chunkIntervalMs) ms): \(h.chunks.map(String.init) ?? "an unknown number of") chunk(s), then compress them (segment by run_uuid, key; order by step, timestamp) and add a compression policy"
            )
        }
        l.append("  estimated duration: about \(Int(plan.estimatedSeconds.rounded(.up))) s")
        return l
    }

    /// Where the problems a report does not list can be seen, and the counts that follow.
    var moreProblems: String {
        problemsTotal <= Self.listedProblems
            ? "--format json lists all; per table and column:"
            : "--format json lists the first \(Self.listedProblems), an import with --skip-rows and --reject-dir records every row; per table and column:"
    }

    /// The report as JSON (the first `listedProblems` problems, every one counted).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var object = (try? JSONSerialization.jsonObject(with: encoder.encode(self))) as? [String: Any] ?? [:]
        object["would_succeed"] = wouldSucceed
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The report as Markdown.
    public var markdown: String {
        var md = [
            "## mlflow-import dry run: \(wouldSucceed ? "✅ would succeed" : "❌ would fail")", "",
            "Source \(Markdown.code(source.path)) (revision \(Markdown.code(source.revision))), target \(Markdown.code(target.target)) (\(target.state)).",
            "",
            "| table | rows |", "|---|---|",
        ]
        md += plan.tables.map { "| \($0.table) | \($0.rows) |" }
        if !problems.isEmpty {
            md += ["", "### Problems (\(problemsTotal))", "", "| kind | table | key | column | detail |", "|---|---|---|---|---|"]
            md += problems.prefix(200).map { p in
                "| \(p.kind.rawValue) | \(Markdown.cell(p.table)) | \(Markdown.cell(RowKey(parts: p.key).description)) | \(Markdown.cell(p.column)) | \(Markdown.cell(p.detail)) |"
            }
            if problemsTotal > 200 {
                md += ["", "\(problemsTotal - 200) more; per table and column:", "", "| kind | table | column | rows |", "|---|---|---|---|"]
                md += problemGroups.map { "| \($0.kind.rawValue) | \(Markdown.cell($0.table)) | \(Markdown.cell($0.column)) | \($0.rows) |" }
            }
        }
        if !blockers.isEmpty { md += ["", "### Blocked", ""] + blockers.map { "- " + Markdown.cell($0) } }
        return md.joined(separator: "\n") + "\n"
    }
}
