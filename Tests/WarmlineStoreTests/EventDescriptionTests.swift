import Testing
@testable import WarmlineStore

@Suite("EventDescription")
struct EventDescriptionTests {
    private func describe(_ type: String, _ payload: String) -> String {
        EventDescription.describe(EventRecord(callID: nil, frameTime: 0, wallTimeMs: 0, type: type, payload: payload))
    }

    @Test("a hand-off reads with its reason, and an upgrade says it became urgent")
    func handoff() {
        #expect(describe(EventType.handoffStarted, #"{"kind":"menu_failure","reason":"caller could not use menu 'main' (3 timeouts)","priority":"normal"}"#)
                == "hand-off started [could not use the menu]: caller could not use menu 'main' (3 timeouts), normal")
        #expect(describe(EventType.handoffStarted, #"{"kind":"distress","reason":"distress score 0.9","priority":"urgent","upgrade":"yes"}"#)
                == "hand-off now urgent [distress]: distress score 0.9, urgent")
        #expect(describe(EventType.agentRequested, #"{"via":"dtmf:0"}"#).hasPrefix("hand-off requested (recorded before"))
    }

    @Test("the board's bypass and reset reports read as line health")
    func lineHealth() {
        #expect(describe(EventType.lineBypass, #"{"line":"2","engaged":"yes","reason":"watchdog"}"#) == "line 2: bypass relay engaged (watchdog)")
        #expect(describe(EventType.lineBypass, #"{"line":"2","engaged":"no","reason":"claimed"}"#) == "line 2: bypass relay released (claimed)")
        #expect(describe(EventType.lineBoardReset, #"{"line":"1"}"#) == "line 1: board reset (it starts in bypass)")
    }
}
