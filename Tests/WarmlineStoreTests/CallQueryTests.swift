import Testing
@testable import WarmlineStore

@Suite("CallQuery")
struct CallQueryTests {
    @Test("calls filter by start time, outcome and distress, with their event counts")
    func filters() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let today = try store.calls(matching: CallFilter(sinceMs: StoreFixture.dayStartMs))
        #expect(today.map(\.call.id) == ["L1-0001", "L2-0001", "L1-0002", "L2-0002", "L1-0003", "L2-0003"])
        #expect(today.first?.eventCount == 10)
        #expect(try store.calls(matching: CallFilter(outcome: CallOutcome.abandonedWaiting.rawValue)).map(\.call.id) == ["L1-0002"])
        #expect(try store.calls(matching: CallFilter(outcome: CallOutcome.abandonedInMenu.rawValue)).map(\.call.id) == ["L2-0003"])
        #expect(try store.calls(matching: CallFilter(distressOnly: true)).map(\.call.id) == ["L1-0000", "L1-0001"])
        #expect(try store.calls(matching: CallFilter(sinceMs: StoreFixture.dayStartMs, distressOnly: true)).map(\.call.id) == ["L1-0001"])
    }
}
