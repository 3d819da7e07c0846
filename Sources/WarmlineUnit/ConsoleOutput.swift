import Foundation
import Synchronization
import WarmlineText

/// Whole lines to stdout, written at once and unbuffered, so transcripts of several lines interleave by line.
public enum ConsoleOutput {
    /// Standard output, one whole line at a time.
    private static let output = Mutex(FileHandle.standardOutput)

    /// Writes `text` and a newline; control characters in it (a caller ID's escape codes) are shown escaped, never sent raw.
    public static func line(_ text: String) {
        let safe = TerminalText.escaped(text, keepNewlines: true)
        output.withLock { $0.write(Data((safe + "\n").utf8)) }
    }
}
