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
        // L2-0003 rang and hung up before the unit answered: not abandoned before a person (issue 18), so 2 became 1
        #expect(report.abandonedBeforePerson == 1)
        #expect(report.handoffLatency == .init(count: 2, p50Ms: 2_500, p95Ms: 9_800, maxMs: 9_800))
        let table = report.renderedTable(timeZone: TimeZone(secondsFromGMT: 0)!)
        #expect(table.contains("distress hand-offs         1"))
        #expect(table.contains("period                     2026-11-26 00:00:00 → 2026-11-27 00:00:00 (+00:00)\n"))
    }

    @Test("calls released to the bypass relay are counted apart from abandoned ones")
    func bypassed() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try store.saveCall(CallRecord(id: "b1", line: 1, callerID: "+15550001", startedAtMs: 1_000, answeredAtMs: 1_000,
                                      endedAtMs: 200_000, outcome: CallOutcome.bypassed.rawValue))
        try store.saveCall(CallRecord(id: "a1", line: 1, callerID: "+15550002", startedAtMs: 2_000, answeredAtMs: 2_000,
                                      endedAtMs: 9_000, outcome: CallOutcome.abandonedWaiting.rawValue))
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

/// Issue 18: every figure of the report on one day of ten calls on three lines, written as the unit writes them.
@Suite("StoreReport figures")
struct StoreReportFigureTests {
    static let from: Int64 = 1_795_651_200_000
    static let to: Int64 = from + 86_400_000

    static func fill(_ store: StoreDatabase) throws {
        var at = from + 9 * 3_600_000
        func call(_ id: String, line: Int, _ outcome: CallOutcome, answered: Bool = true, reason: String? = nil,
                  reachedMs: Int64? = nil, waitMs: Int64? = nil, latencyMs: Int64? = nil, durationMs: Int64 = 60_000,
                  language: String? = "en") throws {
            at += 600_000
            try store.saveCall(CallRecord(id: id, line: line, callerID: "+15550100", startedAtMs: at,
                                          answeredAtMs: answered ? at : nil, endedAtMs: at + durationMs, outcome: outcome.rawValue,
                                          language: answered ? language : nil, handoffLatencyMs: latencyMs, handoffReason: reason,
                                          handoffStartedMs: reason == nil ? nil : 8_000, personReachedMs: reachedMs, waitMs: waitMs,
                                          durationMs: answered ? durationMs : nil))
        }
        try call("c01", line: 1, .reachedPerson, reason: "asked", reachedMs: 12_000, waitMs: 4_000, latencyMs: 4_000)
        try call("c02", line: 1, .reachedPerson, reason: "distress", reachedMs: 45_000, waitMs: 30_000, latencyMs: 30_000, language: "uk")
        try call("c03", line: 2, .callbackPromised, reason: "asked", waitMs: 47_000)
        try call("c04", line: 2, .abandonedInMenu, durationMs: 1_000)
        try call("c05", line: 2, .abandonedInMenu, durationMs: 20_000, language: "tr")
        try call("c06", line: 1, .abandonedWaiting, reason: "silent", waitMs: 10_000, durationMs: 35_000)
        try call("c07", line: 1, .bypassed, reason: "time_bound", waitMs: 180_000)
        try call("c08", line: 2, .failed, answered: false)
        try call("c09", line: 2, .bypassed, reason: "distress", waitMs: 200_000)
        try call("c10", line: 2, .reachedPerson, reason: "menu_failure", reachedMs: 70_000, waitMs: 8_000, latencyMs: 8_000, language: "uk")
        // stamped by the call's own clock after the period's end (a file-fed call runs ahead of the wall): still this period's
        try store.requestCallback(CallbackRecord(callID: "c03", callerID: "+15550100", requestedAtMs: to + 5_000, reason: "x"))
        let done = try store.requestCallback(CallbackRecord(callID: "c00", callerID: "+15550101", requestedAtMs: from + 1_000, reason: "y"))
        try store.pool.write { try $0.execute(sql: "UPDATE callbacks SET status = 'done' WHERE id = ?", arguments: [done.id]) }
        let writer = EventWriter(path: store.path)
        defer { writer.close() }
        func line(_ type: String, _ line: Int, _ atMs: Int64, engaged: Bool? = nil) {
            var payload = ["line": "\(line)"]
            if let engaged { payload["engaged"] = engaged ? "yes" : "no"; payload["reason"] = engaged ? "host" : "claimed" }
            writer.enqueue(callID: nil, frameTime: 0, type: type, payload: JSONText.flat(payload), wallTimeMs: atMs)
        }
        line(EventType.lineBypass, 2, from + 1_000, engaged: true)
        line(EventType.lineBypass, 2, from + 61_000, engaged: false)
        line(EventType.lineBypass, 1, to - 30_000, engaged: true)
        line(EventType.lineBypass, 3, from - 10_000, engaged: true)
        line(EventType.lineBypass, 3, from + 5_000, engaged: false)
        line(EventType.lineBoardReset, 2, from + 500)
        line(EventType.lineBoardReset, 2, from - 500)  // the day before: not counted
        _ = writer.flush(timeoutMs: 10_000)
    }

    @Test("outcomes, reasons, abandons, service level, waits, distress misses, callbacks, lines and languages")
    func everyFigure() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try Self.fill(store)
        let report = try store.report(fromMs: Self.from, toMs: Self.to)
        #expect(report.calls == 10)
        #expect(report.answered == 9)
        #expect(report.outcomes.map(\.count) == [3, 1, 0, 2, 1, 2, 1])
        #expect(report.handoffReasons.map(\.count) == [2, 2, 1, 1, 1])
        #expect(report.distressHandoffs == 3)
        #expect(report.agentRequests == 2)
        #expect(report.shortAbandons == 1)
        #expect(report.abandonedBeforePerson == 2)
        #expect(report.releasedToBypass == 2)
        #expect(report.serviceLevels == [.init(withinMs: 20_000, reached: 1, wanted: 7, percent: 14.2),
                                         .init(withinMs: 60_000, reached: 2, wanted: 7, percent: 28.5)])
        #expect(report.averageWaitMs == 68_428)
        #expect(report.longestWaitMs == 200_000)
        #expect(report.handoffLatency == .init(count: 3, p50Ms: 8_000, p95Ms: 30_000, maxMs: 30_000))
        #expect(report.distressWithoutPerson.map(\.id) == ["c06", "c09"])
        #expect(report.distressWithoutPerson.map(\.handoffReason) == ["silent", "distress"])
        #expect(report.callbacksPending == 1)
        #expect(report.callbacksDone == 1)
        #expect(report.lines == [.init(line: 1, calls: 4, faults: 0, boardResets: 0, bypassMs: 30_000),
                                 .init(line: 2, calls: 6, faults: 1, boardResets: 1, bypassMs: 60_000),
                                 .init(line: 3, calls: 0, faults: 0, boardResets: 0, bypassMs: 5_000)])
        #expect(report.languages == [.init(name: "en", count: 6), .init(name: "uk", count: 2), .init(name: "tr", count: 1)])
    }

    @Test("the table fits 80 columns, names the short-abandon threshold and lists distress calls without a person by id")
    func table() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try Self.fill(store)
        let table = try store.report(fromMs: Self.from, toMs: Self.to).renderedTable(timeZone: TimeZone(secondsFromGMT: 0)!)
        let long = table.split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "\(long)")
        #expect(table.contains("short abandons             1  (hung up in the menu within 5 s of answer)"))
        #expect(table.contains("service level 20 s         14.2 %  (1 of 7 reached a person)"))
        #expect(table.contains("longest wait for a person  3 min 20 s"))
        #expect(table.contains("  c06  line 1  silent, abandoned_waiting"))
        #expect(table.contains("   2      6       1             1  1 min 00 s"), "\(table)")
        #expect(table.contains("languages: en 6, uk 2, tr 1"))
    }

    @Test("csv and json carry the same figures as the library report")
    func csvAndJSON() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try Self.fill(store)
        let report = try store.report(fromMs: Self.from, toMs: Self.to)
        let rows = CSV.parse(report.renderedCSV())
        #expect(rows.first?.fields == ["metric", "value"])
        let values = Dictionary(rows.dropFirst().map { ($0.fields[0], $0.fields[1]) }, uniquingKeysWith: { first, _ in first })
        #expect(values["answered"] == "9")
        #expect(values["outcome.callback_promised"] == "1")
        #expect(values["service_level_60s.percent"] == "28.5")
        #expect(values["line.2.bypass_ms"] == "60000")
        #expect(values["short_abandon_threshold_ms"] == "5000")
        #expect(rows.filter { $0.fields[0] == "distress_without_person" }.count == 2)
        let json = try JSONText.document(report, keys: .snakeCase)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(StoreReport.self, from: json) == report)
    }
}
