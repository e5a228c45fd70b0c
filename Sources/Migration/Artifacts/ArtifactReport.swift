/// What `--artifact-root-map` rewrites, per column and rule, with examples; and the local-looking
/// locations no rule covers (which the new server will not find).
public struct ArtifactReport: Codable, Sendable {
    public struct Rewrite: Codable, Sendable {
        public let table: String
        public let column: String
        public let old: String
        public let new: String
        public var count: Int
        public var examples: [Example]
    }

    public struct Example: Codable, Sendable {
        public let before: String
        public let after: String
    }

    public struct Uncovered: Codable, Sendable {
        public let table: String
        public let column: String
        public var count: Int
        public var examples: [String]
    }

    public var rewrites: [Rewrite] = []
    public var uncoveredLocal: [Uncovered] = []

    mutating func add(table: String, column: String, rule: ArtifactRootMap.Rule, before: String, after: String) {
        if let i = rewrites.firstIndex(where: { $0.table == table && $0.column == column && $0.old == rule.old }) {
            rewrites[i].count += 1
            if rewrites[i].examples.count < 3 { rewrites[i].examples.append(.init(before: before, after: after)) }
        } else {
            rewrites.append(
                .init(table: table, column: column, old: rule.old, new: rule.new, count: 1, examples: [.init(before: before, after: after)]))
        }
    }

    mutating func uncovered(table: String, column: String, value: String) {
        if let i = uncoveredLocal.firstIndex(where: { $0.table == table && $0.column == column }) {
            uncoveredLocal[i].count += 1
            if uncoveredLocal[i].examples.count < 3 { uncoveredLocal[i].examples.append(value) }
        } else {
            uncoveredLocal.append(.init(table: table, column: column, count: 1, examples: [value]))
        }
    }

    /// Lines for the dry run's text report.
    var lines: [String] {
        var out: [String] = []
        for r in rewrites {
            out.append("  \(r.table).\(r.column): \(r.count) value(s) \(r.old) -> \(r.new), e.g. \(r.examples[0].before) -> \(r.examples[0].after)")
        }
        for u in uncoveredLocal {
            out.append("  warning: \(u.table).\(u.column): \(u.count) local-looking location(s) no mapping covers, e.g. \(u.examples[0])")
        }
        return out
    }
}
