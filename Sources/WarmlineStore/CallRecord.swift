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
    /// Audio time from the hand-off decision to a person answering, in milliseconds (nil unless a person was reached:
    /// a callback offer or the bypass relay is not a person).
    public var handoffLatencyMs: Int64?
    /// Why the call was handed to a person (a `HandoffReason` raw value: `asked`, `distress`, `silent`, `menu_failure`,
    /// `time_bound`); nil when no hand-off started.
    public var handoffReason: String?
    /// Audio time from the answer to the hand-off decision, in milliseconds.
    public var handoffStartedMs: Int64?
    /// Audio time from the answer to a person taking the call, in milliseconds; nil when no person was reached.
    public var personReachedMs: Int64?
    /// Audio time the caller waited for a person: from the hand-off decision until a person answered or the wait ended
    /// (hang-up, callback promised, bypass relay), in milliseconds.
    public var waitMs: Int64?
    /// Audio time from the answer to the end of the call, in milliseconds.
    public var durationMs: Int64?

    /// Makes a call record; only the id, line and start are required.
    public init(id: String, line: Int, callerID: String? = nil, startedAtMs: Int64, answeredAtMs: Int64? = nil,
                endedAtMs: Int64? = nil, outcome: String? = nil, language: String? = nil,
                handoffTarget: String? = nil, handoffLatencyMs: Int64? = nil, handoffReason: String? = nil,
                handoffStartedMs: Int64? = nil, personReachedMs: Int64? = nil, waitMs: Int64? = nil, durationMs: Int64? = nil) {
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
        self.handoffReason = handoffReason
        self.handoffStartedMs = handoffStartedMs
        self.personReachedMs = personReachedMs
        self.waitMs = waitMs
        self.durationMs = durationMs
    }
}

