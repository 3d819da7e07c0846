import Foundation
import GRDB
import Testing
@testable import WarmlineStore

@Suite("StoreDatabase")
struct StoreDatabaseTests {
    @Test("opening creates the directory, uses WAL with synchronous=FULL and applies the named migrations")
    func opensWithWALAndFullSync() throws {
        let directory = TemporaryDirectory()
        let store = try StoreDatabase(path: directory.file("nested/dir/warmline.sqlite"))
        let (journal, synchronous, migrations) = try store.pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try StoreSchema.migrator.appliedMigrations(db))
        }
        #expect(journal == "wal")
        #expect(synchronous == 2)
        #expect(migrations == ["v1-calls-events-subscribers-daypasses-outbox-callbacks", "v2-day-pass-provisional", "v3-caller-data-purge", "v4-call-outcomes-handoff-reasons"])
        let tables = try store.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb_%' ORDER BY name") }
        #expect(Set(tables) == Set(StoreSchema.tableNames + StoreSchema.internalTableNames))
    }

    @Test("events cannot be updated or deleted")
    func eventsAreAppendOnly() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try store.pool.write { try EventRecord(callID: "c1", frameTime: 0, wallTimeMs: 1, type: EventType.callRing).insert($0) }
        #expect(throws: DatabaseError.self) { try store.pool.write { try $0.execute(sql: "UPDATE events SET type = 'x'") } }
        #expect(throws: DatabaseError.self) { try store.pool.write { try $0.execute(sql: "DELETE FROM events") } }
        #expect(try eventCount(store, type: EventType.callRing) == 1)
    }

    @Test("records round-trip through their snake_case columns")
    func recordsRoundTrip() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let call = CallRecord(id: "L1-0001", line: 1, callerID: "+3531234567", startedAtMs: 1_000, answeredAtMs: 1_500, endedAtMs: 9_000,
                              outcome: CallOutcome.reachedPerson.rawValue, language: "en", handoffTarget: "agent-1", handoffLatencyMs: 4_200)
        try store.saveCall(call)
        #expect(try store.call(id: "L1-0001") == call)
        let columns = try store.pool.read { try $0.columns(in: "calls").map(\.name) }
        #expect(columns.contains("caller_id") && columns.contains("handoff_latency_ms"))
        let subscriber = SubscriberRecord(msisdn: "353871234567", balanceMinor: -20, currency: "EUR", updatedAtMs: 5)
        try store.pool.write { try subscriber.insert($0) }
        #expect(try store.subscriber(msisdn: "353871234567") == subscriber)
    }

    @Test("a directory given as the database is refused as a directory by every open, not reported as a full disk")
    func directoryRefused() throws {
        let directory = TemporaryDirectory()
        for open in [{ _ = try StoreDatabase(path: directory.path) }, { _ = try StoreDatabase(readingAt: directory.path) }] {
            do {
                try open()
                Issue.record("a directory opened as a database")
            } catch {
                #expect("\(error)".contains("is a directory; give the database file"), "\(error)")
                #expect(!"\(error)".contains("disk"), "\(error)")
            }
        }
        // nothing was created inside it
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("a database written by a newer Warmline is refused by the store and read-only opens, naming its schema, and is left untouched")
    func newerSchemaRefused() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("warmline.sqlite")
        do {
            let store = try StoreDatabase(path: path)
            try store.pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        }
        let known = StoreSchema.migrator.migrations.count
        let expected = StoreError.schemaNewer(path: path, schema: known + 1, known: known)
        #expect(throws: expected) { _ = try StoreDatabase(path: path) }
        #expect(throws: expected) { _ = try StoreDatabase(readingAt: path) }
        #expect(expected.description.contains("written by a newer Warmline (schema \(known + 1)"))
        // nothing was migrated or dropped: the future migration is still recorded
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.contains("v99-from-the-future"))
    }

    @Test("a read-only open of a missing file says there is no database instead of creating one")
    func readingMissingDatabaseFails() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("absent.sqlite")
        #expect(throws: StoreError.noDatabase(path: path)) { try StoreDatabase(readingAt: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
