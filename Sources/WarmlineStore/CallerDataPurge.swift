import Foundation
import GRDB

/// What one purge of caller data did, table by table (rows whose caller fields were replaced by pseudonyms).
public struct PurgeSummary: Sendable, Equatable, CustomStringConvertible {
    /// Caller data recorded before this instant (ms since 1970) was pseudonymised.
    public var beforeMs: Int64
    /// Calls whose `caller_id` was replaced.
    public var calls = 0
    /// Events whose payload's caller fields were replaced.
    public var events = 0
    /// Callback requests whose `caller_id` was replaced.
    public var callbacks = 0
    /// Day passes whose `msisdn` and idempotency key were replaced.
    public var dayPasses = 0
    /// Sent outbox entries whose payload's `msisdn` and idempotency key were replaced.
    public var outbox = 0

    /// Makes an empty summary for a purge up to `beforeMs`.
    public init(beforeMs: Int64) {
        self.beforeMs = beforeMs
    }

    /// Rows changed in all tables.
    public var total: Int { calls + events + callbacks + dayPasses + outbox }

    /// One line for the journal or the supervisor.
    public var description: String {
        let before = Self.utcTimestamp(ms: beforeMs)
        return "caller numbers and names recorded before \(before) replaced by pseudonyms: \(calls) calls, \(events) events, "
            + "\(callbacks) callbacks, \(dayPasses) day passes, \(outbox) sent outbox entries (rows and counts kept)"
    }
}

extension PurgeSummary {
    /// `2026-12-06T02:34:39Z` for epoch milliseconds, through libc: Foundation's date formatters load ICU's data,
    /// ~15 MB of the line process's resident memory for one line in the journal at start.
    static func utcTimestamp(ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

/// The pseudonym a caller number or name becomes: `anon:` and 16 hex digits of SHA-256(salt ":" value).
///
/// One salt per database, so one caller keeps one pseudonym (repeat-caller counts survive the purge) while the number
/// cannot be read back without the database's salt.
public enum CallerPseudonym {
    /// Every pseudonym starts with this.
    public static let prefix = "anon:"
    /// Caller ID placeholders that name nobody; kept as they are.
    static let placeholders: Set<String> = ["", "unknown", "withheld", "private", "anonymous", "unavailable", "p", "o"]

    /// The pseudonym of `value`, or `value` itself when it is a placeholder or already a pseudonym.
    public static func make(_ value: String, salt: String) -> String {
        guard isPersonal(value) else { return value }
        return prefix + SHA256.hex(of: Array((salt + ":" + value).utf8)).prefix(16)
    }

    /// True when `value` may name a caller (not a placeholder, not already a pseudonym).
    public static func isPersonal(_ value: String) -> Bool {
        !placeholders.contains(value.lowercased()) && !isPseudonym(value)
    }

    /// True for `anon:` and 16 lowercase hex digits.
    public static func isPseudonym(_ value: String) -> Bool {
        value.hasPrefix(prefix) && value.utf8.count == prefix.utf8.count + 16
            && value.utf8.dropFirst(prefix.utf8.count).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

extension StoreDatabase {
    /// Rows each purge transaction touches at most, so the event writer never waits long for the write lock.
    public static let purgeBatchRows = 500

    /// Replaces the caller numbers and names recorded before `beforeMs` with salted pseudonyms in calls, events,
    /// callbacks, day passes and sent outbox entries; rows stay, so counts and reports do not change. When it changed
    /// anything it logs a `store.purged` event with the counts; returns them. Running it again changes nothing more.
    public func purgeCallerData(beforeMs: Int64, nowMs: Int64, batchRows: Int = StoreDatabase.purgeBatchRows) throws -> PurgeSummary {
        let salt = try purgeSalt(nowMs: nowMs)
        let batch = max(1, batchRows)
        var summary = PurgeSummary(beforeMs: beforeMs)
        let keyed = StoreSchema.v3PseudonymisedPayloadKeys
        // `key` is personal only as a day pass's key (it holds the number), `reason` only when it quotes a number
        // (a ledger refusal: "pass #3 for +15550402 still runs"; its `rule` stays).
        let onlyWhen: [String: String] = ["key": "'daypass:*'", "reason": "'*[0-9][0-9][0-9][0-9][0-9]*'"]
        let replacements: [String] = keyed.map { (key: String) -> String in
            let value: String = "json_extract(payload, '$.\(key)')"
            guard let glob = onlyWhen[key] else { return "'$.\(key)', warmline_pseudonym(\(value))" }
            return "'$.\(key)', CASE WHEN \(value) GLOB \(glob) THEN warmline_pseudonym(\(value)) ELSE \(value) END"
        }
        let eventPayload = "json_replace(payload, " + replacements.joined(separator: ", ") + ")"
        let outboxPayload = "json_replace(payload, '$.msisdn', warmline_pseudonym(json_extract(payload, '$.msisdn')), "
            + "'$.idempotency_key', warmline_pseudonym(json_extract(payload, '$.idempotency_key')))"
        summary.calls = try purgeBatches(salt: salt, batch: batch, select: """
            SELECT rowid FROM calls WHERE rowid > ? AND started_at_ms < \(beforeMs) ORDER BY rowid LIMIT \(batch)
            """, update: """
            UPDATE calls SET caller_id = warmline_pseudonym(caller_id)
            WHERE rowid BETWEEN ? AND ? AND started_at_ms < \(beforeMs) AND caller_id IS NOT warmline_pseudonym(caller_id)
            """)
        summary.events = try purgeBatches(salt: salt, batch: batch, select: """
            SELECT id FROM events WHERE id > ? AND wall_time_ms < \(beforeMs) ORDER BY id LIMIT \(batch)
            """, update: """
            UPDATE events SET payload = purged.payload
            FROM (SELECT id, \(eventPayload) AS payload FROM events
                  WHERE id BETWEEN ?1 AND ?2 AND wall_time_ms < \(beforeMs) AND json_valid(payload)) AS purged
            WHERE events.id = purged.id AND events.payload IS NOT purged.payload
            """)
        summary.callbacks = try purgeBatches(salt: salt, batch: batch, select: """
            SELECT id FROM callbacks WHERE id > ? AND requested_at_ms < \(beforeMs) ORDER BY id LIMIT \(batch)
            """, update: """
            UPDATE callbacks SET caller_id = warmline_pseudonym(caller_id)
            WHERE id BETWEEN ? AND ? AND requested_at_ms < \(beforeMs) AND caller_id IS NOT warmline_pseudonym(caller_id)
            """)
        summary.dayPasses = try purgeBatches(salt: salt, batch: batch, select: """
            SELECT id FROM day_passes WHERE id > ? AND granted_at_ms < \(beforeMs) ORDER BY id LIMIT \(batch)
            """, update: """
            UPDATE day_passes SET msisdn = warmline_pseudonym(msisdn), idempotency_key = warmline_pseudonym(idempotency_key)
            WHERE id BETWEEN ? AND ? AND granted_at_ms < \(beforeMs)
              AND (msisdn IS NOT warmline_pseudonym(msisdn) OR idempotency_key IS NOT warmline_pseudonym(idempotency_key))
            """)
        // A pending entry has not reached billing yet: it keeps its number until it is sent.
        summary.outbox = try purgeBatches(salt: salt, batch: batch, select: """
            SELECT id FROM outbox WHERE id > ? AND created_at_ms < \(beforeMs) AND status = 'sent' ORDER BY id LIMIT \(batch)
            """, update: """
            UPDATE outbox SET payload = \(outboxPayload)
            WHERE id BETWEEN ? AND ? AND created_at_ms < \(beforeMs) AND status = 'sent' AND json_valid(payload)
              AND payload IS NOT \(outboxPayload)
            """)
        guard summary.total > 0 else { return summary }  // nothing to record: the caller's transcript says so
        let counts: [String: Any] = ["before_ms": beforeMs, "calls": summary.calls, "events": summary.events,
                                     "callbacks": summary.callbacks, "day_passes": summary.dayPasses, "outbox": summary.outbox]
        let payload = try JSONText.line(counts)
        try pool.write { db in
            try EventRecord(callID: nil, frameTime: 0, wallTimeMs: nowMs, type: EventType.storePurged, payload: payload).insert(db)
        }
        // Old page images of the replaced rows leave the WAL for the main file, where the new ones overwrite them.
        _ = try? pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        return summary
    }

    /// The database's purge salt, made (32 random bytes, hex) the first time it is needed and never changed after.
    func purgeSalt(nowMs: Int64) throws -> String {
        try pool.write { db in
            var generator = SystemRandomNumberGenerator()
            let fresh = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            try db.execute(sql: "INSERT OR IGNORE INTO purge_salt (id, salt, created_at_ms) VALUES (1, ?, ?)", arguments: [fresh, nowMs])
            guard let salt = try String.fetchOne(db, sql: "SELECT salt FROM purge_salt WHERE id = 1") else {
                throw StoreError.cannotOpen(path: path, reason: "the purge salt could not be stored")
            }
            return salt
        }
    }

    /// Runs `update` (arguments: first and last row id of a batch) over the rows `select` lists (argument: the last
    /// row id done), one short transaction per batch; returns the rows changed.
    private func purgeBatches(salt: String, batch: Int, select: String, update: String) throws -> Int {
        let pseudonym = DatabaseFunction("warmline_pseudonym", argumentCount: 1, pure: true) { values in
            switch values[0].storage {
            case .null: nil
            case .string(let text): CallerPseudonym.make(text, salt: salt)
            case .int64(let number): CallerPseudonym.make(String(number), salt: salt)
            case .double(let number): CallerPseudonym.make(String(number), salt: salt)
            case .blob(let data): CallerPseudonym.make(data.map { String(format: "%02x", $0) }.joined(), salt: salt)
            }
        }
        var changed = 0
        var lastDone = Int64.min
        while true {
            let done = try pool.write { db -> Bool in
                db.add(function: pseudonym)
                defer { db.remove(function: pseudonym) }
                let ids = try Int64.fetchAll(db, sql: select, arguments: [lastDone])
                guard let first = ids.first, let last = ids.last else { return true }
                try db.execute(sql: update, arguments: [first, last])
                changed += db.changesCount
                lastDone = last
                return ids.count < batch
            }
            if done { return changed }
        }
    }
}
