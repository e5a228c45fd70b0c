/// Markdown that text from a store cannot break out of: code spans and fences longer than any
/// run of backticks inside them, table cells with `|` and line breaks escaped.
enum Markdown {
    /// An inline code span holding `text` as it is.
    static func code(_ text: String) -> String {
        let fence = String(repeating: "`", count: longestBacktickRun(text) + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + displayName(text) + pad + fence
    }

    /// A fenced code block holding `lines` as they are.
    static func fenced(_ lines: [String]) -> [String] {
        let fence = String(repeating: "`", count: max(3, lines.map(longestBacktickRun).max() ?? 0) + 1)
        return [fence] + lines.map(displayName) + [fence]
    }

    /// A table cell: `|` escaped, line breaks as spaces.
    static func cell(_ text: String?) -> String {
        displayName((text ?? "").replacingOccurrences(of: "\n", with: " ")).replacingOccurrences(of: "|", with: "\\|")
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
