import Foundation
import GRDB
import Testing
@testable import WarmlineStore

/// A database written by the schema before v4 (migrations v1-v3 exactly as shipped), opened by this store.
@Suite("Outcome migration (v4)")
struct OutcomeMigrationTests {
    static let t0: Int64 = 1_795_651_200_000 + 9 * 3_600_000

    /// Old rows: outcome in the old words, hand-off latency counting a callback offer, every hand-off `agent.requested`.
    static func oldDatabase(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v3-caller-data-purge")
        try queue.write { db in
            func call(_ id: String, _ at: Int64, _ outcome: String?, answeredAfter: Int64? = 1_000, endedAfter: Int64?,
                      latency: Int64? = nil, target: String? = nil) throws {
                try db.execute(sql: """
                    INSERT INTO calls (id, line, caller_id, started_at_ms, answered_at_ms, ended_at_ms, outcome, language,
                                       handoff_target, handoff_latency_ms) VALUES (?, 1, '+15550100', ?, ?, ?, ?, 'en', ?, ?)
                    """, arguments: [id, at, answeredAfter.map { at + $0 }, endedAfter.map { at + $0 }, outcome, target, latency])
            }
            func event(_ id: String, _ at: Int64, _ offset: Int64, _ type: String, _ payload: String) throws {
                try db.execute(sql: "INSERT INTO events (call_id, frame_time, wall_time_ms, type, payload) VALUES (?, ?, ?, ?, ?)",
                               arguments: [id, offset * 8, at + offset, type, payload])
            }
            // distress by keyword, reached the second agent
            try call("d1", t0, "handed_off", endedAfter: 95_000, latency: 9_800, target: "agent-2")
            try event("d1", t0, 7_520, "distress.handoff", #"{"reasons":"distress_keyword='help'","score":"0.7"}"#)
            try event("d1", t0, 7_520, "handoff.started", #"{"reason":"distress score 0.7","priority":"urgent"}"#)
            try event("d1", t0, 17_320, "handoff.connected", #"{"target":"agent-2"}"#)
            // pressed 0, waited 47 s, got a callback offer: once shown as a 47 s hand-off
            let c2 = t0 + 600_000
            try call("c2", c2, "callback", endedAfter: 60_000, latency: 47_000)
            try event("c2", c2, 6_000, "agent.requested", #"{"reason":"caller asked for a person (pressed 0)","priority":"normal"}"#)
            try event("c2", c2, 52_000, "callback.requested", #"{"caller_id":"+15550100"}"#)
            // three invalid keys, then hung up while it rang
            let m3 = t0 + 1_200_000
            try call("m3", m3, "abandoned", endedAfter: 40_000)
            try event("m3", m3, 20_000, "agent.requested", #"{"reason":"caller could not use menu 'main' (3 invalid inputs)"}"#)
            // hung up 1 s into the greeting
            try call("g4", t0 + 1_800_000, "abandoned", endedAfter: 2_000)
            // still in the menu at 60 s, nobody answered: bypass relay
            let b5 = t0 + 2_400_000
            try call("b5", b5, "bypassed", endedAfter: 250_000, latency: 249_000)
            try event("b5", b5, 61_000, "agent.requested", #"{"reason":"caller still in the menu after 60 s, no person reached yet"}"#)
            // silent open line, reached a person
            let s6 = t0 + 3_000_000
            try call("s6", s6, "handed_off", endedAfter: 90_000, latency: 4_000, target: "desk")
            try event("s6", s6, 26_000, "distress.handoff", #"{"reasons":"silent_open_line=no speech or keys for 25 s"}"#)
            try event("s6", s6, 30_000, "handoff.connected", #"{"target":"desk"}"#)
            try call("h7", t0 + 3_600_000, "self_served", endedAfter: 30_000)
            try call("f8", t0 + 4_200_000, "failed", endedAfter: 5_000)
            try call("p9", t0 + 4_800_000, nil, endedAfter: nil)
        }
    }

    @Test("an old database gets one outcome per call, the hand-off reason and honest timings, derived from its events")
    func migratesOldDatabase() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("old.sqlite")
        try Self.oldDatabase(at: path)
        let eventsBefore = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events") }
        let store = try StoreDatabase(path: path)
        let calls = try store.pool.read { try CallRecord.fetchAll($0) }
        let byID = Dictionary(uniqueKeysWithValues: calls.map { ($0.id, $0) })
        #expect(byID["d1"]?.outcome == "reached_person")
        #expect(byID["d1"]?.handoffReason == "distress")
        #expect(byID["d1"]?.handoffStartedMs == 6_520)
        #expect(byID["d1"]?.personReachedMs == 16_320)
        #expect(byID["d1"]?.handoffLatencyMs == 9_800)
        #expect(byID["d1"]?.durationMs == 94_000)
        #expect(byID["c2"]?.outcome == "callback_promised")
        #expect(byID["c2"]?.handoffReason == "asked")
        #expect(byID["c2"]?.handoffLatencyMs == nil, "a callback offer is not a person reached")
        #expect(byID["c2"]?.personReachedMs == nil)
        #expect(byID["c2"]?.waitMs == 54_000)
        #expect(byID["m3"]?.outcome == "abandoned_waiting")
        #expect(byID["m3"]?.handoffReason == "menu_failure")
        #expect(byID["g4"]?.outcome == "abandoned_in_menu")
        #expect(byID["g4"]?.handoffReason == nil)
        #expect(byID["g4"]?.durationMs == 1_000)
        #expect(byID["b5"]?.outcome == "bypassed")
        #expect(byID["b5"]?.handoffReason == "time_bound")
        #expect(byID["b5"]?.handoffLatencyMs == nil)
        #expect(byID["s6"]?.outcome == "reached_person")
        #expect(byID["s6"]?.handoffReason == "silent")
        #expect(byID["h7"]?.outcome == "self_served")
        #expect(byID["f8"]?.outcome == "failed")
        #expect(byID["p9"]?.outcome == nil)
        // the event log is append-only and stays as it was
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events") } == eventsBefore)
        let applied = try store.pool.read { try StoreSchema.migrator.appliedIdentifiers($0) }
        #expect(applied.contains("v4-call-outcomes-handoff-reasons"))
    }

    @Test("the report on a migrated database counts the callback apart from people reached and the greeting hang-up as a short abandon")
    func reportAfterMigration() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("old.sqlite")
        try Self.oldDatabase(at: path)
        let report = try StoreDatabase(path: path).report(fromMs: Self.t0, toMs: Self.t0 + 86_400_000)
        #expect(report.handoffLatency == .init(count: 2, p50Ms: 4_000, p95Ms: 9_800, maxMs: 9_800))
        #expect(report.agentRequests == 1)
        #expect(report.distressHandoffs == 2)
        #expect(report.shortAbandons == 1)
        #expect(report.abandonedBeforePerson == 1)
        #expect(report.handoffReasons.first { $0.name == "menu_failure" }?.count == 1)
        #expect(report.handoffReasons.first { $0.name == "time_bound" }?.count == 1)
    }
}
