import CLibPQ

extension PGConnection {
    /// Why a conninfo string (URI or key=value) does not parse, in libpq's words with every quoted part left out
    /// (libpq quotes the text it stumbled on, which may be the password); nil when it parses.
    ///
    /// Position numbers and syntax characters (`":"`, `"/"`, `"="`, `"]"`) stay.
    public static func conninfoProblem(_ conninfo: String) -> String? {
        var error: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(conninfo, &error) {
            PQconninfoFree(options)
            return nil
        }
        defer { if let error { PQfreemem(error) } }
        let message = error.map { String(cString: $0) } ?? "out of memory"
        return redactingQuotes(message.trimmingTrailingNewlines())
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
