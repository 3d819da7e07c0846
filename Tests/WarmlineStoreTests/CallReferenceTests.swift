import Foundation
import GRDB
import Testing
@testable import WarmlineStore

/// Short ids, `last` and prefixes, on calls with the unit's real id shape (`L<line>-<ms>-<random>`).
@Suite("Call references")
struct CallReferenceTests {
    static let startMs: Int64 = 1_796_517_279_000

    /// Five calls: three on line 1, two on line 2, saved out of order.
    private func store(_ directory: TemporaryDirectory) throws -> StoreDatabase {
        let store = try directory.store()
        let calls: [(String, Int, Int64, String?, String?, String)] = [
            ("L1-1796517279000-4660", 1, 0, "+380441234567", "uk", CallOutcome.reachedPerson.rawValue),
            ("L2-1796517300000-17", 2, 21_000, "+353871111111", "en", CallOutcome.abandonedInMenu.rawValue),
            ("L1-1796517400000-9", 1, 121_000, nil, "en", CallOutcome.callbackPromised.rawValue),
            ("L1-1796517500000-42", 1, 221_000, "+380441234567", "uk", CallOutcome.selfServed.rawValue),
            ("L2-1796517600000-77", 2, 321_000, "+905551234567", "tr", CallOutcome.failed.rawValue),
        ]
        for (id, line, offset, caller, language, outcome) in calls.reversed() {
            try store.saveCall(CallRecord(id: id, line: line, callerID: caller, startedAtMs: Self.startMs + offset,
                                          endedAtMs: Self.startMs + offset + 9_000, outcome: outcome, language: language))
        }
        return store
    }

    @Test("each call's short id is its line and its place among that line's calls, whatever the filter")
    func shortIDs() throws {
        let directory = TemporaryDirectory()
        let store = try store(directory)
        let all = try store.calls(matching: CallFilter())
        #expect(all.map(\.shortID) == ["L1-0001", "L2-0001", "L1-0002", "L1-0003", "L2-0002"])
        let lineTwo = try store.calls(matching: CallFilter(line: 2))
        #expect(lineTwo.map(\.shortID) == ["L2-0001", "L2-0002"])
        #expect(CallSummary.shortID(line: 3, sequence: 12_345) == "L3-12345")
    }

    @Test("a call is found by last, its short id in any case or padding, its full id, or a prefix only it has")
    func resolves() throws {
        let directory = TemporaryDirectory()
        let store = try store(directory)
        #expect(try store.resolveCall("last") == "L2-1796517600000-77")
        #expect(try store.resolveCall("L1-0002") == "L1-1796517400000-9")
        #expect(try store.resolveCall("l1-2") == "L1-1796517400000-9")
        #expect(try store.resolveCall("L1-1796517500000-42") == "L1-1796517500000-42")
        #expect(try store.resolveCall("L1-17965175") == "L1-1796517500000-42")
        #expect(try store.resolveCall("L2-0002") == "L2-1796517600000-77")
    }

    @Test("a prefix several calls share is refused with every candidate's short and full id")
    func ambiguous() throws {
        let directory = TemporaryDirectory()
        let store = try store(directory)
        let error = #expect(throws: StoreError.self) { try store.resolveCall("L1-1796517") }
        #expect(error == .ambiguousCall("L1-1796517", candidates: [
            "L1-0001 (L1-1796517279000-4660)", "L1-0002 (L1-1796517400000-9)", "L1-0003 (L1-1796517500000-42)",
        ]))
        #expect(error?.description.hasPrefix("'L1-1796517' matches 3 calls: L1-0001 (L1-1796517279000-4660), ") == true)
        #expect(throws: StoreError.unknownCall("L7-0001")) { try store.resolveCall("L7-0001") }
        let emptyDirectory = TemporaryDirectory()
        let empty = try emptyDirectory.store()
        #expect(throws: StoreError.unknownCall("last")) { try empty.resolveCall("last") }
        withExtendedLifetime(emptyDirectory) {}
    }

    @Test("filters by caller digits, line, language and any of several outcomes")
    func filters() throws {
        let directory = TemporaryDirectory()
        let store = try store(directory)
        #expect(try store.calls(matching: CallFilter(caller: "441234567")).map(\.shortID) == ["L1-0001", "L1-0003"])
        #expect(try store.calls(matching: CallFilter(language: "en")).map(\.shortID) == ["L2-0001", "L1-0002"])
        #expect(try store.calls(matching: CallFilter(outcomes: [CallOutcome.reachedPerson.rawValue, CallOutcome.failed.rawValue])).map(\.shortID) == ["L1-0001", "L2-0002"])
        #expect(try store.calls(matching: CallFilter(caller: "441234567", line: 2)).isEmpty)
    }

    @Test("a timeline fits 80 columns, shows the wall time once with its offset and each event in call time")
    func timelineFits() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        var timeline = try store.timeline(callID: "L1-0001")
        #expect(timeline.shortID == "L1-0002")  // the fixture's ids are not short ids: the day before holds L1-0001
        let text = timeline.rendered(format: TimeFormat(timeZone: TimeZone(identifier: "Europe/Kyiv")!))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.map(\.count).max() ?? 0) columns:\n\(text)")
        #expect(lines.first == "call L1-0002 (L1-0001)  line 1  caller +353871111111  language en")
        #expect(text.contains("started 2026-11-26 11:00:00 +02:00 (Europe/Kyiv)\nanswered 2.000s after the ring, ended at 1:33.00\n"))
        #expect(text.components(separatedBy: "+02:00").count == 2)
        #expect(text.contains("   0:07.52  distress.handoff    score 0.7 over threshold 0.6: keyword:help,"))
        #expect(text.contains("   0:17.32  handoff.connected   agent agent-2 answered after 9800 ms"))
        timeline.events[4].payload = #"{"score":0.7,"threshold":0.6,"reasons":["\#(String(repeating: "x", count: 120))"]}"#
        // a token longer than a line is kept whole on a line of its own (in the reasons and in the timeline), never cut
        let long = timeline.rendered(format: .utc).split(separator: "\n").filter { $0.count > 80 }
        #expect(long.count == 2)
        #expect(long.allSatisfy { String($0).trimmingCharacters(in: .whitespaces) == String(repeating: "x", count: 120) })
        #expect(timeline.rendered(format: .utc, width: nil).split(separator: "\n").contains { $0.count > 80 })
    }
}
