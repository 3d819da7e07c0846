import GRDB

/// One call on one line: who, when, how it ended, and where it was handed off.
public struct CallRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table these records live in.
    public static let databaseTableName = "calls"
    /// snake_case columns to camelCase properties (`caller_id` → `callerID`).
    public static let databaseColumnDecodingStrategy = StoreColumns.decoding
    /// camelCase properties to snake_case columns.
    public static let databaseColumnEncodingStrategy = StoreColumns.encoding

    /// The call id the engine chose; events carry it.
    public var id: String
    /// Board line number (1-based).
    public var line: Int
    /// Caller ID as delivered by the network, if any.
    public var callerID: String?
    /// Wall time the line rang, milliseconds since 1970.
    public var startedAtMs: Int64
    /// Wall time Warmline answered, if it did.
    public var answeredAtMs: Int64?
    /// Wall time the call ended, if it has.
    public var endedAtMs: Int64?
    /// How the call ended: one of `CallOutcome`.
    public var outcome: String?
    /// Prompt language used (`en`, `uk`, `tr`, ...).
    public var language: String?
    /// The agent target that took the call, if a hand-off completed.
    public var handoffTarget: String?
    /// Audio time from the hand-off decision to the agent answering, in milliseconds.
    public var handoffLatencyMs: Int64?

    /// Makes a call record; only the id, line and start are required.
    public init(id: String, line: Int, callerID: String? = nil, startedAtMs: Int64, answeredAtMs: Int64? = nil,
                endedAtMs: Int64? = nil, outcome: String? = nil, language: String? = nil,
                handoffTarget: String? = nil, handoffLatencyMs: Int64? = nil) {
        self.id = id
        self.line = line
        self.callerID = callerID
        self.startedAtMs = startedAtMs
        self.answeredAtMs = answeredAtMs
        self.endedAtMs = endedAtMs
        self.outcome = outcome
        self.language = language
        self.handoffTarget = handoffTarget
        self.handoffLatencyMs = handoffLatencyMs
    }
}

/// The values of `calls.outcome`, in one place so the engine and the report agree.
public enum CallOutcome {
    /// A person (agent) took the call.
    public static let handedOff = "handed_off"
    /// The caller was served by the menu and hung up normally.
    public static let selfServed = "self_served"
    /// The caller hung up before reaching a person while one was requested or the hand-off was under way.
    public static let abandoned = "abandoned"
    /// Every agent target failed; a callback request was taken.
    public static let callback = "callback"
    /// The line or the unit failed during the call.
    public static let failed = "failed"
    /// No person answered in time (or no target is configured): the line went to the bypass relay, the agent line.
    public static let bypassed = "bypassed"
    /// All outcomes, for validating `--outcome`.
    public static let all = [handedOff, selfServed, abandoned, callback, failed, bypassed]
}
