/// Everything a call needs from the unit's configuration; defaults are the shipped behaviour.
public struct CallConfig: Sendable, Equatable {
    /// Audio frames per second: every time in the engine is counted in these.
    public var framesPerSecond: Int = 8000
    /// The national emergency number the greeting tells callers in danger to dial.
    public var emergencyNumber: String = "112"
    /// Caller speech this long stops a playing prompt.
    public var speechBargeInMs: Int = 200
    /// Speech paused a prompt: it restarts this long after the caller stops.
    public var resumeAfterSpeechMs: Int = 500
    /// A prompt paused this long (the caller keeps talking) restarts anyway.
    public var maxPauseMs: Int = 6000
    /// A prompt paused this many times plays through (noise or a caller talking to someone else).
    public var maxPausesPerPrompt: Int = 3
    /// No speech and no key this long after the safety sentence: the "press 5 twice" prompt.
    public var silentPromptMs: Int = 8000
    /// No speech and no key this long from the answer: urgent hand-off (UK "Silent Solution"; at most 30 s).
    public var silentHandoffMs: Int = 25_000
    /// Languages whose keywords the unit spots; elsewhere prompts play their keys-only variant (`<id>_keys`).
    public var speechLanguages: Set<String> = ["en"]
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
    /// The queue a caller waits in when every target failed.
    public var queue = QueueConfig()
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

/// The priority queue a caller who asked for a person (or was flagged) waits in: never a hang-up.
public struct QueueConfig: Sendable, Equatable {
    /// Position and wait are announced about this often (only when they improved; else "still waiting").
    public var announceEveryMs: Int = 30_000
    /// The targets are tried again this often while the caller waits.
    public var retryEveryMs: Int = 30_000
    /// After this long in the queue (every target failing), the line goes to the board's bypass relay (agent line).
    public var bypassAfterMs: Int = 180_000
    /// Estimated wait per caller ahead (and for the caller's own turn).
    public var waitPerCallerMs: Int = 60_000

    /// The shipped queue.
    public init() {}
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
