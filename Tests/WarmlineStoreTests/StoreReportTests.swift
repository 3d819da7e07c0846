import Foundation
import Testing
@testable import WarmlineStore

@Suite("StoreReport")
struct StoreReportTests {
    @Test("the report for a day counts that day's calls and events only")
    func dayReport() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let report = try store.report(fromMs: StoreFixture.dayStartMs, toMs: StoreFixture.dayStartMs + 86_400_000)
        #expect(report.calls == 6)
        #expect(report.answered == 5)
        #expect(report.distressHandoffs == 1)
        #expect(report.agentRequests == 3)
        #expect(report.dayPassesGranted == 1)
        #expect(report.dayPassesRefused == 1)
        #expect(report.callbacks == 1)
        #expect(report.abandonedBeforePerson == 2)
        #expect(report.handoffLatency == .init(count: 2, p50Ms: 2_500, p95Ms: 9_800, maxMs: 9_800))
        let table = report.renderedTable(timeZone: TimeZone(secondsFromGMT: 0)!)
        #expect(table.contains("distress hand-offs         1"))
        #expect(table.contains("2026-11-26 00:00:00 +00:00 → 2026-11-27 00:00:00 +00:00"))
    }

    @Test("calls released to the bypass relay are counted apart from abandoned ones")
    func bypassed() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try store.saveCall(CallRecord(id: "b1", line: 1, callerID: "+15550001", startedAtMs: 1_000, answeredAtMs: 1_000,
                                      endedAtMs: 200_000, outcome: CallOutcome.bypassed))
        try store.saveCall(CallRecord(id: "a1", line: 1, callerID: "+15550002", startedAtMs: 2_000, answeredAtMs: 2_000,
                                      endedAtMs: 9_000, outcome: CallOutcome.abandoned))
        let report = try store.report(fromMs: 0, toMs: 1_000_000)
        #expect(report.releasedToBypass == 1)
        #expect(report.abandonedBeforePerson == 1)
        #expect(report.renderedTable(timeZone: TimeZone(secondsFromGMT: 0)!).contains("released to bypass         1"))
    }

    @Test("percentiles use the nearest rank")
    func percentiles() {
        let values: [Int64] = Array(1...20)
        #expect(StoreReport.percentile(values, 0.5) == 10)
        #expect(StoreReport.percentile(values, 0.95) == 19)
        #expect(StoreReport.percentile([7], 0.95) == 7)
        #expect(StoreReport.percentile([], 0.5) == nil)
    }
}
