extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    /// `"timestamp"` → `timestamp`; other names as they are.
    var unquotedIdentifier: String {
        hasPrefix("\"") && hasSuffix("\"") && count >= 2 ? String(dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") : String(self)
    }
}
