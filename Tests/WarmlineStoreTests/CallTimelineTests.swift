import Foundation
import Testing
@testable import WarmlineStore

@Suite("CallTimeline")
struct CallTimelineTests {
    @Test("a call's timeline lists the distress reasons and each hand-off attempt in order")
    func distressAndAttempts() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let timeline = try store.timeline(callID: "L1-0001")
        #expect(timeline.distressReasons == [
            "signal keyword:help = 0.91, weight 0.4, score now 0.4",
            "signal raised_voice = +9.5 dB, weight 0.3, score now 0.7",
            "score 0.7 over threshold 0.6: keyword:help, raised_voice → hand-off now",
        ])
        #expect(timeline.handoffAttempts == [
            "attempt 1 to agent-1", "agent-1 failed: busy", "attempt 2 to agent-2", "agent agent-2 answered after 9800 ms",
        ])
        let text = timeline.rendered(timeZone: TimeZone(secondsFromGMT: 0)!)
        #expect(text.contains("call L1-0002 (L1-0001)  line 1  caller +353871111111  language en"))
        #expect(text.contains("outcome reached_person: handed off to agent-2 9800 ms after the decision"))
        #expect(text.contains("started 2026-11-26 09:00:00 +00:00 (UTC)"))
        #expect(text.contains("   0:07.52  distress.handoff"))
    }

    @Test("calls show names the hand-off reason: a request, a menu failure and a callback offer read differently")
    func handoffReason() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let distress = try store.timeline(callID: "L1-0001").rendered(timeZone: TimeZone(secondsFromGMT: 0)!)
        #expect(distress.contains("hand-off reason: distress, waited 9.800s, a person at 0:15.32"))
        let callback = try store.timeline(callID: "L1-0003").rendered(timeZone: TimeZone(secondsFromGMT: 0)!)
        #expect(callback.contains("hand-off reason: caller asked for a person, waited 65.000s, no person reached"))
        #expect(callback.contains("hand-off started [caller asked for a person]:\n") && callback.contains("caller asked for a person (pressed 0)"))
        try store.saveCall(CallRecord(id: "L1-0009", line: 1, startedAtMs: StoreFixture.nineMs, answeredAtMs: StoreFixture.nineMs,
                                      outcome: CallOutcome.abandonedWaiting.rawValue, handoffReason: "menu_failure"))
        let menu = try store.timeline(callID: "L1-0009").rendered(timeZone: TimeZone(secondsFromGMT: 0)!)
        #expect(menu.contains("hand-off reason: could not use the menu, no person reached"))
        #expect(!menu.contains("asked for a person"))
    }

    @Test("an unknown call id is an error naming the id")
    func unknownCall() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        #expect(throws: StoreError.unknownCall("L9-9999")) { try store.timeline(callID: "L9-9999") }
    }
}
