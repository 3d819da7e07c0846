import Foundation
import WarmlineCore
import WarmlineStore

/// How the engine's log events are named in the store, so `warmline report` and `calls show` count them.
public enum StoreEventName {
    /// The store's event type for an engine log event; `distressCall` tells a distress hand-off from a request for a person.
    public static func type(for event: CallLogEventType, distressCall: Bool) -> String {
        switch event {
        case .callStarted: EventType.callAnswered
        case .callEnded: EventType.callEnded
        case .nodeEntered: EventType.menuNode
        case .digit: EventType.dtmfDigit
        case .keyword: EventType.speechKeyword
        case .distressSignal: EventType.distressSignal
        case .distressHandoff: EventType.distressHandoff
        case .handoffStarted: distressCall ? "handoff.started" : EventType.agentRequested
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

    /// A payload as the store's JSON text (keys sorted).
    ///
    /// Written by hand: JSONSerialization's sorted keys compare through an ICU collator, which maps ~4 MB of locale
    /// and collation data into every line's process for a few ASCII keys.
    public static func json(_ payload: [String: String]) -> String {
        var text = "{"
        for (index, key) in payload.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            appendQuoted(key, to: &text)
            text += ":"
            appendQuoted(payload[key] ?? "", to: &text)
        }
        return text + "}"
    }

    /// Appends `value` as a JSON string literal (RFC 8259 escapes).
    private static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
