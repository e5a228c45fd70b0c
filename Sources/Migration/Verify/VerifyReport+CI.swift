extension VerifyReport {
    /// JUnit XML: one test case per check, failures carrying the differing rows of their table.
    public var junit: String {
        let failures = checks.filter { !$0.passed }.count
        var xml = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<testsuites name=\"mlflow-verify\" tests=\"\(checks.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(formatSeconds(seconds))\">",
            "  <testsuite name=\"mlflow-verify\" tests=\"\(checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"\(formatSeconds(seconds))\">",
            "    <properties>",
            "      <property name=\"source\" value=\"\(xmlEscape(source))\"/>",
            "      <property name=\"target\" value=\"\(xmlEscape(target))\"/>",
            "      <property name=\"revision\" value=\"\(xmlEscape(revision))\"/>",
            "    </properties>",
        ]
        for check in checks {
            let classname = "mlflow-verify.\(check.table ?? "store")"
            let open = "    <testcase classname=\"\(xmlEscape(classname))\" name=\"\(xmlEscape(check.check))\" time=\"0\""
            if check.passed {
                xml.append(open + "/>")
            } else {
                let message = "source \(check.source ?? "-"), target \(check.target ?? "-")" + (check.detail.map { ": \($0)" } ?? "")
                let rows = differences.filter { $0.table == check.table }.flatMap(\.textLines)
                xml.append(open + ">")
                xml.append(
                    "      <failure message=\"\(xmlEscape(message))\" type=\"difference\">\(xmlEscape(([message] + rows).joined(separator: "\n")))</failure>"
                )
                xml.append("    </testcase>")
            }
        }
        xml.append("  </testsuite>")
        xml.append("</testsuites>")
        return xml.joined(separator: "\n") + "\n"
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
