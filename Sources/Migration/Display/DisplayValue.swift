/// Shortens a value for display: quoted, control and text-reordering characters escaped
/// (`TerminalText`), at most `limit` characters.
public func displayValue(_ text: String, limit: Int = 60) -> String {
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == limit {
            out += "…"
            break
        }
        switch scalar {
        case "\0": out += "\\0"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "'": out += "\\'"
        case "\\": out += "\\\\"
        case _ where TerminalText.isUnsafe(scalar): out += TerminalText.escape(scalar)
        default: out.unicodeScalars.append(scalar)
        }
        count += 1
    }
    return "'\(out)'"
}
