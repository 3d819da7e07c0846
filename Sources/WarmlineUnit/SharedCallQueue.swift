import Synchronization
import WarmlineCore

/// The unit's one queue for a person, shared by every line (each line ranks its own waiting call in it).
public final class SharedCallQueue: Sendable {
    private let queue = Mutex(CallQueue())
    private let onChange: @Sendable () -> Void

    /// An empty queue; `onChange` runs after a caller joins or leaves it.
    public init(onChange: @escaping @Sendable () -> Void = {}) { self.onChange = onChange }

    /// Puts the call in (or updates its priority) and returns its 1-based position.
    public func position(callID: String, urgent: Bool, joinedAtMs: Int64) -> Int {
        let (position, joined) = queue.withLock { queue in
            let joined = queue.position(of: callID) == nil
            queue.upsert(callID: callID, urgent: urgent, joinedAt: joinedAtMs)
            return (queue.position(of: callID) ?? 1, joined)
        }
        if joined { onChange() }
        return position
    }

    /// The call's 1-based position, without changing the queue (nil: not waiting).
    public func position(of callID: String) -> Int? {
        queue.withLock { $0.position(of: callID) }
    }

    /// Takes the call out.
    public func remove(callID: String) {
        let left = queue.withLock { queue in
            let waiting = queue.position(of: callID) != nil
            queue.remove(callID: callID)
            return waiting
        }
        if left { onChange() }
    }

    /// How many calls wait now.
    public var count: Int { queue.withLock { $0.entries.count } }
}
