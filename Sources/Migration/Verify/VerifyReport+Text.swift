import Foundation

extension VerifyReport {
    /// The readable summary printed on stdout.
    public var text: String {
        var lines = [
            "Verified \(target) against \(source) (revision \(revision)\(schemaReadFromTarget ? ", schema read from the target's catalog" : "")): "
                + (passed ? "EQUAL" : "DIFFERENT") + " in \(formatSeconds(seconds)) s."
        ]
        let failed = checks.filter { !$0.passed }
        lines.append("  \(checks.count) checks, \(failed.count) failed.")
        for check in checks where !check.passed || check.check == "row_count" {
            let name = [check.table, check.check].compactMap { $0 }.joined(separator: " ")
            let sides = check.source == check.target ? (check.source ?? "") : "source \(check.source ?? "-"), target \(check.target ?? "-")"
            lines.append("  \(check.passed ? "ok  " : "FAIL") \(name): \(sides)" + (check.detail.map { " (\($0))" } ?? ""))
        }
        if !accounted.isEmpty { lines.append("Accounted differences (from the import's record):") }
        for a in accounted { lines.append("  \(a)") }
        if !differences.isEmpty { lines.append("Differing rows:") }
        for d in differences { lines.append(contentsOf: d.textLines.map { "  " + $0 }) }
        if !seriesDifferences.isEmpty { lines.append("Differing metric series:") }
        for s in seriesDifferences {
            lines.append("  \(s.table) run_uuid=\(s.runUUID) key=\(s.key): \(s.sourcePoints) points in source, \(s.targetPoints) in target")
        }
        if differencesTruncated { lines.append("  (more differences not shown; raise --max-diffs)") }
        return lines.joined(separator: "\n")
    }

    /// One line for stderr: equal, or how many checks failed and how many rows differ.
    public var verdict: String {
        guard !passed else { return "the target equals the source" }
        let failed = checks.filter { !$0.passed }.count
        var text = "the target differs from the source: \(failed) of \(checks.count) checks failed"
        if !differences.isEmpty { text += ", \(differences.count)\(differencesTruncated ? "+" : "") differing row(s) listed" }
        return text
    }

    /// The report as pretty-printed JSON (docs/verify-report.md).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension VerifyReport.RowDifference {
    /// The difference as a few readable lines.
    var textLines: [String] {
        let keyText = RowKey(parts: key).description
        func row(_ parts: [ColumnValue]) -> String { RowKey(parts: parts).description }
        switch kind {
        case "changed":
            return ["\(table) \(keyText) changed:"] + columns.map { "  \($0.column): source \($0.source), target \($0.target)" }
        default:
            return ["\(table) \(keyText) \(kind.replacingOccurrences(of: "_", with: " ")):"]
                + sourceOnly.map { "  only in source: \(row($0))" } + targetOnly.map { "  only in target: \(row($0))" }
        }
    }
}
