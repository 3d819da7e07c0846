import Foundation
import GRDB

/// The result of a grant: the pass, and whether this call created it or found an earlier grant with the same key.
public struct DayPassGrant: Sendable, Equatable {
    /// The ledger row.
    public var pass: DayPassRecord
    /// False when the idempotency key had already granted this pass (a retry).
    public var created: Bool
}

extension StoreDatabase {
    /// A day pass lasts this long unless the policy says otherwise.
    public static let dayPassValidityMs: Int64 = 24 * 60 * 60 * 1_000

    /// Grants a day pass once per `idempotencyKey`: ledger row and outbox entry in one transaction; a retry returns the existing pass.
    public func grantDayPass(idempotencyKey: String, msisdn: String, callID: String?, grantedAtMs: Int64,
                             validityMs: Int64 = StoreDatabase.dayPassValidityMs) throws -> DayPassGrant {
        try pool.write { db in
            if let existing = try DayPassRecord.filter(Column("idempotency_key") == idempotencyKey).fetchOne(db) {
                return DayPassGrant(pass: existing, created: false)
            }
            var pass = DayPassRecord(idempotencyKey: idempotencyKey, msisdn: msisdn, callID: callID,
                                     grantedAtMs: grantedAtMs, expiresAtMs: grantedAtMs + validityMs)
            try pass.insert(db)
            let body: [String: Any] = ["pass_id": pass.id ?? 0, "msisdn": msisdn, "call_id": callID ?? NSNull(),
                                       "granted_at_ms": grantedAtMs, "expires_at_ms": pass.expiresAtMs,
                                       "idempotency_key": idempotencyKey]
            let payload = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
            var entry = OutboxRecord(kind: OutboxRecord.dayPassGrantKind, dayPassID: pass.id, payload: payload, createdAtMs: grantedAtMs)
            try entry.insert(db)
            return DayPassGrant(pass: pass, created: true)
        }
    }

    /// True once billing acknowledged the pass granted under `idempotencyKey` (its outbox entry is sent).
    public func isDayPassConfirmed(idempotencyKey: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM outbox JOIN day_passes ON day_passes.id = outbox.day_pass_id
                               WHERE day_passes.idempotency_key = ? AND outbox.status = 'sent')
                """, arguments: [idempotencyKey]) ?? false
        }
    }

    /// Outbox entries billing has not confirmed yet, oldest first.
    public func pendingOutbox() throws -> [OutboxRecord] {
        try pool.read { db in
            try OutboxRecord.filter(Column("status") == OutboxRecord.pending).order(Column("id")).fetchAll(db)
        }
    }

    /// Marks outbox entries as sent, all or nothing: an unknown id marks none.
    public func markOutboxSent(ids: [Int64], atMs: Int64) throws {
        try pool.write { db in
            let known = Set(try Int64.fetchAll(db, OutboxRecord.select(Column("id")).filter(ids.contains(Column("id")))))
            let unknown = ids.filter { !known.contains($0) }
            guard unknown.isEmpty else { throw StoreError.unknownOutboxIDs(unknown) }
            for id in ids {
                try db.execute(sql: """
                    UPDATE outbox SET status = 'sent', sent_at_ms = ?, attempts = attempts + 1
                    WHERE id = ? AND status = 'pending'
                    """, arguments: [atMs, id])
            }
        }
    }

    /// Records a callback request (every agent target failed).
    @discardableResult
    public func requestCallback(_ request: CallbackRecord) throws -> CallbackRecord {
        try pool.write { db in
            var request = request
            try request.insert(db)
            return request
        }
    }

    /// The cached balance of `msisdn`, if imported.
    public func subscriber(msisdn: String) throws -> SubscriberRecord? {
        try pool.read { try SubscriberRecord.fetchOne($0, key: msisdn) }
    }
}
