extension String {
    /// The text up to its first line break (blank lines before it skipped); empty for an empty text.
    var firstLine: String { split(separator: "\n").first.map(String.init) ?? "" }

    func replacingNewlines(with replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
