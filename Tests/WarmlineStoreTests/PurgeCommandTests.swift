import Foundation
import GRDB
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

/// `warmline purge`, run as a supervisor would (the binary beside the test executable).
@Suite("Purge command", .holdsItsThread)
struct PurgeCommandTests {
    @Test("purge --before DATE replaces older caller numbers with pseudonyms, prints what it did, and keeps every row")
    func purgesBeforeDate() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try CallerDataPurgeTests.fill(store)
        let calls = try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM calls") }
        // the old calls are on 2026-11-26, the new one 100 days later
        let result = try BuildProducts.run("warmline", ["purge", "--before", "2026-12-01", "--db", store.path])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("recorded before 2026-12-01T00:00:00Z replaced by pseudonyms: 3 calls, 5 events, 1 callbacks, "
                                    + "1 day passes, 1 sent outbox entries"), "\(result.out)")
        let callers = try CallerDataPurgeTests.callerIDs(store)
        #expect(callers["old-1"].flatMap { $0 }.map(CallerPseudonym.isPseudonym) == true)
        #expect(callers["new-1"] == .some("+15550402"))
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM calls") } == calls)
        #expect(try eventCount(store, type: EventType.storePurged) == 1)
    }

    @Test("a date in the future or not a date exits 2 and changes nothing; a missing database exits 1", arguments: [
        (["--before", "2099-01-01"], Int32(2), "is in the future"),
        (["--before", "last tuesday"], Int32(2), "--before 'last tuesday' is not a time"),
    ])
    func refusesBadInput(arguments: [String], status: Int32, message: String) throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try CallerDataPurgeTests.fill(store)
        let before = try CallerDataPurgeTests.callerIDs(store)
        let result = try BuildProducts.run("warmline", ["purge"] + arguments + ["--db", store.path])
        #expect(result.status == status)
        #expect(result.err.contains(message), "\(result.err)")
        #expect(try CallerDataPurgeTests.callerIDs(store) == before)
    }

    @Test("a --db with no database is reported, not created")
    func missingDatabase() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("nowhere/warmline.sqlite")
        let result = try BuildProducts.run("warmline", ["purge", "--before", "30d", "--db", path])
        #expect(result.status == 1)
        #expect(result.err.contains("no database here"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
