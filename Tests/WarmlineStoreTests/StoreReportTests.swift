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
        #expect(table.contains("2026-11-26 00:00:00.000 → 2026-11-27 00:00:00.000"))
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
