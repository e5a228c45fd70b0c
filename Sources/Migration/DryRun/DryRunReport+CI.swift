extension DryRunReport {
    /// The dry run as a JUnit XML report: one test case for the target, one for the source's
    /// integrity, and one per problem kind, table and column (failing when no policy handles it).
    public var junit: String {
        func failure(_ text: String) -> (message: String, text: String) { (text.firstLine, text) }
        var cases = [
            JUnitXML.Case(
                classname: "mlflow-import.target", name: "target accepts the import",
                failure: blockers.isEmpty ? nil : failure(blockers.joined(separator: "\n")))
        ]
        if let integrity = source.integrityCheck {
            cases.append(
                .init(
                    classname: "mlflow-import.source", name: "integrity_check",
                    failure: integrity == ["ok"] ? nil : failure(integrity.joined(separator: "\n"))))
        }
        if problemGroups.isEmpty {
            cases.append(.init(classname: "mlflow-import.source", name: "no row PostgreSQL would reject"))
        }
        for group in problemGroups {
            let name = "\(group.kind.rawValue) in \(group.table)\(group.column.map { ".\($0)" } ?? "")"
            let listed = problems.filter { $0.kind == group.kind && $0.table == group.table && $0.column == (group.column ?? $0.column) }
            // A problem a policy handles is reported, not failed.
            cases.append(
                .init(
                    classname: "mlflow-import.\(group.table)", name: name,
                    failure: unhandledKinds.contains(group.kind)
                        ? failure("\(group.rows) row(s)\n" + listed.prefix(50).map(\.line).joined(separator: "\n")) : nil))
        }
        return JUnitXML(
            name: "mlflow-import --dry-run", properties: [("source", source.path), ("target", target.target), ("revision", source.revision)],
            cases: cases, failureType: "would-fail"
        ).text
    }
}
