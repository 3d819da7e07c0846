import Foundation
import WarmlineCore
import WarmlineStore

/// How the engine's log events are named in the store, so `warmline report` and `calls show` count them.
public enum StoreEventName {
    /// The store's event type for an engine log event (a hand-off's reason is in its payload's `kind`, not its name).
    public static func type(for event: CallLogEventType) -> String {
        switch event {
        case .callStarted: EventType.callAnswered
        case .callEnded: EventType.callEnded
        case .nodeEntered: EventType.menuNode
        case .digit: EventType.dtmfDigit
        case .keyword: EventType.speechKeyword
        case .distressSignal: EventType.distressSignal
        case .distressHandoff: EventType.distressHandoff
        case .handoffStarted: EventType.handoffStarted
        case .targetDialed: EventType.handoffAttempt
        case .transferCompleted: EventType.handoffConnected
        case .targetFailed: EventType.handoffFailed
        case .dayPassOffered: EventType.dayPassOffered
        case .dayPassGranted: EventType.dayPassGranted
        case .dayPassRefused: EventType.dayPassRefused
        case .callbackRecorded: EventType.callbackRequested
        case .languageChosen: "menu.language"
        case .bargeIn: "input.barge_in"
        case .invalidInput: "input.invalid"
        case .inputTimeout: "input.timeout"
        case .menuExhausted: "menu.exhausted"
        case .optionTaken: "menu.option"
        case .balanceRead: "balance.read"
        case .dayPassDeclined: "daypass.declined"
        case .dayPassRetryIgnored: "daypass.retry_ignored"
        case .targetRinging: "handoff.ringing"
        case .targetAnswered: "handoff.answered"
        case .whispered: "handoff.whisper"
        case .callbackOffered: "callback.offered"
        case .promptResumed: "prompt.resumed"
        case .safetyHeard: "prompt.safety_heard"
        case .silentCaller: "caller.silent"
        case .queued: "queue.joined"
        case .queueAnnounced: "queue.announced"
        case .queueRetry: "queue.retry"
        case .releasedToBypass: "handoff.bypass"
        case .dayPassConfirmed: "daypass.confirmed"
        }
    }

    /// A payload as the store's JSON text (keys sorted; `JSONText.flat`).
    public static func json(_ payload: [String: String]) -> String { JSONText.flat(payload) }
}
