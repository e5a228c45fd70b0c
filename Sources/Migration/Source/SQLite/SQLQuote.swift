/// Quotes an SQL identifier with double quotes (the same rule in SQLite and PostgreSQL).
func sqlQuote(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// Quotes a string as an SQL literal with single quotes (the same rule in SQLite and PostgreSQL).
func sqlLiteral(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
}
