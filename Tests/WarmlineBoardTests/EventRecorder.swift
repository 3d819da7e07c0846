import Foundation
import Synchronization
@testable import WarmlineBoard

/// Collects a link's events so a test can wait for the one it expects.
final class EventRecorder: Sendable {
    private let events = Mutex<[BoardEventRecord]>([])

    struct BoardEventRecord: Sendable {
        let event: WarmlineBoardEvent
        let atNs: UInt64
    }

    init(_ stream: AsyncStream<WarmlineBoardEvent>) {
        Task { [self] in
            for await event in stream {
                let record = BoardEventRecord(event: event, atNs: DispatchTime.now().uptimeNanoseconds)
                events.withLock { $0.append(record) }
            }
        }
    }

    var all: [WarmlineBoardEvent] { events.withLock { $0.map(\.event) } }

    /// Waits until `count` events match `predicate`; returns the last of them.
    func waitFor(count: Int, timeoutMs: Int = 10_000, _ predicate: @Sendable (WarmlineBoardEvent) -> Bool) async
        -> BoardEventRecord? {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMs) * 1_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let hits = events.withLock { $0.filter { predicate($0.event) } }
            if hits.count >= count { return hits[count - 1] }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return nil
    }

    /// Waits until an event matching `predicate` has arrived; returns it with its arrival time.
    func waitFor(timeoutMs: Int = 10_000, _ predicate: @Sendable (WarmlineBoardEvent) -> Bool) async -> BoardEventRecord? {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMs) * 1_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if let hit = events.withLock({ $0.first { predicate($0.event) } }) { return hit }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return nil
    }
}
