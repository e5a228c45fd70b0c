/// Text from a store or a bundle made safe to show on a terminal, in a report or a CI page.
///
/// Control characters (C0, DEL, C1: escape sequences start with them) and the Unicode controls
/// that reorder or hide text (bidi embeddings, overrides and isolates, marks, zero-width joiners
/// in names) are shown as `\u{..}`; everything else stays as it is.
enum TerminalText {
    /// True for a scalar that must not reach a terminal as it is.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: true
        default: false
        }
    }

    /// The scalar as an escape: `\u{1b}`.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16))}"
    }
}

/// A name from a store or bundle (a table, a column, a revision) for messages: unchanged when it
/// is plain, its unsafe characters escaped otherwise.
func displayName(_ name: String) -> String {
    guard name.unicodeScalars.contains(where: TerminalText.isUnsafe) else { return name }
    var out = ""
    for scalar in name.unicodeScalars {
        if TerminalText.isUnsafe(scalar) { out += TerminalText.escape(scalar) } else { out.unicodeScalars.append(scalar) }
    }
    return out
}
