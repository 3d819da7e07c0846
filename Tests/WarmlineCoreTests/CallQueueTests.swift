import Testing
@testable import WarmlineCore

@Suite("Call queue")
struct CallQueueTests {
    @Test("Callers flagged in distress come before requests, each in arrival order; an upgrade moves a caller ahead")
    func priorityOrder() {
        var queue = CallQueue()
        queue.upsert(callID: "a", urgent: false, joinedAt: 100)
        queue.upsert(callID: "b", urgent: false, joinedAt: 200)
        queue.upsert(callID: "c", urgent: true, joinedAt: 300)
        queue.upsert(callID: "d", urgent: true, joinedAt: 150)
        #expect(queue.entries.map(\.callID) == ["d", "c", "a", "b"])
        queue.upsert(callID: "b", urgent: true, joinedAt: 999)  // the join time stays the first one
        #expect(queue.entries.map(\.callID) == ["d", "b", "c", "a"])
        queue.remove(callID: "d")
        #expect(queue.position(of: "b") == 1)
        #expect(queue.position(of: "a") == 3)
        #expect(queue.position(of: "d") == nil)
    }
}
