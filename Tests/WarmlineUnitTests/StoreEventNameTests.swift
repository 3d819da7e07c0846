import Foundation
import Testing
import WarmlineCore
import WarmlineStore
@testable import WarmlineUnit

@Suite("Store event names")
struct StoreEventNameTests {
    @Test("The events the report counts get the store's names, so `warmline report` counts the engine's decisions")
    func reportedNames() {
        #expect(StoreEventName.type(for: .distressHandoff) == EventType.distressHandoff)
        #expect(StoreEventName.type(for: .dayPassGranted) == EventType.dayPassGranted)
        #expect(StoreEventName.type(for: .dayPassRefused) == EventType.dayPassRefused)
        #expect(StoreEventName.type(for: .callbackRecorded) == EventType.callbackRequested)
        #expect(StoreEventName.type(for: .targetDialed) == EventType.handoffAttempt)
    }

    // Issue 18 changed this vocabulary: a non-distress hand-off was `agent.requested` whatever its reason; now every
    // hand-off is `handoff.started` with its reason in `kind`, and `agent.requested` is only read from old databases.
    @Test("Every hand-off is stored as handoff.started, never as agent.requested (its reason is in the payload)")
    func handoffCountedOnce() {
        #expect(StoreEventName.type(for: .handoffStarted) == EventType.handoffStarted)
        #expect(CallLogEventType.allCases.allSatisfy { StoreEventName.type(for: $0) != EventType.agentRequested })
    }

    @Test("The store's hand-off reasons are the engine's, in the same order")
    func handoffReasonNames() {
        #expect(EventDescription.handoffReasons == HandoffReason.allCases.map(\.rawValue))
        #expect(HandoffReason.allCases.map { EventDescription.handoffReasonPhrase($0.rawValue) } == HandoffReason.allCases.map(\.phrase))
    }

    @Test("Every engine event has its own store name")
    func distinctNames() {
        let names = CallLogEventType.allCases.map { StoreEventName.type(for: $0) }
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.contains(".") })
    }

    @Test("Payloads are JSON with sorted keys and escaped text")
    func payloadJSON() {
        #expect(StoreEventName.json(["b": "2", "a": "say \"help\""]) == #"{"a":"say \"help\"","b":"2"}"#)
    }

    @Test("Any payload text reads back unchanged through a JSON parser (quotes, backslashes, control characters, Cyrillic)")
    func payloadRoundTrip() throws {
        let payload = ["text": "line 1\nline\t2 \\ \"q\" \u{1}", "reason": "гривня / 112", "day_pass": "", "days": "3"]
        let json = StoreEventName.json(payload)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(parsed == payload)
        #expect(json.hasPrefix(#"{"day_pass":"","days":"3","reason""#))
    }
}
