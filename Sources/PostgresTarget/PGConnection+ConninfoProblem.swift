import CLibPQ

extension PGConnection {
    /// Why a conninfo string (URI or key=value) does not parse, in libpq's words with every quoted part left out
    /// (libpq quotes the text it stumbled on, which may be the password); nil when it parses.
    ///
    /// Position numbers and syntax characters (`":"`, `"/"`, `"="`, `"]"`) stay.
    public static func conninfoProblem(_ conninfo: String) -> String? {
        // Like libpq's dbname expansion: anything else is a plain database name.
        guard conninfo.contains("=") || conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") else { return nil }
        var error: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(conninfo, &error) {
            PQconninfoFree(options)
            return nil
        }
        defer { if let error { PQfreemem(error) } }
        let message = error.map { String(cString: $0) } ?? "out of memory"
        return redactingQuotes(message.trimmingTrailingNewlines())
    }

    /// libpq's message about a failed connection with every quoted part that also occurs in the
    /// conninfo left out: a mistyped URI can put the password where libpq expects a port.
    static func redacting(_ message: String, from conninfo: String?) -> String {
        guard let conninfo, mayHoldPassword(conninfo) else { return message }
        var out = ""
        var rest = Substring(message)
        while let open = rest.firstIndex(of: "\""), let close = rest[rest.index(after: open)...].firstIndex(of: "\"") {
            let quoted = rest[rest.index(after: open)..<close]
            out += rest[..<open] + (quoted.count > 1 && conninfo.contains(quoted) ? "\"…\"" : "\"\(quoted)\"")
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// True when a conninfo carries a password or looks as if it meant to (`user:secret@` in a URI,
    /// which libpq may split elsewhere when it is mistyped).
    static func mayHoldPassword(_ conninfo: String) -> Bool {
        if conninfoHasPassword(conninfo) || conninfo.contains("password") { return true }
        guard let scheme = conninfo.firstRange(of: "://"), let at = conninfo.lastIndex(of: "@"), scheme.upperBound <= at else { return false }
        return conninfo[scheme.upperBound..<at].contains(":")
    }

    /// The text with each double-quoted part replaced by `"…"`, except single syntax characters.
    static func redactingQuotes(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "\"") {
            out += rest[..<open]
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "\"") else {
                out += "\"…"
                return out
            }
            let quoted = rest[after..<close]
            out += [":", "/", "=", "]", "@", "?"].contains(quoted) ? "\"\(quoted)\"" : "\"…\""
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
