/// The unit's queue for a person, across lines: callers flagged in distress first, then requests, each in arrival order.
public struct CallQueue: Sendable, Equatable {
    /// One waiting call.
    public struct Entry: Sendable, Equatable {
        /// The store's call id.
        public var callID: String
        /// Flagged in distress (or silent): ahead of every request.
        public var urgent: Bool
        /// When the call joined, any monotonic unit (milliseconds of unit time).
        public var joinedAt: Int64
    }

    /// Waiting calls, in serving order.
    public private(set) var entries: [Entry] = []

    /// An empty queue.
    public init() {}

    /// Adds the call, or updates its priority (an upgrade to urgent moves it ahead of requests; arrival order is kept).
    public mutating func upsert(callID: String, urgent: Bool, joinedAt: Int64) {
        if let index = entries.firstIndex(where: { $0.callID == callID }) {
            guard entries[index].urgent != urgent else { return }
            var entry = entries.remove(at: index)
            entry.urgent = urgent
            insert(entry)
        } else {
            insert(Entry(callID: callID, urgent: urgent, joinedAt: joinedAt))
        }
    }

    /// Takes the call out (answered, released, or gone).
    public mutating func remove(callID: String) {
        entries.removeAll { $0.callID == callID }
    }

    /// 1-based position of the call, or nil when it is not waiting.
    public func position(of callID: String) -> Int? {
        entries.firstIndex { $0.callID == callID }.map { $0 + 1 }
    }

    private mutating func insert(_ entry: Entry) {
        let index = entries.firstIndex { ($0.urgent ? 0 : 1, $0.joinedAt) > (entry.urgent ? 0 : 1, entry.joinedAt) }
        entries.insert(entry, at: index ?? entries.endIndex)
    }
}
