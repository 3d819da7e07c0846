/// An error from `DTMFGenerator` naming the input a technician must fix.
public enum DTMFGeneratorError: Error, Equatable, CustomStringConvertible {
    /// The dial string holds a character that is not a DTMF digit.
    case invalidDigit(Character, position: Int)

    /// The message shown to a technician.
    public var description: String {
        switch self {
        case let .invalidDigit(digit, position):
            "dial string: character '\(digit)' at position \(position + 1) is not a DTMF digit (use 0-9 * # A-D, ',' for a pause)"
        }
    }
}

/// Renders DTMF digits at a given level, twist and timing (for dialling and for tests).
///
/// Levels are dBm0 per tone (see `DBm0`). Twist is high-group level minus low-group level:
/// negative is "normal" twist (high tone weaker), positive is "reverse" twist.
public struct DTMFGenerator: Sendable {
    /// Output sample rate in Hz.
    public var sampleRate: Double
    /// Low-group (row) tone level in dBm0.
    public var lowLevelDBm0: Double
    /// High-group minus low-group level in dB.
    public var twistDB: Double
    /// Relative frequency error applied to both tones (0.015 = +1.5 %).
    public var frequencyOffset: Double
    /// Tone length per digit in milliseconds.
    public var toneMs: Double
    /// Silence after each digit in milliseconds (also the length of a ',' pause).
    public var pauseMs: Double

    /// Creates a generator; the defaults suit dialling on a PSTN line.
    public init(sampleRate: Double = 8000, lowLevelDBm0: Double = -7, twistDB: Double = 2,
                frequencyOffset: Double = 0, toneMs: Double = 80, pauseMs: Double = 80) {
        self.sampleRate = sampleRate
        self.lowLevelDBm0 = lowLevelDBm0
        self.twistDB = twistDB
        self.frequencyOffset = frequencyOffset
        self.toneMs = toneMs
        self.pauseMs = pauseMs
    }

    /// The tone of one digit as unquantized samples in Int16 units (for mixing before quantizing).
    public func waveform(_ digit: Character, durationFrames: Int, lowPhase: Double = 0, highPhase: Double = 0) throws -> [Double] {
        guard let f = DTMFKeypad.frequencies(of: digit) else { throw DTMFGeneratorError.invalidDigit(digit, position: 0) }
        let lowPeak = DBm0.sinePeak(levelDBm0: lowLevelDBm0)
        let highPeak = DBm0.sinePeak(levelDBm0: lowLevelDBm0 + twistDB)
        let wLow = 2 * DSPMath.pi * f.lowHz * (1 + frequencyOffset) / sampleRate
        let wHigh = 2 * DSPMath.pi * f.highHz * (1 + frequencyOffset) / sampleRate
        return (0..<max(0, durationFrames)).map { n in
            lowPeak * DSPMath.sin(wLow * Double(n) + lowPhase) + highPeak * DSPMath.sin(wHigh * Double(n) + highPhase)
        }
    }

    /// The tone of one digit as 16-bit samples.
    public func tone(_ digit: Character, durationFrames: Int) throws -> [Int16] {
        try waveform(digit, durationFrames: durationFrames).map(Self.quantize)
    }

    /// A whole dial string: each digit for `toneMs` then `pauseMs` of silence; ',' is a pause.
    public func dial(_ digits: String) throws -> [Int16] {
        let toneFrames = Int((toneMs * sampleRate / 1000).rounded())
        let pauseFrames = Int((pauseMs * sampleRate / 1000).rounded())
        var out: [Int16] = []
        for (position, digit) in digits.enumerated() {
            if digit == "," {
                out += Array(repeating: 0, count: pauseFrames)
                continue
            }
            guard DTMFKeypad.frequencies(of: digit) != nil else {
                throw DTMFGeneratorError.invalidDigit(digit, position: position)
            }
            out += try tone(digit, durationFrames: toneFrames)
            out += Array(repeating: 0, count: pauseFrames)
        }
        return out
    }

    /// Rounds and clips a sample to Int16.
    public static func quantize(_ value: Double) -> Int16 {
        let r = value.rounded()
        if r >= 32767 { return .max }
        if r <= -32768 { return .min }
        return Int16(r)
    }
}
