extension VerifyReport {
    /// JUnit XML: one test case per check, failures carrying the differing rows of their table.
    public var junit: String {
        let cases = checks.map { check in
            var c = JUnitXML.Case(classname: "mlflow-verify.\(check.table ?? "store")", name: check.check)
            if !check.passed {
                let message = "source \(check.source ?? "-"), target \(check.target ?? "-")" + (check.detail.map { ": \($0)" } ?? "")
                let rows = differences.filter { $0.table == check.table }.flatMap(\.textLines)
                c.failure = (message, ([message] + rows).joined(separator: "\n"))
            }
            return c
        }
        return JUnitXML(
            name: "mlflow-verify", properties: [("source", source), ("target", target), ("revision", revision)], cases: cases,
            failureType: "difference", seconds: seconds
        ).text
    }

    /// A Markdown summary for CI job pages.
    public var markdown: String {
        var md = [
            "## mlflow-verify: \(passed ? "✅ equal" : "❌ different")", "",
            "Source \(Markdown.code(source)), target \(Markdown.code(target)), revision \(Markdown.code(revision)), \(formatSeconds(seconds)) s.", "",
            "| check | table | result | source | target |", "|---|---|---|---|---|",
        ]
        for c in checks {
            md.append(
                "| \(c.check) | \(Markdown.cell(c.table)) | \(c.passed ? "ok" : "**FAIL**") | \(Markdown.cell(c.source)) | \(Markdown.cell(c.target)) |"
            )
        }
        if !differences.isEmpty {
            md += ["", "### Differing rows", ""]
            md += Markdown.fenced(differences.flatMap(\.textLines))
        }
        if !seriesDifferences.isEmpty {
            md += ["", "### Differing metric series", "", "| table | run_uuid | key | source points | target points |", "|---|---|---|---|---|"]
            md += seriesDifferences.map {
                "| \(Markdown.cell($0.table)) | \(Markdown.cell($0.runUUID)) | \(Markdown.cell($0.key)) | \($0.sourcePoints) | \($0.targetPoints) |"
            }
        }
        if differencesTruncated { md += ["", "_More differences exist than shown; raise `--max-diffs`._"] }
        return md.joined(separator: "\n") + "\n"
    }
}
