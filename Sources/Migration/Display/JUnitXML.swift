/// A JUnit XML report: one suite of test cases, for the CI reports of mlflow-verify and the dry run.
struct JUnitXML {
    /// One test case: passed when `failure` is nil, else failed with its first line as the message.
    struct Case {
        let classname: String
        let name: String
        /// The failure's message attribute and its text.
        var failure: (message: String, text: String)?
    }

    /// The suite's name (also of `testsuites`).
    let name: String
    /// Shown as properties (source, target, revision).
    let properties: [(name: String, value: String)]
    let cases: [Case]
    /// The `type` attribute of a failure.
    let failureType: String
    /// The suite's duration in seconds, when known.
    var seconds: Double?

    /// The document.
    var text: String {
        let failures = cases.filter { $0.failure != nil }.count
        let time = seconds.map { " time=\"\(formatSeconds($0))\"" } ?? ""
        let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\""
        var xml = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<testsuites name=\"\(xmlEscape(name))\" \(counts)\(time)>",
            "  <testsuite name=\"\(xmlEscape(name))\" \(counts) skipped=\"0\"\(time)>",
            "    <properties>",
        ]
        xml += properties.map { "      <property name=\"\(xmlEscape($0.name))\" value=\"\(xmlEscape($0.value))\"/>" }
        xml.append("    </properties>")
        for c in cases {
            let open = "    <testcase classname=\"\(xmlEscape(c.classname))\" name=\"\(xmlEscape(c.name))\" time=\"0\""
            guard let failure = c.failure else {
                xml.append(open + "/>")
                continue
            }
            xml.append(open + ">")
            xml.append("      <failure message=\"\(xmlEscape(failure.message))\" type=\"\(failureType)\">\(xmlEscape(failure.text))</failure>")
            xml.append("    </testcase>")
        }
        xml += ["  </testsuite>", "</testsuites>"]
        return xml.joined(separator: "\n") + "\n"
    }
}
