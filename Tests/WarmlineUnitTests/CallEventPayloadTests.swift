import Foundation
import Testing
import WarmlineCore
import WarmlineStore

/// Every event kind's stored keys, as the engine wrote them before payloads were typed (the stored JSON's contract).
private let storedKeys: [(CallLogEventType, [String])] = [
    (.callStarted, ["call_id", "caller_id", "balance", "languages", "language", "local_time"]),
    (.languageChosen, ["language", "how"]),
    (.nodeEntered, ["node", "greeting"]),
    (.digit, ["digit"]),
    (.keyword, ["phrase", "class", "confidence", "accepted", "transcript"]),
    (.bargeIn, ["by", "digit", "speech_ms", "then", "prompt"]),
    (.promptResumed, ["prompt", "paused_ms"]),
    (.safetyHeard, ["language", "ms"]),
    (.silentCaller, ["stage", "digits", "spoke", "silent_ms"]),
    (.queued, ["reason", "priority", "position"]),
    (.queueAnnounced, ["position", "wait_minutes", "improved", "emergency_number", "waited_ms"]),
    (.queueRetry, ["position", "waited_ms", "priority"]),
    (.releasedToBypass, ["reason", "priority", "waited_ms"]),
    (.dayPassConfirmed, ["key"]),
    (.invalidInput, ["input", "mode"]),
    (.inputTimeout, ["node", "count", "max"]),
    (.menuExhausted, ["node", "why", "then"]),
    (.optionTaken, ["node", "option", "action", "why"]),
    (.balanceRead, ["balance"]),
    (.dayPassOffered, ["key", "fail_open", "reason"]),
    (.dayPassGranted, ["key", "fail_open", "provisional", "msisdn", "reason", "expires_at"]),
    (.dayPassDeclined, ["reason"]),
    (.dayPassRefused, ["rule", "reason", "confirmed", "expires_at", "last_granted", "next_allowed", "distress_score", "spoken_distress_score", "key", "stage"]),
    (.dayPassRetryIgnored, ["key", "reason", "digit"]),
    (.distressSignal, ["signal", "value", "weight", "score"]),
    (.distressHandoff, ["reasons", "score", "threshold"]),
    (.handoffStarted, ["reason", "kind", "priority", "upgrade", "targets", "reasons"]),
    (.targetDialed, ["target", "dial", "attempt"]),
    (.targetRinging, ["target"]),
    (.targetAnswered, ["target", "by"]),
    (.targetFailed, ["target", "reason"]),
    (.whispered, ["text"]),
    (.transferCompleted, ["target", "priority"]),
    (.callbackOffered, ["reason", "recorded"]),
    (.callbackRecorded, ["caller_id", "confirmed", "within_minutes", "urgent"]),
    (.callEnded, ["reason", "outcome"]),
]

@Suite("Typed call event payloads")
struct CallEventPayloadTests {
    /// Text that needs escaping in JSON: quotes, backslash, slash, newline, tab, a control character and Cyrillic.
    private static func awkward(_ key: String) -> String { "\(key) said \"help\" \\ 1/2\n\tгривня \u{1}" }

    @Test("Every event kind has its stored keys, and each kind encodes to the JSON the old writer stored, byte for byte, and back")
    func roundTripEveryKind() throws {
        #expect(storedKeys.map(\.0) == CallLogEventType.allCases)
        for (type, keys) in storedKeys {
            let fields = Dictionary(uniqueKeysWithValues: keys.map { ($0, Self.awkward($0)) })
            let payload = try CallEventPayload(type: type, fields: fields)
            #expect(payload.type == type)
            #expect(payload.fields == fields, "\(type)")
            let json = CallEventEncoder.json(payload)
            #expect(json == JSONText.flat(fields), "\(type)")
            #expect(try CallEventEncoder.decode(type, from: json) == payload, "\(type)")
            // a field left out is not written at all (not as null or "")
            let first = try CallEventPayload(type: type, fields: keys.first.map { [$0: "1"] } ?? [:])
            #expect(CallEventEncoder.json(first) == (keys.first.map { "{\"\($0)\":\"1\"}" } ?? "{}"), "\(type)")
        }
    }

    @Test("Typed payloads write the exact JSON stored today: sorted keys, text values, `/` unescaped")
    func exactJSON() {
        #expect(CallEventEncoder.json(.callEnded(.init(reason: "caller hung up", outcome: "caller_hung_up")))
                == #"{"outcome":"caller_hung_up","reason":"caller hung up"}"#)
        #expect(CallEventEncoder.json(.queueAnnounced(.init(position: "2", waitMinutes: "3", improved: "no", emergencyNumber: "yes",
                                                            waitedMs: "60000")))
                == #"{"emergency_number":"yes","improved":"no","position":"2","wait_minutes":"3","waited_ms":"60000"}"#)
        #expect(CallEventEncoder.json(.keyword(.init(phrase: "help", wordClass: "distress", confidence: "0.82", accepted: "yes")))
                == #"{"accepted":"yes","class":"distress","confidence":"0.82","phrase":"help"}"#)
        #expect(CallEventEncoder.json(.targetDialed(.init(target: "desk", dial: "1/2,3", attempt: "1")))
                == #"{"attempt":"1","dial":"1/2,3","target":"desk"}"#)
        #expect(CallEventEncoder.json(.whispered(.init(text: "line\u{1}"))) == #"{"text":"line\u0001"}"#)
    }

    @Test("A payload written by the old text-field path (an old database's row) decodes into the typed payload")
    func oldRowsDecode() throws {
        let old = JSONText.flat(["call_id": "c-7", "caller_id": "+15550100", "balance": "1250", "languages": "2", "language": "en",
                                 "local_time": "2026-12-06 09:30"])
        let typed = try CallEventEncoder.decode(.callStarted, from: old)
        #expect(typed == .callStarted(.init(callID: "c-7", callerID: "+15550100", balance: "1250", languages: "2", language: "en",
                                            localTime: "2026-12-06 09:30")))
        #expect(typed["caller_id"] == "+15550100")
        #expect(CallEventEncoder.json(typed) == old)
        let refused = try CallEventEncoder.decode(.dayPassRefused, from: JSONText.flat(["rule": "one_open_pass", "stage": "ledger"]))
        #expect(refused == .dayPassRefused(.init(rule: "one_open_pass", stage: "ledger")))
    }

    @Test("A stored payload that does not fit its type is refused with the key and type named, never silently cut")
    func misfitRefused() {
        #expect(throws: CallEventPayloadError.unknownField(type: "digit", key: "line")) {
            try CallEventEncoder.decode(.digit, from: #"{"digit":"5","line":"2"}"#)
        }
        #expect("\(CallEventPayloadError.unknownField(type: "digit", key: "line"))" == "a digit event does not record 'line'")
        #expect(throws: DecodingError.self) { try CallEventEncoder.decode(.digit, from: #"{"digit":5}"#) }
        #expect(throws: DecodingError.self) { try CallEventEncoder.decode(.digit, from: "not json") }
    }

    @Test("An event's description lists its fields sorted, as traces and text logs show it")
    func description() {
        let event = CallLogEvent(frame: 8, .targetFailed(.init(target: "desk", reason: "busy tone")))
        #expect(event.type == .targetFailed)
        #expect(event.description == "target_failed reason=busy tone target=desk")
        #expect(CallLogEvent(frame: 0, .targetRinging(.init())).description == "target_ringing")
    }
}
