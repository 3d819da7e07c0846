/// A DTMF key going down or up, at absolute frame offsets in the detector's input stream.
public struct DTMFEvent: Sendable, Equatable, CustomStringConvertible {
    /// Whether the key went down (tone confirmed) or up (tone ended).
    public enum Kind: Sendable, Equatable {
        /// The tone has been confirmed; reported once per digit, about 30 ms after its onset.
        case keyDown
        /// The tone has ended; `durationFrames` is the tone's estimated length.
        case keyUp
    }

    /// Key-down or key-up.
    public var kind: Kind
    /// The digit: one of `0123456789*#ABCD`.
    public var digit: Character
    /// Frame offset at which the detector decided (input frames consumed at that point).
    public var frame: Int
    /// Estimated frame offset of the tone's onset.
    public var startFrame: Int
    /// Key-down: frames from the estimated onset to the decision; key-up: the tone's estimated duration.
    public var durationFrames: Int

    /// Creates an event.
    public init(kind: Kind, digit: Character, frame: Int, startFrame: Int, durationFrames: Int) {
        self.kind = kind
        self.digit = digit
        self.frame = frame
        self.startFrame = startFrame
        self.durationFrames = durationFrames
    }

    /// A short human-readable form such as `5↓@1234`.
    public var description: String {
        "\(digit)\(kind == .keyDown ? "↓" : "↑")@\(frame) start=\(startFrame) dur=\(durationFrames)"
    }
}

/// The DTMF keypad: digits and their low-group (row) and high-group (column) frequencies.
public enum DTMFKeypad {
    /// Low-group (row) frequencies in Hz.
    public static let rowFrequenciesHz: [Double] = [697, 770, 852, 941]
    /// High-group (column) frequencies in Hz.
    public static let columnFrequenciesHz: [Double] = [1209, 1336, 1477, 1633]
    /// Digits by row then column.
    public static let keys: [[Character]] = [
        ["1", "2", "3", "A"],
        ["4", "5", "6", "B"],
        ["7", "8", "9", "C"],
        ["*", "0", "#", "D"],
    ]
    /// All sixteen digits.
    public static let allDigits: [Character] = Array("123A456B789C*0#D")

    /// The row and column frequencies of `digit`, or nil when it is not a DTMF digit.
    public static func frequencies(of digit: Character) -> (lowHz: Double, highHz: Double)? {
        let upper = Character(digit.uppercased())
        for (row, keysInRow) in keys.enumerated() {
            if let column = keysInRow.firstIndex(of: upper) {
                return (rowFrequenciesHz[row], columnFrequenciesHz[column])
            }
        }
        return nil
    }
}
