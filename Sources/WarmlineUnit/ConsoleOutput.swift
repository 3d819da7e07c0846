import Foundation

/// Whole lines to stdout, written at once and unbuffered, so transcripts of several lines interleave by line.
public enum ConsoleOutput {
    private static let lock = NSLock()

    /// Writes `text` and a newline.
    public static func line(_ text: String) {
        lock.withLock { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }
}
