/// Text for an XML attribute or element: markup characters as entities.
///
/// The characters XML 1.0 cannot hold (controls, U+FFFE, U+FFFF) and those that reorder text
/// (`TerminalText`) are shown as `\u{..}`.
func xmlEscape(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
        default:
            // XML 1.0 forbids most control characters even as references.
            let unfit = TerminalText.isUnsafe(scalar) || scalar.value == 0xFFFE || scalar.value == 0xFFFF
            out += unfit ? TerminalText.escape(scalar) : String(scalar)
        }
    }
    return out
}
