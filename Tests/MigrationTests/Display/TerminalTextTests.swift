import XCTest

@testable import Migration

/// What a store holds cannot drive a terminal, reorder text, or break out of a report's markup.
final class TerminalTextTests: XCTestCase {
    func testValuesAndNamesEscapeControlsAndBidi() {
        XCTAssertEqual(displayValue("red\u{1b}[31m"), "'red\\u{1b}[31m'")
        XCTAssertEqual(displayValue("a\u{202e}b\u{9b}c\u{7f}"), "'a\\u{202e}b\\u{9b}c\\u{7f}'")
        XCTAssertEqual(displayValue("tab\tnew\nline"), "'tab\\tnew\\nline'")
        XCTAssertEqual(displayValue("ラン 🏃 прогон"), "'ラン 🏃 прогон'")
        XCTAssertEqual(displayName("params"), "params")
        XCTAssertEqual(displayName("we\"ird; DROP TABLE runs; --"), "we\"ird; DROP TABLE runs; --")
        XCTAssertEqual(displayName("esc\u{1b}[2Jx\u{2066}y\u{200b}"), "esc\\u{1b}[2Jx\\u{2066}y\\u{200b}")
    }

    func testMarkdownCannotBeBrokenOutOf() {
        XCTAssertEqual(Markdown.code("plain"), "`plain`")
        XCTAssertEqual(Markdown.code("a`b"), "``a`b``")
        XCTAssertEqual(Markdown.code("`x"), "`` `x ``")
        XCTAssertEqual(Markdown.fenced(["value ``` then", "````"]), ["`````", "value ``` then", "````", "`````"])
        XCTAssertEqual(Markdown.fenced(["plain"]), ["````", "plain", "````"])
        XCTAssertEqual(Markdown.cell("a|b\nc"), "a\\|b c")
        XCTAssertEqual(Markdown.cell(nil), "")
    }

    func testXML() {
        XCTAssertEqual(xmlEscape("<a & 'b'>\"\u{1b}"), "&lt;a &amp; &apos;b&apos;&gt;&quot;\\u{1b}")
    }

    /// A verify report whose differing row holds a fence cannot end the report's code block.
    func testVerifyMarkdownKeepsDifferencesInsideTheirFence() {
        let difference = VerifyReport.RowDifference(
            table: "params", key: [ColumnValue(column: "key", value: "'k'")], kind: "changed",
            columns: [.init(column: "value", source: "'```\\n# Owned'", target: "'x'")], sourceOnly: [], targetOnly: [])
        let report = VerifyReport(
            tool: "mlflow-verify", source: "s.db", target: "t", revision: "r",
            checks: [.init(check: "content", table: "params", passed: false, source: "a", target: "b", detail: nil)],
            differences: [difference], seriesDifferences: [], differencesTruncated: false, seconds: 1)
        let lines = report.markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let open = lines.firstIndex { $0.hasPrefix("````") }
        XCTAssertNotNil(open, report.markdown)
        let fence = lines[open!]
        let close = lines[(open! + 1)...].firstIndex { $0 == fence }
        XCTAssertNotNil(close, report.markdown)
        XCTAssertTrue(lines[(open! + 1)..<close!].joined().contains("```"), report.markdown)
    }
}
