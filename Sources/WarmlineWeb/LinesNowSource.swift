/// What the running unit reports about itself right now (its control socket answers this); nil: the service is not running.
public protocol LinesNowSource: Sendable {
    /// The unit's state now, or nil when no service answers.
    func snapshot() async -> UnitSnapshot?
}

/// The running unit's state at one moment: its lines, its queue, its store and its speech models.
public struct UnitSnapshot: Sendable, Equatable {
    /// Every line, in line-number order.
    public var lines: [LineNow]
    /// Callers waiting in the unit's queue for a person.
    public var queueLength: Int
    /// Events queued in the event writer, not yet committed.
    public var storeQueueDepth: Int
    /// Speech models and whether each is loaded.
    public var speechModels: [SpeechModelNow]

    /// Makes a snapshot.
    public init(lines: [LineNow], queueLength: Int, storeQueueDepth: Int, speechModels: [SpeechModelNow]) {
        self.lines = lines
        self.queueLength = queueLength
        self.storeQueueDepth = storeQueueDepth
        self.speechModels = speechModels
    }
}

/// One phone line as the unit sees it now.
public struct LineNow: Sendable, Equatable {
    /// Line number as printed on the unit.
    public var number: Int
    /// `idle`, `ringing`, `in call`, `hand-off`, `queued`, or `down` (board link lost).
    public var state: String
    /// True while the line is on the bypass relay (straight to the agent line).
    public var inBypass: Bool
    /// True while the board link answers.
    public var up: Bool
    /// The call on the line, if any.
    public var callID: String?
    /// Its caller ID as delivered (untrusted text).
    public var callerID: String?
    /// Since when the line has been in this state, milliseconds since 1970.
    public var sinceMs: Int64?

    /// Makes a line's state.
    public init(number: Int, state: String, inBypass: Bool = false, up: Bool = true, callID: String? = nil, callerID: String? = nil,
                sinceMs: Int64? = nil) {
        self.number = number
        self.state = state
        self.inBypass = inBypass
        self.up = up
        self.callID = callID
        self.callerID = callerID
        self.sinceMs = sinceMs
    }
}

/// One speech model's state.
public struct SpeechModelNow: Sendable, Equatable {
    /// `pocketsphinx-en`, `moonshine-base-en`, ...
    public var name: String
    /// `ready`, `loading`, `missing` or `failed`.
    public var state: String

    /// Makes a model state.
    public init(name: String, state: String) {
        self.name = name
        self.state = state
    }
}

/// The source used until the unit's control socket is wired in: always "service not running".
public struct ServiceNotRunning: LinesNowSource {
    /// Makes the source.
    public init() {}

    /// Always nil: no running service is asked.
    public func snapshot() async -> UnitSnapshot? { nil }
}
