import Foundation
import Testing
import WarmlineCore
import WarmlineStore
@testable import WarmlineUnit

@Suite("Caller history")
struct CallerHistoryTests {
    @Test("every wall time in the context gets the offset of its own instant: a winter pass seen from a summer call")
    func wallTimesUseTheZone() throws {
        let scratch = try ScratchDirectory("history")
        defer { scratch.cleanUp() }
        let store = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        let kyiv = try ZoneInfo.load("Europe/Kyiv")
        let winterMs: Int64 = 1_767_225_600_000  // 2026-01-01 00:00 UTC, 02:00 in Kyiv
        let summerMs: Int64 = 1_782_864_000_000  // 2026-07-01 00:00 UTC, 03:00 in Kyiv
        _ = try store.grantDayPass(idempotencyKey: "k1", msisdn: "+380501234567", callID: nil, grantedAtMs: winterMs)
        try store.saveCall(CallRecord(id: "earlier", line: 1, callerID: "+380501234567", startedAtMs: summerMs - 600_000))
        let found = try CallerHistory.context(store: store, callID: "now", callerID: "+380501234567", nowMs: summerMs, zone: kyiv)
        #expect(found.context.startedAt.zone == kyiv)
        #expect(found.context.startedAt.utcOffsetSeconds == 10800)
        #expect(found.context.startedAt.local.hour == 3)
        let pass = try #require(found.context.lastDayPassGrantedAt)
        #expect(pass.utcOffsetSeconds == 7200 && pass.local.hour == 2)
        #expect(found.context.earlierCallsAt.map(\.utcOffsetSeconds) == [10800])
        let withheld = try CallerHistory.context(store: store, callID: "anon", callerID: nil, nowMs: winterMs, zone: kyiv)
        #expect(withheld.context.startedAt.utcOffsetSeconds == 7200)
    }

    @Test("the subscriber and their passes are found by the caller ID's E.164 form, whichever way the network wrote it; short codes find nobody")
    func normalisedLookup() throws {
        let scratch = try ScratchDirectory("history")
        defer { scratch.cleanUp() }
        let store = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        let nowMs: Int64 = 1_782_864_000_000
        try store.pool.write { db in
            try SubscriberRecord(msisdn: "+15550402", balanceMinor: 0, currency: "USD", updatedAtMs: nowMs).insert(db)
        }
        _ = try store.grantDayPass(idempotencyKey: "k1", msisdn: "+15550402", callID: nil, grantedAtMs: nowMs - 1_800_000)
        for callerID in ["+15550402", "15550402", "0015550402", "+015550402"] {
            let found = try CallerHistory.context(store: store, callID: "c", callerID: callerID, nowMs: nowMs, zone: .fixed(offsetSeconds: 0))
            #expect(found.context.balance == .known(minorUnits: 0), "\(callerID)")
            #expect(found.context.lastDayPassExpiresAt?.secondsSinceEpoch == (nowMs + 23 * 3_600_000 + 1_800_000) / 1000, "\(callerID)")
            #expect(found.context.unitDayPassesLastHour == 1)
        }
        let short = try CallerHistory.context(store: store, callID: "c", callerID: "99999", nowMs: nowMs, zone: .fixed(offsetSeconds: 0))
        #expect(short.context.balance == .unknown)
        #expect(short.context.lastDayPassGrantedAt == nil)
    }
}
