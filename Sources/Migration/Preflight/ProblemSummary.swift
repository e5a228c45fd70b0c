/// What a set of problems comes to: how many of each kind and where, and the first few to show.
public struct ProblemSummary: Sendable {
    /// The problems of one kind in one table column (or key): how many rows.
    public struct Group: Codable, Sendable, Hashable {
        public let kind: Problem.Kind
        public let table: String
        public let column: String?
        public var rows: Int
    }

    /// The first problems found, in the order found.
    public var listed: [Problem] = []
    /// Every problem, listed or not.
    public var total = 0
    public var counts: [Problem.Kind: Int] = [:]
    /// Per kind, table and column, sorted.
    public var groups: [Group] = []

    public init() {}

    /// The summary of problems held in memory, all of them listed.
    public init(_ problems: [Problem]) {
        listed = problems
        total = problems.count
        var byGroup: [Group: Int] = [:]
        for p in problems {
            counts[p.kind, default: 0] += 1
            byGroup[Group(kind: p.kind, table: p.table, column: p.column, rows: 0), default: 0] += 1
        }
        groups = byGroup.map { Group(kind: $0.key.kind, table: $0.key.table, column: $0.key.column, rows: $0.value) }.sorted(by: Group.order)
    }

    public var isEmpty: Bool { total == 0 }

    /// "2 orphan, 1 too_long": the counts per kind, by kind.
    public var countsLine: String {
        counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }
}

extension ProblemSummary.Group {
    /// Kind, then table, then column.
    static func order(_ a: Self, _ b: Self) -> Bool {
        (a.kind.rawValue, a.table, a.column ?? "") < (b.kind.rawValue, b.table, b.column ?? "")
    }
}
