/// Untrusted text (caller IDs, names, CSV cells, YAML keys) made safe to print on a terminal.
public enum TerminalText {
    /// `text` with every control character, escape sequence introducer and bidirectional override shown as a
    /// visible escape (`\x1b`, `\x7f`, `\u{9b}`, `\u{202e}`); newlines are kept when `keepNewlines` (multi-line output).
    public static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if keepNewlines, value == 0x0A {
                out.unicodeScalars.append(scalar)
            } else if value < 0x20 || value == 0x7F {
                out += "\\x" + hex(value, width: 2)
            } else if (0x80...0x9F).contains(value) || isInvisibleControl(value) {
                out += "\\u{" + hex(value, width: 2) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Bidirectional embeddings, overrides and isolates, and the line/paragraph separators: they reorder or break lines.
    private static func isInvisibleControl(_ value: UInt32) -> Bool {
        (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x2028 || value == 0x2029
            || value == 0x200E || value == 0x200F || value == 0x061C
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
