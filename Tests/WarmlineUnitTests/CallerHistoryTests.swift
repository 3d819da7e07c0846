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
}
