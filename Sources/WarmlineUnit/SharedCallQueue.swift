import Synchronization
import WarmlineCore

/// The unit's one queue for a person, shared by every line (each line ranks its own waiting call in it).
public final class SharedCallQueue: Sendable {
    private let queue = Mutex(CallQueue())

    /// An empty queue.
    public init() {}

    /// Puts the call in (or updates its priority) and returns its 1-based position.
    public func position(callID: String, urgent: Bool, joinedAtMs: Int64) -> Int {
        queue.withLock { queue in
            queue.upsert(callID: callID, urgent: urgent, joinedAt: joinedAtMs)
            return queue.position(of: callID) ?? 1
        }
    }

    /// Takes the call out.
    public func remove(callID: String) {
        queue.withLock { $0.remove(callID: callID) }
    }

    /// How many calls wait now.
    public var count: Int { queue.withLock { $0.entries.count } }
}
