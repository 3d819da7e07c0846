/// One thing the engine asks the unit to do, in order.
public enum CallAction: Sendable, Equatable {
    /// Play a prompt to the caller; report `.promptFinished(playbackID:)` when it ends.
    case playPrompt(PromptRequest)
    /// Stop the prompt now playing (barge-in or pre-emption).
    case stopPrompt
    /// Hook-flash for this long (puts the caller on hold, or returns to the caller).
    case flash(ms: Int)
    /// Dial this target on the consultation leg.
    case dial(String)
    /// Speak this one-sentence summary to the answered agent only; report `.promptFinished` when done.
    case whisper(playbackID: Int, text: String)
    /// Complete the warm transfer (hang up the unit's side so caller and agent stay joined).
    case completeTransfer
    /// Hang up the line (only after the far end left, or the caller chose to end the call).
    case hangUp
    /// Hand the line to the board's bypass relay (the agent line); Warmline's part of the call ends, the caller stays.
    case releaseToBypass
    /// Record this event in the call log.
    case log(CallLogEvent)
    /// Grant an emergency day pass (store: ledger + outbox, idempotent on the key).
    case grantDayPass(DayPassGrant)
    /// Record a callback request.
    case recordCallback(CallbackRequest)
}

/// A prompt to play: id from the catalog, language, and placeholder values.
public struct PromptRequest: Sendable, Equatable {
    /// Playback id the player echoes in `.promptFinished`.
    public var playbackID: Int
    /// Prompt id in `Prompts/<lang>/prompts.yaml`.
    public var promptID: String
    /// Language code (en, uk, tr).
    public var language: String
    /// Placeholder values, already formatted for the language.
    public var placeholders: [String: String]

    /// Makes a prompt request.
    public init(playbackID: Int, promptID: String, language: String, placeholders: [String: String] = [:]) {
        self.playbackID = playbackID
        self.promptID = promptID
        self.language = language
        self.placeholders = placeholders
    }
}

/// An emergency day pass to grant.
public struct DayPassGrant: Sendable, Equatable {
    /// Same for every retry of this grant, in this call or after a restart: the store grants once per key.
    public var idempotencyKey: String
    /// Who gets the pass.
    public var callerID: String
    /// When it starts, unit wall time.
    public var grantedAt: WallTime
    /// When it ends.
    public var expiresAt: WallTime
    /// True when granted although the balance was unknown, because the caller is in distress.
    public var failOpen: Bool
    /// Why the pass was granted.
    public var reason: String

    /// Makes a grant.
    public init(idempotencyKey: String, callerID: String, grantedAt: WallTime, expiresAt: WallTime,
                failOpen: Bool, reason: String) {
        self.idempotencyKey = idempotencyKey
        self.callerID = callerID
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
        self.failOpen = failOpen
        self.reason = reason
    }
}

/// A callback to record after every hand-off target failed.
public struct CallbackRequest: Sendable, Equatable {
    /// The number to call back; nil when the network sent no caller ID.
    public var callerID: String?
    /// When the request was taken.
    public var requestedAt: WallTime
    /// The promise made to the caller.
    public var withinMinutes: Int
    /// True when the caller pressed the confirm digit; false when recorded without an answer.
    public var confirmedByCaller: Bool
    /// True for a caller in distress: call back first.
    public var urgent: Bool
    /// The hand-off summary, for whoever calls back.
    public var summary: String

    /// Makes a callback request.
    public init(callerID: String?, requestedAt: WallTime, withinMinutes: Int, confirmedByCaller: Bool,
                urgent: Bool, summary: String) {
        self.callerID = callerID
        self.requestedAt = requestedAt
        self.withinMinutes = withinMinutes
        self.confirmedByCaller = confirmedByCaller
        self.urgent = urgent
        self.summary = summary
    }
}
