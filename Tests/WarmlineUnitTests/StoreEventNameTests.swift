import Foundation
import Testing
import WarmlineCore
import WarmlineStore
@testable import WarmlineUnit

@Suite("Store event names")
struct StoreEventNameTests {
    @Test("The events the report counts get the store's names, so `warmline report` counts the engine's decisions")
    func reportedNames() {
        #expect(CallLogEventType.distressHandoff.storeName == EventType.distressHandoff)
        #expect(CallLogEventType.dayPassGranted.storeName == EventType.dayPassGranted)
        #expect(CallLogEventType.dayPassRefused.storeName == EventType.dayPassRefused)
        #expect(CallLogEventType.callbackRecorded.storeName == EventType.callbackRequested)
        #expect(CallLogEventType.targetDialed.storeName == EventType.handoffAttempt)
    }

    // Issue 18 changed this vocabulary: a non-distress hand-off was `agent.requested` whatever its reason; now every
    // hand-off is `handoff.started` with its reason in `kind`, and `agent.requested` is only read from old databases.
    @Test("Every hand-off is stored as handoff.started, never as agent.requested (its reason is in the payload)")
    func handoffCountedOnce() {
        #expect(CallLogEventType.handoffStarted.storeName == EventType.handoffStarted)
        #expect(CallLogEventType.allCases.allSatisfy { $0.storeName != EventType.agentRequested })
    }

    @Test("The store's hand-off reasons are the engine's, in the same order")
    func handoffReasonNames() {
        #expect(EventDescription.handoffReasons == HandoffReason.allCases.map(\.rawValue))
        #expect(HandoffReason.allCases.map { EventDescription.handoffReasonPhrase($0.rawValue) } == HandoffReason.allCases.map(\.phrase))
    }

    @Test("Every engine event has its own store name")
    func distinctNames() {
        let names = CallLogEventType.allCases.map { $0.storeName }
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.contains(".") })
    }

    @Test("Payloads are JSON with sorted keys and escaped text")
    func payloadJSON() {
        #expect(CallEventEncoder.json(["b": "2", "a": "say \"help\""]) == #"{"a":"say \"help\"","b":"2"}"#)
    }

    @Test("Any payload text reads back unchanged through a JSON parser (quotes, backslashes, control characters, Cyrillic)")
    func payloadRoundTrip() throws {
        let payload = ["text": "line 1\nline\t2 \\ \"q\" \u{1}", "reason": "гривня / 112", "day_pass": "", "days": "3"]
        let json = CallEventEncoder.json(payload)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(parsed == payload)
        #expect(json.hasPrefix(#"{"day_pass":"","days":"3","reason""#))
    }
}
