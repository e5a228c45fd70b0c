/// The outcome of one verification: every check, and the differing rows and series.
///
/// Its JSON form (`--format json`) is a stable, documented shape: see docs/verify-report.md.
public struct VerifyReport: Codable, Sendable {
    /// One check, reported separately (a JUnit test case).
    public struct Check: Codable, Sendable {
        /// `revision`, `tables`, `sequence`, `row_count`, `content` or `series`.
        public let check: String
        /// The table (or sequence) checked; nil for store-wide checks.
        public let table: String?
        public let passed: Bool
        public let source: String?
        public let target: String?
        public let detail: String?
    }

    /// One column that differs between a source row and its target row.
    public struct ColumnDifference: Codable, Sendable {
        public let column: String
        public let source: String
        public let target: String
    }

    /// Rows that differ, paired by the table's match columns (primary key without float columns).
    public struct RowDifference: Codable, Sendable {
        public let table: String
        /// Match columns and their values, in key order.
        public let key: [ColumnValue]
        /// `changed` (one row each side, `columns` lists what differs), `missing_in_target`,
        /// `extra_in_target`, or `multiset` (several rows under one key; see the row lists).
        public let kind: String
        public let columns: [ColumnDifference]
        /// Rows under this key present only in the source / only in the target, all columns shown.
        public let sourceOnly: [[ColumnValue]]
        public let targetOnly: [[ColumnValue]]
    }

    /// A metric series whose points differ.
    public struct SeriesDifference: Codable, Sendable {
        public let table: String
        public let runUUID: String
        public let key: String
        public let sourcePoints: Int
        public let targetPoints: Int
    }

    public var formatVersion = 1
    public let tool: String
    public let source: String
    public let target: String
    public let revision: String
    public let checks: [Check]
    public let differences: [RowDifference]
    public let seriesDifferences: [SeriesDifference]
    /// True when `--max-diffs` cut the list of differing rows.
    public let differencesTruncated: Bool
    /// True when the source's schema was read from the target's catalog (a revision newer than the build).
    public var schemaReadFromTarget = false
    /// Differences the import's reject directory accounts for (rows left out, columns widened).
    public var accounted: [String] = []
    public let seconds: Double

    /// True when every check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", tool, source, target, revision, result, checks, differences
        case seriesDifferences = "series_differences", differencesTruncated = "differences_truncated", seconds, accounted
        case schema
    }

    public init(
        tool: String, source: String, target: String, revision: String, checks: [Check],
        differences: [RowDifference], seriesDifferences: [SeriesDifference], differencesTruncated: Bool, seconds: Double
    ) {
        self.tool = tool
        self.source = source
        self.target = target
        self.revision = revision
        self.checks = checks
        self.differences = differences
        self.seriesDifferences = seriesDifferences
        self.differencesTruncated = differencesTruncated
        self.seconds = seconds
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        tool = try c.decode(String.self, forKey: .tool)
        source = try c.decode(String.self, forKey: .source)
        target = try c.decode(String.self, forKey: .target)
        revision = try c.decode(String.self, forKey: .revision)
        checks = try c.decode([Check].self, forKey: .checks)
        differences = try c.decode([RowDifference].self, forKey: .differences)
        seriesDifferences = try c.decode([SeriesDifference].self, forKey: .seriesDifferences)
        differencesTruncated = try c.decode(Bool.self, forKey: .differencesTruncated)
        seconds = try c.decode(Double.self, forKey: .seconds)
        accounted = try c.decodeIfPresent([String].self, forKey: .accounted) ?? []
        schemaReadFromTarget = try c.decodeIfPresent(String.self, forKey: .schema) == "target_catalog"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(tool, forKey: .tool)
        try c.encode(source, forKey: .source)
        try c.encode(target, forKey: .target)
        try c.encode(revision, forKey: .revision)
        try c.encode(schemaReadFromTarget ? "target_catalog" : "embedded", forKey: .schema)
        try c.encode(passed ? "equal" : "different", forKey: .result)
        try c.encode(checks, forKey: .checks)
        try c.encode(differences, forKey: .differences)
        try c.encode(seriesDifferences, forKey: .seriesDifferences)
        try c.encode(differencesTruncated, forKey: .differencesTruncated)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(accounted, forKey: .accounted)
    }
}

extension VerifyReport.Check {
    enum CodingKeys: String, CodingKey { case check, table, passed, source, target, detail }

    /// Encodes absent values as null, so every check has the same keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(check, forKey: .check)
        try c.encode(table, forKey: .table)
        try c.encode(passed, forKey: .passed)
        try c.encode(source, forKey: .source)
        try c.encode(target, forKey: .target)
        try c.encode(detail, forKey: .detail)
    }
}

extension VerifyReport.RowDifference {
    enum CodingKeys: String, CodingKey {
        case table, key, kind, columns, sourceOnly = "source_only", targetOnly = "target_only"
    }
}

extension VerifyReport.SeriesDifference {
    enum CodingKeys: String, CodingKey {
        case table, runUUID = "run_uuid", key, sourcePoints = "source_points", targetPoints = "target_points"
    }
}
