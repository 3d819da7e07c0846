/// One distress signal's weight and the level at which it fires.
public struct SignalRule: Sendable, Equatable {
    /// Points added to the score when the signal fires.
    public var weight: Double
    /// Level at which the signal fires (its unit depends on the signal; see `DistressConfig`).
    public var threshold: Double

    /// Makes a rule.
    public init(weight: Double, threshold: Double) {
        self.weight = weight
        self.threshold = threshold
    }
}

/// The distress signals, their weights and thresholds. Each signal fires at most once per call.
public struct DistressConfig: Sendable, Equatable {
    /// Score at or above which the call is handed off at once.
    public var handoffScore: Double = 1.0
    /// Presses of the emergency digit (the digit itself is in menu.yaml `everywhere.emergency`).
    public var emergencyDigit = SignalRule(weight: 1.0, threshold: 1)
    /// Minimum confidence of a distress keyword hit.
    public var distressKeyword = SignalRule(weight: 1.0, threshold: 0.5)
    /// Digits within `keyMashingWindowMs`.
    public var keyMashing = SignalRule(weight: 0.5, threshold: 4)
    /// Window for key mashing.
    public var keyMashingWindowMs: Int = 1500
    /// Invalid inputs in the call.
    public var repeatedInvalid = SignalRule(weight: 0.3, threshold: 2)
    /// Presses of the person digit in the call.
    public var repeatedZero = SignalRule(weight: 0.3, threshold: 2)
    /// Loudness above the caller's own baseline, dB.
    public var raisedVoice = SignalRule(weight: 0.4, threshold: 10)
    /// Pitch over the caller's own baseline, as a ratio.
    public var raisedPitch = SignalRule(weight: 0.3, threshold: 1.3)
    /// The baseline is the caller's voice over this long from their first voiced segment.
    public var baselineMs: Int = 3000
    /// Voice samples needed before the baseline is trusted.
    public var baselineMinSamples: Int = 3
    /// Earlier calls from the same caller ID within `repeatCallerWindowMinutes`.
    public var repeatCaller = SignalRule(weight: 0.3, threshold: 2)
    /// Window for repeat calls.
    public var repeatCallerWindowMinutes: Int = 15
    /// Known balance at or below this (minor units).
    public var zeroBalance = SignalRule(weight: 0.3, threshold: 0)
    /// Weight of a call in night hours (unit local time).
    public var nightWeight: Double = 0.2
    /// Night starts at this local hour.
    public var nightStartHour: Int = 23
    /// Night ends at this local hour.
    public var nightEndHour: Int = 6

    /// The shipped weights.
    public init() {}
}

/// The signals that make up the distress score.
public enum DistressSignal: String, Sendable, Equatable, CaseIterable {
    /// The caller pressed the emergency digit.
    case emergencyDigit = "emergency_digit"
    /// The caller said a distress word.
    case distressKeyword = "distress_keyword"
    /// Many digits in a short time.
    case keyMashing = "key_mashing"
    /// Repeated invalid input.
    case repeatedInvalid = "repeated_invalid"
    /// Repeated presses of the person digit.
    case repeatedZero = "repeated_zero"
    /// Louder than the caller's own first seconds.
    case raisedVoice = "raised_voice"
    /// Higher pitch than the caller's own first seconds.
    case raisedPitch = "raised_pitch"
    /// Several calls from this caller ID within minutes.
    case repeatCaller = "repeat_caller"
    /// Balance at zero.
    case zeroBalance = "zero_balance"
    /// A call in the night.
    case nightHours = "night_hours"
}

/// A signal that fired, with the value that made it fire: the explanation of the score.
public struct DistressFiring: Sendable, Equatable {
    /// Which signal.
    public var signal: DistressSignal
    /// The observed value, as text ("5 digits in 1500 ms", "+12.5 dB").
    public var value: String
    /// Points it added.
    public var weight: Double
    /// The score after adding it.
    public var scoreAfter: Double
    /// Short phrase for the agent whisper ("said 'help'").
    public var phrase: String
}

/// Adds up distress signals for one call; pure, fed by the engine.
public struct DistressScorer: Sendable {
    /// The rules in use.
    public let config: DistressConfig
    /// Current score.
    public private(set) var score: Double = 0
    /// Every signal that fired, in order.
    public private(set) var firings: [DistressFiring] = []
    private var recentDigitFrames: [Int] = []
    private var emergencyPresses = 0
    private var invalidInputs = 0
    private var personPresses = 0
    private var baselineStartFrame: Int?
    private var baselineLoudness: [Double] = []
    private var baselinePitch: [Double] = []
    private let framesPerSecond: Int

    /// A scorer at zero.
    public init(config: DistressConfig, framesPerSecond: Int) {
        self.config = config
        self.framesPerSecond = framesPerSecond
    }

    /// Signals from what the caller said and how: the only evidence a provisional day pass accepts (keys are not).
    public static let spokenSignals: Set<DistressSignal> = [.distressKeyword, .raisedVoice, .raisedPitch]

    /// The part of the score from spoken signals (words, raised voice and pitch).
    public var spokenScore: Double {
        firings.filter { Self.spokenSignals.contains($0.signal) }.reduce(0) { $0 + $1.weight }
    }

    /// True once the score reached the hand-off level.
    public var isOverThreshold: Bool { score >= config.handoffScore }

    /// Signals known at call start: repeat caller, zero balance, night hours.
    public mutating func observeCallStart(_ context: CallContext) -> [DistressFiring] {
        var fired: [DistressFiring] = []
        let windowSeconds = Int64(config.repeatCallerWindowMinutes) * 60
        let recent = context.earlierCallsAt.filter {
            $0 <= context.startedAt && context.startedAt.secondsSinceEpoch - $0.secondsSinceEpoch <= windowSeconds
        }.count
        if context.callerID != nil, Double(recent) >= config.repeatCaller.threshold {
            fired += fire(.repeatCaller, config.repeatCaller.weight,
                          value: "\(recent) earlier calls in \(config.repeatCallerWindowMinutes) min",
                          phrase: "called \(recent + 1) times in \(config.repeatCallerWindowMinutes) minutes")
        }
        if case .known(let amount) = context.balance, Double(amount) <= config.zeroBalance.threshold {
            fired += fire(.zeroBalance, config.zeroBalance.weight, value: "balance \(amount)", phrase: "balance zero")
        }
        let hour = context.startedAt.local.hour
        let isNight = config.nightStartHour > config.nightEndHour
            ? (hour >= config.nightStartHour || hour < config.nightEndHour)
            : (hour >= config.nightStartHour && hour < config.nightEndHour)
        if isNight {
            fired += fire(.nightHours, config.nightWeight, value: "local hour \(hour)", phrase: "night call")
        }
        return fired
    }

    /// A digit: key mashing; the emergency and person digits are reported separately.
    public mutating func observeDigit(atFrame frame: Int) -> [DistressFiring] {
        let window = config.keyMashingWindowMs * framesPerSecond / 1000
        recentDigitFrames.append(frame)
        recentDigitFrames.removeAll { frame - $0 > window }
        guard Double(recentDigitFrames.count) >= config.keyMashing.threshold else { return [] }
        return fire(.keyMashing, config.keyMashing.weight,
                    value: "\(recentDigitFrames.count) digits in \(config.keyMashingWindowMs) ms",
                    phrase: "frantic key presses")
    }

    /// The emergency digit was pressed.
    public mutating func observeEmergencyDigit(_ digit: Character) -> [DistressFiring] {
        emergencyPresses += 1
        guard Double(emergencyPresses) >= config.emergencyDigit.threshold else { return [] }
        return fire(.emergencyDigit, config.emergencyDigit.weight, value: "pressed \(digit) x\(emergencyPresses)",
                    phrase: "pressed \(digit)")
    }

    /// The person digit was pressed (again).
    public mutating func observePersonDigit(_ digit: Character) -> [DistressFiring] {
        personPresses += 1
        guard Double(personPresses) >= config.repeatedZero.threshold else { return [] }
        return fire(.repeatedZero, config.repeatedZero.weight, value: "pressed \(digit) x\(personPresses)",
                    phrase: "pressed \(digit) repeatedly")
    }

    /// An input matched no option.
    public mutating func observeInvalidInput() -> [DistressFiring] {
        invalidInputs += 1
        guard Double(invalidInputs) >= config.repeatedInvalid.threshold else { return [] }
        return fire(.repeatedInvalid, config.repeatedInvalid.weight, value: "\(invalidInputs) invalid inputs",
                    phrase: "repeated invalid input")
    }

    /// A distress keyword hit (already classed as distress).
    public mutating func observeDistressKeyword(_ hit: KeywordHit) -> [DistressFiring] {
        guard hit.confidence >= config.distressKeyword.threshold else { return [] }
        return fire(.distressKeyword, config.distressKeyword.weight,
                    value: "'\(hit.phrase)' confidence \(formatted(hit.confidence))", phrase: hit.spokenSummary)
    }

    /// Voice features: the first seconds build the caller's baseline, later ones are compared to it.
    public mutating func observeVoice(_ features: VoiceFeatures, atFrame frame: Int) -> [DistressFiring] {
        let start = baselineStartFrame ?? frame
        baselineStartFrame = start
        if frame - start <= config.baselineMs * framesPerSecond / 1000 {
            baselineLoudness.append(features.loudnessDB)
            if let pitch = features.pitchHz, pitch > 0 { baselinePitch.append(pitch) }
            return []
        }
        var fired: [DistressFiring] = []
        if baselineLoudness.count >= config.baselineMinSamples {
            let rise = features.loudnessDB - mean(baselineLoudness)
            if rise >= config.raisedVoice.threshold {
                fired += fire(.raisedVoice, config.raisedVoice.weight, value: "+\(formatted(rise)) dB over baseline",
                              phrase: "raised voice")
            }
        }
        if baselinePitch.count >= config.baselineMinSamples, let pitch = features.pitchHz {
            let ratio = pitch / mean(baselinePitch)
            if ratio >= config.raisedPitch.threshold {
                fired += fire(.raisedPitch, config.raisedPitch.weight,
                              value: "pitch x\(formatted(ratio)) of baseline", phrase: "raised pitch")
            }
        }
        return fired
    }

    /// Phrases of every fired signal, for the whisper.
    public var reasonPhrases: [String] { firings.map(\.phrase) }

    private mutating func fire(_ signal: DistressSignal, _ weight: Double, value: String,
                               phrase: String) -> [DistressFiring] {
        // weight 0 switches a signal off; each signal counts once per call
        guard weight > 0, !firings.contains(where: { $0.signal == signal }) else { return [] }
        score += weight
        let firing = DistressFiring(signal: signal, value: value, weight: weight, scoreAfter: score, phrase: phrase)
        firings.append(firing)
        return [firing]
    }

    private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
}

/// A number with two decimals, without Foundation.
func formatted(_ value: Double) -> String {
    let hundredths = Int((abs(value) * 100).rounded())
    let sign = value < 0 && hundredths > 0 ? "-" : ""
    let fraction = hundredths % 100
    return "\(sign)\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
