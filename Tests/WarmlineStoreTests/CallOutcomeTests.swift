import Testing
@testable import WarmlineStore

@Suite("CallOutcome")
struct CallOutcomeTests {
    @Test("The seven outcomes are the one vocabulary calls --outcome accepts")
    func vocabulary() {
        #expect(CallOutcome.all == ["reached_person", "callback_promised", "self_served", "abandoned_in_menu", "abandoned_waiting",
                                    "bypassed", "failed"])
    }

    @Test("A fault wins over everything; a person reached wins over a callback; waiting callers who leave are abandoned waiting")
    func derive() {
        #expect(CallOutcome.derive(CallFacts(failed: true, reachedPerson: true)) == .failed)
        #expect(CallOutcome.derive(CallFacts(reachedPerson: true, callbackPromised: true, handoffStarted: true)) == .reachedPerson)
        #expect(CallOutcome.derive(CallFacts(bypassed: true, handoffStarted: true)) == .bypassed)
        #expect(CallOutcome.derive(CallFacts(callbackPromised: true, handoffStarted: true)) == .callbackPromised)
        #expect(CallOutcome.derive(CallFacts(handoffStarted: true)) == .abandonedWaiting)
        #expect(CallOutcome.derive(CallFacts(handoffStarted: true, servedSelf: true)) == .abandonedWaiting)
        #expect(CallOutcome.derive(CallFacts(choseToEnd: true)) == .selfServed)
        #expect(CallOutcome.derive(CallFacts(servedSelf: true)) == .selfServed)
        #expect(CallOutcome.derive(CallFacts()) == .abandonedInMenu)
    }
}
