/// A value from the user's input (a name, a level, a field, an option) as it is shown inside a message: invisible
/// characters made visible and long values cut, so the message stays short and explains itself.
///
/// - NUL, tab, line feed and carriage return appear as `\0`, `\t`, `\n`, `\r`; other control characters
///   (C0, DEL, C1) and invisible or look-alike spaces (no-break space U+00A0, soft hyphen, the U+2000–U+200F
///   spaces and joiners, line and paragraph separators, U+202F, U+205F–U+2064, U+3000, the byte-order mark
///   U+FEFF) appear as `\u{A0}`, so a level `'Nord\u{A0}'` is visibly not `'Nord'`.
/// - Values longer than ``limit`` characters are cut after ``limit`` characters and followed by
///   `… (N characters)`: a 10 MB field gives a message of about a hundred characters.
///
/// Every message of the library and of `weight-cli` that echoes a value from the input goes through this type.
public enum Echo {
    /// Characters of a value kept in a message before it is cut.
    public static let limit = 80

    /// The value escaped and cut, in single quotes: `'Nord\u{A0}'`.
    public static func quoted(_ value: some StringProtocol) -> String { "'" + text(value) + "'" }

    /// The value escaped and cut, without quotes (for labels such as `region=Nord` built from several values).
    public static func text(_ value: some StringProtocol) -> String {
        var out = ""
        var count = 0
        var cut = false
        for ch in value {
            if count == limit { cut = true; break }
            for scalar in ch.unicodeScalars { out += escaped(scalar) }
            count += 1
        }
        if cut {
            let total = value.count
            out += "… (\(total) characters)"
        }
        return out
    }

    /// A list of values (names), each escaped and cut, separated by commas, at most `maxItems` of them, then
    /// how many more.
    public static func list(_ values: [String], maxItems: Int = 12) -> String {
        let shown = values.prefix(maxItems).map { text($0) }.joined(separator: ", ")
        return values.count > maxItems ? shown + ", … (\(values.count - maxItems) more)" : shown
    }

    /// `true` when the value would be shown differently from its own text (it holds a character escaped here).
    public static func needsEscaping(_ value: some StringProtocol) -> Bool {
        value.unicodeScalars.contains { isInvisible($0) }
    }

    /// One scalar as shown.
    static func escaped(_ s: Unicode.Scalar) -> String {
        switch s.value {
        case 0x00: return "\\0"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        default:
            return isInvisible(s) ? "\\u{" + String(s.value, radix: 16, uppercase: true) + "}" : String(s)
        }
    }

    /// Control characters and characters that look like a space or like nothing.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0xA0, 0xAD, 0x034F, 0x061C, 0x115F, 0x1160, 0x1680, 0x180E: return true
        case 0x2000...0x200F, 0x2028...0x202F, 0x205F...0x206F: return true
        case 0x3000, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }
}
