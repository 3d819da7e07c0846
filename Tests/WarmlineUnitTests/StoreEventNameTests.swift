import Foundation
import Testing
import WarmlineCore
import WarmlineStore
@testable import WarmlineUnit

@Suite("Store event names")
struct StoreEventNameTests {
    @Test("The events the report counts get the store's names, so `warmline report` counts the engine's decisions")
    func reportedNames() {
        #expect(StoreEventName.type(for: .distressHandoff, distressCall: true) == EventType.distressHandoff)
        #expect(StoreEventName.type(for: .dayPassGranted, distressCall: false) == EventType.dayPassGranted)
        #expect(StoreEventName.type(for: .dayPassRefused, distressCall: false) == EventType.dayPassRefused)
        #expect(StoreEventName.type(for: .callbackRecorded, distressCall: false) == EventType.callbackRequested)
        #expect(StoreEventName.type(for: .targetDialed, distressCall: false) == EventType.handoffAttempt)
    }

    @Test("A hand-off counts as an agent request only when it is not a distress hand-off (never counted twice)")
    func handoffCountedOnce() {
        #expect(StoreEventName.type(for: .handoffStarted, distressCall: false) == EventType.agentRequested)
        #expect(StoreEventName.type(for: .handoffStarted, distressCall: true) != EventType.agentRequested)
    }

    @Test("Every engine event has its own store name")
    func distinctNames() {
        let names = CallLogEventType.allCases.map { StoreEventName.type(for: $0, distressCall: false) }
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
