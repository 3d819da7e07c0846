import Foundation
import WarmlineText

/// Whole lines to stdout, written at once and unbuffered, so transcripts of several lines interleave by line.
public enum ConsoleOutput {
    private static let lock = NSLock()

    /// Writes `text` and a newline; control characters in it (a caller ID's escape codes) are shown escaped, never sent raw.
    public static func line(_ text: String) {
        let safe = TerminalText.escaped(text, keepNewlines: true)
        lock.withLock { FileHandle.standardOutput.write(Data((safe + "\n").utf8)) }
    }
}
