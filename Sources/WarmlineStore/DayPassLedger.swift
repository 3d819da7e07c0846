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
    /// With `limits`, the same transaction refuses (throwing `dayPassRefused` with the rule) a second open pass for `msisdn`,
    /// a pass within the cooldown, and one over the unit's hourly cap: two lines granting at once cannot both pass.
    /// A `provisional` pass (balance unknown) says so in the ledger and in the outbox for billing.
    public func grantDayPass(idempotencyKey: String, msisdn: String, callID: String?, grantedAtMs: Int64,
                             validityMs: Int64 = StoreDatabase.dayPassValidityMs, provisional: Bool = false,
                             limits: DayPassLimits? = nil) throws -> DayPassGrant {
        try pool.write { db in
            if let existing = try DayPassRecord.filter(Column("idempotency_key") == idempotencyKey).fetchOne(db) {
                return DayPassGrant(pass: existing, created: false)
            }
            if let limits { try limits.check(db, msisdn: msisdn, atMs: grantedAtMs) }
            var pass = DayPassRecord(idempotencyKey: idempotencyKey, msisdn: msisdn, callID: callID,
                                     grantedAtMs: grantedAtMs, expiresAtMs: grantedAtMs + validityMs, provisional: provisional)
            try pass.insert(db)
            let body: [String: Any] = ["pass_id": pass.id ?? 0, "msisdn": msisdn, "call_id": callID ?? NSNull(),
                                       "granted_at_ms": grantedAtMs, "expires_at_ms": pass.expiresAtMs,
                                       "idempotency_key": idempotencyKey, "provisional": provisional]
            let payload = try JSONText.line(body)
            var entry = OutboxRecord(kind: OutboxRecord.dayPassGrantKind, dayPassID: pass.id, payload: payload, createdAtMs: grantedAtMs)
            try entry.insert(db)
            return DayPassGrant(pass: pass, created: true)
        }
    }

    /// Day passes granted by this unit in the hour up to `atMs`.
    public func dayPassesGranted(inHourBefore atMs: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM day_passes WHERE granted_at_ms > ? AND granted_at_ms <= ?",
                             arguments: [atMs - 3_600_000, atMs]) ?? 0
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

/// The day pass limits the ledger enforces in the granting transaction (the engine checks them first at the offer).
public struct DayPassLimits: Sendable, Equatable {
    /// No second pass for a subscriber within this long of their last one.
    public var cooldownMs: Int64
    /// At most this many passes in any hour, unit-wide.
    public var unitMaxPerHour: Int

    /// Makes limits.
    public init(cooldownMs: Int64, unitMaxPerHour: Int) {
        self.cooldownMs = cooldownMs
        self.unitMaxPerHour = unitMaxPerHour
    }

    func check(_ db: Database, msisdn: String, atMs: Int64) throws {
        if let last = try DayPassRecord.filter(Column("msisdn") == msisdn).order(Column("granted_at_ms").desc).fetchOne(db) {
            if last.expiresAtMs > atMs {
                throw StoreError.dayPassRefused(rule: "one_open_pass", reason: "pass #\(last.id ?? 0) for \(msisdn) still runs")
            }
            if atMs - last.grantedAtMs < cooldownMs {
                throw StoreError.dayPassRefused(rule: "cooldown", reason: "pass #\(last.id ?? 0) for \(msisdn) was granted "
                    + "\((atMs - last.grantedAtMs) / 86_400_000) days ago; one per \(cooldownMs / 86_400_000) days")
            }
        }
        let lastHour = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM day_passes WHERE granted_at_ms > ? AND granted_at_ms <= ?",
                                        arguments: [atMs - 3_600_000, atMs]) ?? 0
        if lastHour >= unitMaxPerHour {
            throw StoreError.dayPassRefused(rule: "unit_hourly_cap",
                                            reason: "the unit granted \(lastHour) passes in the past hour (limit \(unitMaxPerHour))")
        }
    }
}
