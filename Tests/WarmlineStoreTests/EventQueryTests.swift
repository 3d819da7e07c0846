import Testing
@testable import WarmlineStore

@Suite("EventQuery")
struct EventQueryTests {
    @Test("events filter by call, type, type prefix and time window, newest last")
    func filters() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let call = try store.events(matching: EventFilter(callID: "L1-0001"))
        #expect(call.count == 10)
        #expect(call.map(\.wallTimeMs) == call.map(\.wallTimeMs).sorted())
        #expect(call.first?.type == EventType.callRing && call.last?.type == EventType.callEnded)
        #expect(try store.events(matching: EventFilter(type: EventType.handoffStarted)).count == 3)
        // the three requests are now `handoff.started` (issue 18's vocabulary), so the prefix matches 11 + 3
        #expect(try store.events(matching: EventFilter(type: "handoff.*")).count == 14)
        let window = try store.events(matching: EventFilter(sinceMs: StoreFixture.nineMs + 600_000, untilMs: StoreFixture.nineMs + 1_200_000))
        #expect(Set(window.compactMap(\.callID)) == ["L2-0001"])
    }

    @Test("a limit keeps the newest events and still lists them oldest first")
    func limitKeepsNewest() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let newest = try store.events(matching: EventFilter(callID: "L1-0001", limit: 2))
        #expect(newest.map(\.type) == [EventType.handoffConnected, EventType.callEnded])
    }
}
