extension DryRunReport {
    /// The dry run as a JUnit XML report: one test case for the target, one for the source's
    /// integrity, and one per problem kind, table and column (failing when no policy handles it).
    public var junit: String {
        var cases: [(classname: String, name: String, failure: String?)] = []
        cases.append(("mlflow-import.target", "target accepts the import", blockers.isEmpty ? nil : blockers.joined(separator: "\n")))
        if let integrity = source.integrityCheck {
            cases.append(("mlflow-import.source", "integrity_check", integrity == ["ok"] ? nil : integrity.joined(separator: "\n")))
        }
        if problemGroups.isEmpty {
            cases.append(("mlflow-import.source", "no row PostgreSQL would reject", nil))
        }
        for group in problemGroups {
            let name = "\(group.kind.rawValue) in \(group.table)\(group.column.map { ".\($0)" } ?? "")"
            let listed = problems.filter { $0.kind == group.kind && $0.table == group.table && $0.column == (group.column ?? $0.column) }
            let failure = "\(group.rows) row(s)\n" + listed.prefix(50).map(\.line).joined(separator: "\n")
            // A problem a policy handles is reported, not failed.
            cases.append(("mlflow-import.\(group.table)", name, unhandledKinds.contains(group.kind) ? failure : nil))
        }
        let failures = cases.filter { $0.failure != nil }.count
        var xml = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<testsuites name=\"mlflow-import --dry-run\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">",
            "  <testsuite name=\"mlflow-import --dry-run\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">",
            "    <properties>",
            "      <property name=\"source\" value=\"\(xmlEscape(source.path))\"/>",
            "      <property name=\"target\" value=\"\(xmlEscape(target.target))\"/>",
            "      <property name=\"revision\" value=\"\(xmlEscape(source.revision))\"/>",
            "    </properties>",
        ]
        for c in cases {
            let open = "    <testcase classname=\"\(xmlEscape(c.classname))\" name=\"\(xmlEscape(c.name))\" time=\"0\""
            guard let failure = c.failure else {
                xml.append(open + "/>")
                continue
            }
            let message = failure.split(separator: "\n").first.map(String.init) ?? ""
            xml.append(open + ">")
            xml.append("      <failure message=\"\(xmlEscape(message))\" type=\"would-fail\">\(xmlEscape(failure))</failure>")
            xml.append("    </testcase>")
        }
        xml += ["  </testsuite>", "</testsuites>"]
        return xml.joined(separator: "\n") + "\n"
    }
}
