/// One entry of the call log: what happened, when (audio frame), and why.
public struct CallLogEvent: Sendable, Equatable, CustomStringConvertible {
    /// Audio frame the event happened at.
    public var frame: Int
    /// What happened and its details, typed per event kind (the store writes it with `CallEventEncoder`).
    public var payload: CallEventPayload

    /// Makes a log event.
    public init(frame: Int, _ payload: CallEventPayload) {
        self.frame = frame
        self.payload = payload
    }

    /// A log event from text fields (payloads as kept before they were typed); throws on a key the type does not record.
    public init(frame: Int, type: CallLogEventType, fields: [String: String]) throws {
        self.init(frame: frame, try CallEventPayload(type: type, fields: fields))
    }

    /// What happened.
    public var type: CallLogEventType { payload.type }

    /// `type key=value ...` with keys sorted, for traces and text logs.
    public var description: String {
        let fields = payload.fields
        let details = fields.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }.joined(separator: " ")
        return details.isEmpty ? type.rawValue : "\(type.rawValue) \(details)"
    }
}

/// Every kind of event the engine logs (stable names: the store and reports key on them).
public enum CallLogEventType: String, Sendable, Equatable, CaseIterable {
    /// The call started; payload has caller ID, balance, language count.
    case callStarted = "call_started"
    /// The caller chose a language (or the default was taken).
    case languageChosen = "language_chosen"
    /// The flow entered a menu node.
    case nodeEntered = "node_entered"
    /// A digit arrived.
    case digit
    /// A keyword hit arrived.
    case keyword
    /// The caller barged in over a prompt.
    case bargeIn = "barge_in"
    /// A prompt paused by caller speech started again.
    case promptResumed = "prompt_resumed"
    /// The safety sentence was heard in full in a language.
    case safetyHeard = "safety_heard"
    /// The silent-caller protocol acted (prompt, keys 5 5, open-line hand-off).
    case silentCaller = "silent_caller"
    /// The caller entered the priority queue for a person.
    case queued
    /// Position, wait or "still waiting" was announced in the queue.
    case queueAnnounced = "queue_announced"
    /// The queue tried the targets again.
    case queueRetry = "queue_retry"
    /// The line is being handed to the bypass relay (agent line).
    case releasedToBypass = "released_to_bypass"
    /// Billing confirmed the day pass.
    case dayPassConfirmed = "day_pass_confirmed"
    /// Input matched no option.
    case invalidInput = "invalid_input"
    /// No input before the timeout.
    case inputTimeout = "input_timeout"
    /// Max failures or timeouts reached in a node.
    case menuExhausted = "menu_exhausted"
    /// A menu option was taken.
    case optionTaken = "option_taken"
    /// The balance was read to the caller.
    case balanceRead = "balance_read"
    /// The day pass was offered.
    case dayPassOffered = "day_pass_offered"
    /// The day pass was granted.
    case dayPassGranted = "day_pass_granted"
    /// The caller declined the offered day pass.
    case dayPassDeclined = "day_pass_declined"
    /// The day pass was refused (rate limit or not eligible).
    case dayPassRefused = "day_pass_refused"
    /// A second grant request in the same call was absorbed.
    case dayPassRetryIgnored = "day_pass_retry_ignored"
    /// A distress signal fired; payload has its value, weight and the score.
    case distressSignal = "distress_signal"
    /// The distress score crossed the threshold.
    case distressHandoff = "distress_handoff"
    /// The warm hand-off started; payload has the reason and priority.
    case handoffStarted = "handoff_started"
    /// The consultation leg dialled a target.
    case targetDialed = "target_dialed"
    /// Ringback heard on the consultation leg.
    case targetRinging = "target_ringing"
    /// The target answered.
    case targetAnswered = "target_answered"
    /// The target failed (busy, reorder, no answer, no dial tone).
    case targetFailed = "target_failed"
    /// The summary was whispered to the agent.
    case whispered
    /// The transfer completed: the caller reached a person.
    case transferCompleted = "transfer_completed"
    /// Every target failed; a callback was offered.
    case callbackOffered = "callback_offered"
    /// A callback was recorded.
    case callbackRecorded = "callback_recorded"
    /// The call ended; payload has the reason.
    case callEnded = "call_ended"
}
