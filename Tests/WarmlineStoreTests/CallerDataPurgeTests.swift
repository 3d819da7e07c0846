import Foundation
import GRDB
import Testing
@testable import WarmlineStore

@Suite("CallerDataPurge")
struct CallerDataPurgeTests {
    static let day: Int64 = 86_400_000
    static let oldMs = StoreFixture.nineMs
    static let newMs = StoreFixture.nineMs + 100 * day

    /// Two calls from one number and one from another, long ago; one call from the first number recently; each with
    /// its ring event, and a day pass (sent to billing) and a callback for the old ones.
    static func fill(_ store: StoreDatabase) throws {
        let calls: [(String, String?, Int64)] = [("old-1", "+15550402", oldMs), ("old-2", "+15550402", oldMs + 60_000),
                                                 ("old-3", "+15550999", oldMs + 120_000), ("old-4", nil, oldMs + 180_000),
                                                 ("new-1", "+15550402", newMs)]
        for (id, caller, startMs) in calls {
            try store.saveCall(CallRecord(id: id, line: 1, callerID: caller, startedAtMs: startMs, outcome: CallOutcome.selfServed.rawValue))
            try store.pool.write { db in
                try EventRecord(callID: id, frameTime: 0, wallTimeMs: startMs, type: EventType.callRing,
                                payload: #"{"caller_id":"\#(caller ?? "unknown")","line":"1"}"#).insert(db)
                try EventRecord(callID: id, frameTime: 800, wallTimeMs: startMs + 100, type: EventType.menuNode,
                                payload: #"{"input":"1","node":"main"}"#).insert(db)
            }
        }
        let grant = try store.grantDayPass(idempotencyKey: "daypass:+15550402:after:never", msisdn: "+15550402", callID: "old-1",
                                           grantedAtMs: oldMs + 5_000)
        try store.markOutboxSent(ids: [try #require(try store.pendingOutbox().first?.id)], atMs: oldMs + 6_000)
        try store.pool.write { db in
            try EventRecord(callID: "old-1", frameTime: 8_000, wallTimeMs: oldMs + 5_000, type: EventType.dayPassGranted,
                            payload: #"{"expires_at":"tomorrow","key":"daypass:+15550402:after:never","msisdn":"+15550402","pass_id":"\#(grant.pass.id ?? 0)"}"#)
                .insert(db)
        }
        try store.pool.write { db in
            try EventRecord(callID: "old-2", frameTime: 8_000, wallTimeMs: oldMs + 65_000, type: EventType.dayPassRefused,
                            payload: #"{"reason":"pass #1 for +15550402 still runs","rule":"one_open_pass","stage":"ledger"}"#).insert(db)
            try EventRecord(callID: "old-2", frameTime: 9_000, wallTimeMs: oldMs + 66_000, type: EventType.handoffFailed,
                            payload: #"{"reason":"busy","target":"desk"}"#).insert(db)
        }
        try store.requestCallback(CallbackRecord(callID: "old-3", callerID: "+15550999", requestedAtMs: oldMs + 130_000, reason: "no agent"))
    }

    static func callerIDs(_ store: StoreDatabase) throws -> [String: String?] {
        try store.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, caller_id FROM calls").map { ($0["id"] as String, $0["caller_id"] as String?) })
        }
    }

    static func payloads(_ store: StoreDatabase) throws -> [String] {
        try store.pool.read { try String.fetchAll($0, sql: "SELECT payload FROM events WHERE type != ? ORDER BY id", arguments: [EventType.storePurged]) }
    }

    @Test("numbers older than the cut-off become salted pseudonyms everywhere; newer ones, placeholders and other fields stay")
    func pseudonymisesOldCallerData() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try Self.fill(store)
        let summary = try store.purgeCallerData(beforeMs: Self.newMs - Self.day, nowMs: Self.newMs)

        #expect(summary.calls == 3)          // old-4 had no caller ID
        #expect(summary.events == 5)         // three rings with a number, the grant and the ledger refusal; "unknown" stays
        #expect(summary.callbacks == 1)
        #expect(summary.dayPasses == 1)
        #expect(summary.outbox == 1)
        let callers = try Self.callerIDs(store)
        let old1 = try #require(callers["old-1"] ?? nil)
        #expect(CallerPseudonym.isPseudonym(old1))
        #expect(callers["old-2"] == .some(old1))               // one caller keeps one pseudonym
        let old3 = try #require(callers["old-3"] ?? nil)
        #expect(old3 != old1 && CallerPseudonym.isPseudonym(old3))
        #expect(callers["old-4"] == .some(nil))
        #expect(callers["new-1"] == .some("+15550402"))         // inside the retention: untouched

        let everything = try store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT payload FROM events WHERE wall_time_ms < ? UNION ALL SELECT msisdn || idempotency_key FROM day_passes
                UNION ALL SELECT payload FROM outbox UNION ALL SELECT caller_id FROM callbacks
                """, arguments: [Self.newMs - Self.day])
        }
        #expect(!everything.joined().contains("5550402") && !everything.joined().contains("5550999"), "\(everything)")
        let payloads = try Self.payloads(store)
        #expect(payloads.contains(#"{"caller_id":"\#(old1)","line":"1"}"#))
        #expect(payloads.contains(#"{"caller_id":"unknown","line":"1"}"#))
        #expect(payloads.contains(#"{"input":"1","node":"main"}"#))
        #expect(payloads.contains(#"{"caller_id":"+15550402","line":"1"}"#))  // the new call's ring
        let grant = try #require(payloads.first { $0.contains("expires_at") })
        #expect(grant.contains(#""msisdn":"\#(old1)""#) && grant.contains(#""expires_at":"tomorrow""#))
        // a reason quoting the number is replaced whole, its rule kept; a reason without one stays
        #expect(payloads.contains { $0.hasPrefix(#"{"reason":"anon:"#) && $0.hasSuffix(#"","rule":"one_open_pass","stage":"ledger"}"#) })
        #expect(payloads.contains(#"{"reason":"busy","target":"desk"}"#))
    }

    @Test("repeat-caller counts and the report's totals are the same after the purge; a second purge changes nothing")
    func keepsCounts() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        try Self.fill(store)
        let countsSQL = "SELECT COUNT(*) FROM calls GROUP BY caller_id ORDER BY COUNT(*) DESC, MIN(started_at_ms)"
        let before = try store.pool.read { try Int.fetchAll($0, sql: countsSQL) }
        let reportBefore = try store.report(fromMs: 0, toMs: Self.newMs + Self.day)
        let eventsBefore = try eventCount(store)

        let first = try store.purgeCallerData(beforeMs: Self.newMs + Self.day, nowMs: Self.newMs + Self.day)
        #expect(first.total > 0)
        #expect(try store.pool.read { try Int.fetchAll($0, sql: countsSQL) } == before)
        #expect(try store.report(fromMs: 0, toMs: Self.newMs + Self.day) == reportBefore)
        #expect(try eventCount(store) == eventsBefore + 1)
        #expect(try eventCount(store, type: EventType.storePurged) == 1)

        let second = try store.purgeCallerData(beforeMs: Self.newMs + Self.day, nowMs: Self.newMs + Self.day)
        #expect(second.total == 0)
        #expect(try eventCount(store, type: EventType.storePurged) == 1)  // a purge that changed nothing logs no event
        #expect(try store.pool.read { try Int.fetchAll($0, sql: countsSQL) } == before)
    }

    @Test("the purge logs what it did as a store.purged event with the counts")
    func logsWhatItDid() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try Self.fill(store)
        let summary = try store.purgeCallerData(beforeMs: Self.newMs - Self.day, nowMs: Self.newMs, batchRows: 2)
        let logged = try #require(try store.pool.read { try EventRecord.filter(Column("type") == EventType.storePurged).fetchOne($0) })
        #expect(logged.wallTimeMs == Self.newMs && logged.callID == nil)
        #expect(logged.payload == #"{"before_ms":\#(Self.newMs - Self.day),"callbacks":1,"calls":3,"day_passes":1,"events":5,"outbox":1}"#)
        #expect(summary.description.contains("3 calls, 5 events, 1 callbacks, 1 day passes, 1 sent outbox entries"))
    }

    @Test("an outbox entry billing has not confirmed keeps its number")
    func pendingOutboxKept() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        _ = try store.grantDayPass(idempotencyKey: "daypass:+15550777:after:never", msisdn: "+15550777", callID: nil, grantedAtMs: Self.oldMs)
        let summary = try store.purgeCallerData(beforeMs: Self.newMs, nowMs: Self.newMs)
        #expect(summary.dayPasses == 1 && summary.outbox == 0)
        #expect(try store.pendingOutbox().first?.payload.contains("+15550777") == true)
    }

    @Test("the salt is made once per database, differs between databases, and cannot be changed or deleted")
    func saltIsFixed() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let salt = try store.purgeSalt(nowMs: 1)
        #expect(salt.count == 64)
        #expect(try store.purgeSalt(nowMs: 2) == salt)
        #expect(try TemporaryDirectory().store().purgeSalt(nowMs: 1) != salt)
        #expect(throws: DatabaseError.self) { try store.pool.write { try $0.execute(sql: "UPDATE purge_salt SET salt = 'x'") } }
        #expect(throws: DatabaseError.self) { try store.pool.write { try $0.execute(sql: "DELETE FROM purge_salt") } }
        #expect(try store.purgeSalt(nowMs: 3) == salt)
    }

    @Test("events stay append-only: ordinary updates and deletes, a number swapped for another, or a pseudonym in another field are refused")
    func appendOnlyOtherwise() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try Self.fill(store)
        let before = try Self.payloads(store)
        let refused = [
            "UPDATE events SET type = 'x'",
            "UPDATE events SET wall_time_ms = wall_time_ms + 1",
            "UPDATE events SET call_id = 'other'",
            "UPDATE events SET payload = '{}'",
            #"UPDATE events SET payload = json_replace(payload, '$.caller_id', '+15559999')"#,
            #"UPDATE events SET payload = json_replace(payload, '$.line', 'anon:0123456789abcdef')"#,
            #"UPDATE events SET payload = json_replace(payload, '$.reason', 'a different story')"#,
            #"UPDATE events SET payload = json_replace(payload, '$.rule', 'anon:0123456789abcdef')"#,
            #"UPDATE events SET payload = json_replace(payload, '$.caller_id', NULL) WHERE payload LIKE '%caller_id%'"#,
            #"UPDATE events SET payload = json_set(payload, '$.caller_id', 'anon:0123456789abcdef') WHERE payload NOT LIKE '%caller_id%'"#,
            #"UPDATE events SET payload = json_replace(payload, '$.caller_id', 'anon:0123456789ABCDEF')"#,
            "DELETE FROM events",
            "DELETE FROM events WHERE wall_time_ms < \(Self.newMs)",
        ]
        for sql in refused {
            #expect(throws: DatabaseError.self, "\(sql)") { try store.pool.write { try $0.execute(sql: sql) } }
        }
        #expect(try Self.payloads(store) == before)
        // the one sanctioned shape: a caller field replaced by a pseudonym, nothing else changed
        try store.pool.write {
            try $0.execute(sql: #"UPDATE events SET payload = json_replace(payload, '$.caller_id', 'anon:0123456789abcdef') WHERE call_id = 'old-3' AND type = ?"#,
                           arguments: [EventType.callRing])
        }
        #expect(try Self.payloads(store).contains(#"{"caller_id":"anon:0123456789abcdef","line":"1"}"#))
    }

    @Test("pseudonyms: placeholders and pseudonyms are kept, numbers become anon: and 16 hex digits that depend on the salt")
    func pseudonymShape() {
        #expect(CallerPseudonym.make("unknown", salt: "s") == "unknown")
        #expect(CallerPseudonym.make("", salt: "s") == "")
        let pseudonym = CallerPseudonym.make("+15550402", salt: "s")
        #expect(CallerPseudonym.isPseudonym(pseudonym))
        #expect(CallerPseudonym.make(pseudonym, salt: "s") == pseudonym)
        #expect(CallerPseudonym.make("+15550402", salt: "t") != pseudonym)
        #expect(pseudonym == "anon:" + SHA256.hex(of: Array("s:+15550402".utf8)).prefix(16))
    }
}
