import Testing
import WarmlineText

@Suite("Terminal text")
struct TerminalTextTests {
    @Test("Escape sequences, control characters, C1 controls and bidi overrides are shown, not sent")
    func escapes() {
        #expect(TerminalText.escaped("+1555\u{1b}[2J0402") == "+1555\\x1b[2J0402")
        #expect(TerminalText.escaped("a\u{07}b\u{7f}c\u{0}") == "a\\x07b\\x7fc\\x00")
        #expect(TerminalText.escaped("\u{9b}31m") == "\\u{9b}31m")
        #expect(TerminalText.escaped("abc\u{202e}fed") == "abc\\u{202e}fed")
        #expect(TerminalText.escaped("line\r\nnext") == "line\\x0d\\x0anext")
        #expect(TerminalText.escaped("line\r\nnext", keepNewlines: true) == "line\\x0d\nnext")
    }

    @Test("Ordinary text, accents and Cyrillic pass unchanged, and escaping twice changes nothing more")
    func plainText() {
        for text in ["+380501234567", "Ana López", "Київ", "day pass granted; balance zero"] {
            #expect(TerminalText.escaped(text) == text)
        }
        let once = TerminalText.escaped("\u{1b}]0;owned\u{07}")
        #expect(TerminalText.escaped(once) == once)
        #expect(!once.unicodeScalars.contains { $0.value < 0x20 })
    }
}
