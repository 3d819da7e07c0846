import GRDB

/// What `markOutboxSentOnce` did to one entry.
public enum OutboxMarking: Sendable, Equatable {
    /// It was pending and is now sent at this time.
    case marked(id: Int64, atMs: Int64)
    /// Billing had already confirmed it (at this time, when known); nothing changed.
    case alreadySent(id: Int64, atMs: Int64?)
}

extension StoreDatabase {
    /// Outbox entries, oldest first: pending ones, or every entry with `includeSent`.
    public func outbox(includeSent: Bool) throws -> [OutboxRecord] {
        try pool.read { db in
            var request = OutboxRecord.order(Column("id"))
            if !includeSent { request = request.filter(Column("status") == OutboxRecord.pending) }
            return try request.fetchAll(db)
        }
    }

    /// Marks entries sent, all or nothing (an unknown id marks none and throws `unknownOutboxIDs`); an entry already
    /// sent keeps its time and attempts and is reported as such.
    public func markOutboxSentOnce(ids: [Int64], atMs: Int64) throws -> [OutboxMarking] {
        try pool.write { db in
            let entries = try OutboxRecord.filter(ids.contains(Column("id"))).fetchAll(db)
            let byID = Dictionary(entries.compactMap { entry in entry.id.map { ($0, entry) } }, uniquingKeysWith: { first, _ in first })
            let unknown = ids.filter { byID[$0] == nil }
            guard unknown.isEmpty else { throw StoreError.unknownOutboxIDs(unknown) }
            var seen = Set<Int64>()
            var result: [OutboxMarking] = []
            for id in ids where seen.insert(id).inserted {
                guard let entry = byID[id], entry.status == OutboxRecord.pending else {
                    result.append(.alreadySent(id: id, atMs: byID[id]?.sentAtMs))
                    continue
                }
                try db.execute(sql: "UPDATE outbox SET status = 'sent', sent_at_ms = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
                               arguments: [atMs, id])
                result.append(.marked(id: id, atMs: atMs))
            }
            return result
        }
    }
}
