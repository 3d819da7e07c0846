import Foundation
import GRDB

/// One delivery attempt of an outbox entry to the billing endpoint, as the sync records it.
public struct BillingAttempt: Sendable, Equatable {
    /// The outbox entry.
    public var outboxID: Int64
    /// 1 for the first attempt of this entry, then 2, 3, ...
    public var attempt: Int
    /// When the request was sent, milliseconds since 1970.
    public var atMs: Int64
    /// HTTP status billing answered, nil when no answer came (timeout, refused connection).
    public var statusCode: Int?
    /// Why it failed, in words (nil on a 2xx).
    public var error: String?
    /// How long the request took, milliseconds.
    public var durationMs: Int64

    /// Makes an attempt record.
    public init(outboxID: Int64, attempt: Int, atMs: Int64, statusCode: Int?, error: String?, durationMs: Int64) {
        self.outboxID = outboxID
        self.attempt = attempt
        self.atMs = atMs
        self.statusCode = statusCode
        self.error = error
        self.durationMs = durationMs
    }

    /// Billing took it: only a 2xx acknowledges an entry.
    public var acknowledged: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// An outbox entry with what the sync needs to decide whether to send it now.
public struct BillingPending: Sendable, Equatable {
    /// The entry.
    public var entry: OutboxRecord
    /// The last attempt's time, if any attempt was made.
    public var lastAttemptAtMs: Int64?
    /// The granting call, so attempts appear in its timeline.
    public var callID: String?
    /// The day pass's own idempotency key, if the entry reports a pass.
    public var dayPassKey: String?

    /// The `Idempotency-Key` header for this entry: stable for its whole life (every retry, every process), and free of
    /// the caller's number (the pass key may hold it): `wl-` and 32 hex digits of SHA-256 over the kind and the pass key.
    public var idempotencyKey: String {
        let basis = "\(entry.kind)\n\(dayPassKey ?? "outbox:\(entry.id ?? 0):\(entry.createdAtMs)")"
        return "wl-" + SHA256.hex(of: Array(basis.utf8)).prefix(32)
    }
}

/// Event types the billing sync writes (the events table is the log of every attempt).
public enum BillingEventType {
    /// One POST of an outbox entry. Payload: `outbox_id`, `attempt`, `status` (or null), `error`, `duration_ms`, `idempotency_key`.
    public static let attempt = "billing.attempt"
    /// Billing acknowledged an entry (2xx): the pass is active from now. Payload: `outbox_id`, `attempts`, `day_pass_id`.
    public static let acknowledged = "billing.acknowledged"
}

extension StoreDatabase {
    /// Pending outbox entries, oldest first, each with its last attempt (from the `billing.attempt` events).
    public func billingPending() throws -> [BillingPending] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT outbox.*, day_passes.call_id AS pass_call_id, day_passes.idempotency_key AS pass_key,
                       (SELECT MAX(wall_time_ms) FROM events
                        WHERE events.type = ? AND json_extract(events.payload, '$.outbox_id') = outbox.id) AS last_attempt_at_ms
                FROM outbox LEFT JOIN day_passes ON day_passes.id = outbox.day_pass_id
                WHERE outbox.status = ? ORDER BY outbox.id
                """, arguments: [BillingEventType.attempt, OutboxRecord.pending]).map { row in
                BillingPending(entry: try OutboxRecord(row: row), lastAttemptAtMs: row["last_attempt_at_ms"],
                               callID: row["pass_call_id"], dayPassKey: row["pass_key"])
            }
        }
    }

    /// Records one attempt in one transaction: the entry's attempt count, an event in the granting call's log and, on a
    /// 2xx, the acknowledgement (status `sent`, which makes the pass active). An entry acknowledged already (a duplicate
    /// answer, or another sync got there first) keeps its first acknowledgement. Returns true when this attempt
    /// acknowledged the entry.
    @discardableResult
    public func recordBillingAttempt(_ attempt: BillingAttempt, pending: BillingPending) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", arguments: [attempt.outboxID])
            let payload: [String: Any] = [
                "outbox_id": attempt.outboxID, "attempt": attempt.attempt, "status": attempt.statusCode ?? NSNull(),
                "error": attempt.error ?? NSNull(), "duration_ms": attempt.durationMs, "idempotency_key": pending.idempotencyKey,
            ]
            try EventRecord(callID: pending.callID, frameTime: 0, wallTimeMs: attempt.atMs, type: BillingEventType.attempt,
                            payload: try JSONText.line(payload)).insert(db)
            guard attempt.acknowledged else { return false }
            try db.execute(sql: "UPDATE outbox SET status = ?, sent_at_ms = ? WHERE id = ? AND status = ?",
                           arguments: [OutboxRecord.sent, attempt.atMs, attempt.outboxID, OutboxRecord.pending])
            guard db.changesCount == 1 else { return false }
            let acknowledged: [String: Any] = ["outbox_id": attempt.outboxID, "attempts": attempt.attempt,
                                               "day_pass_id": pending.entry.dayPassID ?? NSNull()]
            try EventRecord(callID: pending.callID, frameTime: 0, wallTimeMs: attempt.atMs, type: BillingEventType.acknowledged,
                            payload: try JSONText.line(acknowledged)).insert(db)
            return true
        }
    }

    /// Every recorded attempt of one outbox entry, oldest first.
    public func billingAttempts(outboxID: Int64) throws -> [BillingAttempt] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT wall_time_ms, json_extract(payload, '$.attempt') AS attempt, json_extract(payload, '$.status') AS status,
                       json_extract(payload, '$.error') AS error, json_extract(payload, '$.duration_ms') AS duration_ms
                FROM events WHERE type = ? AND json_extract(payload, '$.outbox_id') = ? ORDER BY id
                """, arguments: [BillingEventType.attempt, outboxID]).map { row in
                BillingAttempt(outboxID: outboxID, attempt: row["attempt"], atMs: row["wall_time_ms"], statusCode: row["status"],
                               error: row["error"], durationMs: row["duration_ms"] ?? 0)
            }
        }
    }
}
