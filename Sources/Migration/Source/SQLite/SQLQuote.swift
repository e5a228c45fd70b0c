/// Quotes an SQL identifier with double quotes (the same rule in SQLite and PostgreSQL).
func sqlQuote(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
