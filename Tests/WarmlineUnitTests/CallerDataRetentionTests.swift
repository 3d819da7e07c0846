import Foundation
import Synchronization
import Testing
import WarmlineStore
@testable import WarmlineUnit

/// Lines a transcript received, from any thread.
final class TranscriptLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite("CallerDataRetention")
struct CallerDataRetentionTests {
    static let day: Int64 = 86_400_000

    /// A store with one call 100 days old and one from yesterday, both from one number.
    static func store(_ scratch: ScratchDirectory, nowMs: Int64) throws -> StoreDatabase {
        let store = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        try store.saveCall(CallRecord(id: "old", line: 1, callerID: "+15550402", startedAtMs: nowMs - 100 * day))
        try store.saveCall(CallRecord(id: "new", line: 1, callerID: "+15550402", startedAtMs: nowMs - day))
        return store
    }

    @Test("retention_days 90: the 100-day-old number becomes a pseudonym, yesterday's stays, and the transcript says what was done")
    func purgesPastRetention() throws {
        let scratch = try ScratchDirectory("retention")
        defer { scratch.cleanUp() }
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let store = try Self.store(scratch, nowMs: nowMs)
        let transcript = TranscriptLines()
        let summary = CallerDataRetention(store: store, retentionDays: 90).purgeNow(nowMs: nowMs, transcript: transcript.append)
        #expect(summary?.calls == 1)
        #expect(try store.call(id: "old")?.callerID.map(CallerPseudonym.isPseudonym) == true)
        #expect(try store.call(id: "new")?.callerID == "+15550402")
        #expect(transcript.all.count == 1)
        #expect(transcript.all.first?.hasPrefix("unit: retention 90 days: caller numbers and names recorded before ") == true)
        #expect(transcript.all.first?.contains("1 calls") == true, "\(transcript.all)")
    }

    @Test("a purge that fails is reported in the transcript and leaves the data as it was")
    func failureIsReported() throws {
        let scratch = try ScratchDirectory("retention")
        defer { scratch.cleanUp() }
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let store = try Self.store(scratch, nowMs: nowMs)
        // a purge that cannot take the write lock: another connection holds it past the busy timeout
        let blocker = try StoreDatabase(path: store.path, busyTimeoutMs: 0)
        let transcript = TranscriptLines()
        let result: PurgeSummary?? = try blocker.pool.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let quick = try StoreDatabase(path: store.path, busyTimeoutMs: 50)
            return CallerDataRetention(store: quick, retentionDays: 90).purgeNow(nowMs: nowMs, transcript: transcript.append)
        }
        #expect(result == .some(nil))
        #expect(transcript.all.first?.hasPrefix("unit: caller-data purge failed") == true, "\(transcript.all)")
        #expect(try store.call(id: "old")?.callerID == "+15550402")
    }

    @Test("scheduled on a running unit, the first purge runs at once, not 24 h later")
    func scheduledRunsAtOnce() throws {
        let scratch = try ScratchDirectory("retention")
        defer { scratch.cleanUp() }
        let store = try Self.store(scratch, nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        let transcript = TranscriptLines()
        let timer = CallerDataRetention(store: store, retentionDays: 90).schedule(transcript: transcript.append)
        defer { timer.cancel() }
        let deadline = Date().addingTimeInterval(10)
        while transcript.all.isEmpty, Date() < deadline { usleep(5_000) }
        #expect(transcript.all.first?.contains("1 calls") == true, "\(transcript.all)")
        #expect(CallerDataRetention.intervalSeconds == 86_400)
    }
}

@Suite("retention_days in warmline.yaml")
struct RetentionConfigTests {
    func problems(_ yaml: String) -> [ConfigProblem] {
        do {
            _ = try UnitConfigLoader().parse(yaml, file: "w.yaml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("the default is 90 days; a value in range is read")
    func readsRetention() throws {
        #expect(UnitConfig().retentionDays == 90)
        #expect(try UnitConfigLoader().parse("retention_days: 365\n", file: "w.yaml").retentionDays == 365)
    }

    @Test("zero, a negative number, more than ten years or a word is refused at its line", arguments: ["0", "-5", "3651", "forever"])
    func refusesOutOfRange(value: String) {
        let found = problems("sample_rate: 8000\nretention_days: \(value)\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 2)
        #expect(found.first?.reason.contains("retention_days") == true, "\(found)")
    }

    @Test("retention shorter than the day-pass cooldown is refused, at retention_days, or at cooldown_days when retention is the default")
    func retentionCoversCooldown() {
        let explicit = problems("retention_days: 20\nday_pass:\n  cooldown_days: 30\n")
        #expect(explicit.map(\.line) == [1])
        #expect(explicit.first?.reason.contains("shorter than day_pass.cooldown_days (30)") == true, "\(explicit)")
        let implicit = problems("day_pass:\n  cooldown_days: 120\n")
        #expect(implicit.map(\.line) == [2])
        #expect(implicit.first?.reason.contains("retention_days is 90 (the default: the key is not set)") == true, "\(implicit)")
        #expect(problems("retention_days: 30\nday_pass:\n  cooldown_days: 30\n").isEmpty)
    }
}
