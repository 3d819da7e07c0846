/// Everything a call needs from the unit's configuration; defaults are the shipped behaviour.
public struct CallConfig: Sendable, Equatable {
    /// Audio frames per second: every time in the engine is counted in these.
    public var framesPerSecond: Int = 8000
    /// The national emergency number the greeting tells callers in danger to dial.
    public var emergencyNumber: String = "112"
    /// Caller speech this long stops a playing prompt.
    public var speechBargeInMs: Int = 200
    /// Call time after which a caller still in the menu is handed to a person.
    public var personBoundMs: Int = 60_000
    /// A prompt whose end is never reported counts as finished after this long.
    public var maxPromptMs: Int = 30_000
    /// Keyword hits below this confidence are logged and ignored.
    public var keywordMinConfidence: Double = 0.5
    /// Callback promise spoken to the caller.
    public var callbackWithinMinutes: Int = 30
    /// Digit that accepts the callback offer.
    public var callbackConfirmDigit: Character = "1"
    /// How long to wait for an answer to the callback offer before recording it anyway.
    public var callbackReplyMs: Int = 10_000
    /// Warm hand-off plan.
    public var handoff = HandoffConfig()
    /// Emergency day pass policy.
    public var dayPass = DayPassPolicy()
    /// Distress signals, weights and thresholds.
    public var distress = DistressConfig()

    /// The shipped defaults.
    public init() {}

    /// Milliseconds as audio frames (rounded down, at least 1 for a positive time).
    public func frames(ms: Int) -> Int {
        ms <= 0 ? 0 : max(1, ms * framesPerSecond / 1000)
    }
}

/// Where and how a hand-off rings people.
public struct HandoffConfig: Sendable, Equatable {
    /// Agent extensions or numbers, tried in order.
    public var targets: [HandoffTarget] = []
    /// Hook-flash length.
    public var flashMs: Int = 600
    /// How long to wait for dial tone after a flash before giving up on the target.
    public var dialToneWaitMs: Int = 3000
    /// A whisper whose end is never reported counts as finished after this long.
    public var whisperMaxMs: Int = 10_000

    /// Makes a hand-off configuration.
    public init(targets: [HandoffTarget] = [], flashMs: Int = 600, dialToneWaitMs: Int = 3000,
                whisperMaxMs: Int = 10_000) {
        self.targets = targets
        self.flashMs = flashMs
        self.dialToneWaitMs = dialToneWaitMs
        self.whisperMaxMs = whisperMaxMs
    }
}

/// One person (or group) to hand calls to.
public struct HandoffTarget: Sendable, Equatable {
    /// Name for logs ("night desk").
    public var name: String
    /// Digits to dial.
    public var dial: String
    /// Give up on this target after ringing this long.
    public var ringTimeoutMs: Int

    /// Makes a target.
    public init(name: String, dial: String, ringTimeoutMs: Int = 20_000) {
        self.name = name
        self.dial = dial
        self.ringTimeoutMs = ringTimeoutMs
    }
}
