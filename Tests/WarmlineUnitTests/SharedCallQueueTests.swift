import Testing
@testable import WarmlineUnit

@Suite("Shared call queue")
struct SharedCallQueueTests {
    @Test("lines rank their waiting calls in one queue: a distress call on another line goes ahead, a finished call leaves")
    func acrossLines() async {
        let queue = SharedCallQueue()
        #expect(queue.position(callID: "L1-a", urgent: false, joinedAtMs: 1_000) == 1)
        #expect(queue.position(callID: "L2-b", urgent: false, joinedAtMs: 2_000) == 2)
        // each line asks from its own thread every period; the answers stay consistent
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask { _ = queue.position(callID: "L3-c", urgent: true, joinedAtMs: 3_000) }
                group.addTask { _ = queue.position(callID: "L1-a", urgent: false, joinedAtMs: 1_000) }
            }
        }
        #expect(queue.position(callID: "L3-c", urgent: true, joinedAtMs: 3_000) == 1)
        #expect(queue.position(callID: "L2-b", urgent: false, joinedAtMs: 2_000) == 3)
        queue.remove(callID: "L3-c")
        #expect(queue.position(callID: "L2-b", urgent: false, joinedAtMs: 2_000) == 2)
        #expect(queue.count == 2)
    }
}
