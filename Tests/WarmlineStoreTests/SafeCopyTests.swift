import Foundation
import GRDB
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

/// Copies a supervisor can trust: the WAL folded in when the writer idles or closes, and an online, checked backup.
@Suite("Safe copies", .holdsItsThread)
struct SafeCopyTests {
    private func count(_ path: String, _ table: String = "events") throws -> Int {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    /// Copies only the `.sqlite` file, as a person with `cp` would, leaving the `-wal` behind.
    private func copyFileAlone(_ path: String, to target: String) throws {
        try FileManager.default.copyItem(atPath: path, toPath: target)
    }

    @Test("after the event writer closes, the .sqlite copied alone holds every event")
    func checkpointOnClose() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try store.checkpoint()  // the schema in the file itself, so a copy without the WAL still opens
        var options = EventWriter.Options()
        options.idleCheckpointMs = nil
        let writer = EventWriter(path: store.path, options: options)
        for index in 0..<500 { writer.enqueue(callID: "L1-x", frameTime: Int64(index), type: EventType.promptPlayed, wallTimeMs: 1_000 + Int64(index)) }
        #expect(writer.flush(timeoutMs: 10_000))
        // still in the WAL: a copy now would lose them
        try copyFileAlone(store.path, to: directory.file("before.sqlite"))
        #expect(try count(directory.file("before.sqlite")) < 500)
        writer.close()
        try copyFileAlone(store.path, to: directory.file("after.sqlite"))
        #expect(try count(directory.file("after.sqlite")) == 500)
    }

    @Test("an idle event writer folds the WAL into the database file without being closed")
    func checkpointWhenIdle() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        var options = EventWriter.Options()
        options.idleCheckpointMs = 20
        let writer = EventWriter(path: store.path, options: options)
        defer { writer.close() }
        for index in 0..<300 { writer.enqueue(callID: "L1-x", frameTime: Int64(index), type: EventType.promptPlayed, wallTimeMs: Int64(index)) }
        #expect(writer.flush(timeoutMs: 10_000))
        // waits (bounded, 10 s) for the writer's idle checkpoint: the WAL file shrinks to nothing
        let deadline = Date().addingTimeInterval(10)
        var walBytes = -1
        repeat {
            walBytes = ((try? FileManager.default.attributesOfItem(atPath: store.path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
            if walBytes == 0 { break }
            usleep(10_000)
        } while Date() < deadline
        #expect(walBytes == 0)
        try copyFileAlone(store.path, to: directory.file("copy.sqlite"))
        #expect(try count(directory.file("copy.sqlite")) == 300)
    }

    @Test("StoreDatabase.checkpoint folds the WAL in for a caller that wrote through the pool")
    func explicitCheckpoint() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try store.saveCall(CallRecord(id: "L1-a", line: 1, startedAtMs: 1))
        #expect(try store.checkpoint())
        try copyFileAlone(store.path, to: directory.file("copy.sqlite"))
        #expect(try count(directory.file("copy.sqlite"), "calls") == 1)
    }

    @Test("a backup taken while the writer is writing is a complete, consistent snapshot: no gaps, integrity ok")
    func backupWhileWriting() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let writer = EventWriter(path: store.path)
        let total = 40_000
        let produced = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer { produced.signal() }
            for index in 0..<total {
                while writer.enqueue(callID: "L1-w", frameTime: Int64(index), type: EventType.promptPlayed,
                                     payload: #"{"n":\#(index)}"#, wallTimeMs: Int64(index)) == nil {
                    usleep(1_000)
                }
            }
        }
        producer.start()
        // wait (bounded) until the writer has committed some but, on this machine, not all of them
        let deadline = Date().addingTimeInterval(30)
        while writer.acknowledgedSequence < 2_000 && Date() < deadline { usleep(1_000) }
        let target = directory.file("backups/mid.sqlite")
        try FileManager.default.createDirectory(atPath: directory.file("backups"), withIntermediateDirectories: true)
        let result = try store.backup(to: target, overwrite: false)
        #expect(result.integrity == "ok")
        let copied = try count(target)
        #expect(copied >= 2_000)
        #expect(result.rows.first { $0.table == "events" }?.count == copied)
        var config = Configuration()
        config.readonly = true
        let copy = try DatabaseQueue(path: target, configuration: config)
        // a consistent snapshot: events 1...n, each payload its own position, none missing in between
        let (minID, maxID, mismatched) = try copy.read { db in
            (try Int.fetchOne(db, sql: "SELECT MIN(id) FROM events") ?? 0, try Int.fetchOne(db, sql: "SELECT MAX(id) FROM events") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE json_extract(payload, '$.n') != id - 1") ?? -1)
        }
        try copy.close()
        #expect(minID == 1 && maxID == copied && mismatched == 0)
        #expect(FileManager.default.fileExists(atPath: target + "-wal") == false)
        let mode = ((try FileManager.default.attributesOfItem(atPath: target))[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o640)

        produced.wait()
        #expect(writer.flush(timeoutMs: 60_000))
        writer.close()
        // an existing file is kept unless overwrite; with it, the new copy holds everything
        let refused = #expect(throws: StoreError.self) { try store.backup(to: target, overwrite: false) }
        #expect(refused?.description.contains("already exists; nothing written (add --force to replace it)") == true)
        #expect(try count(target) == copied)
        _ = try store.backup(to: target, overwrite: true)
        #expect(try count(target) == total)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("backups")) == ["mid.sqlite"])
    }

    @Test("a backup onto the database itself or into a directory is refused")
    func backupRefusals() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        #expect(throws: StoreError.badBackup(path: store.path, reason: "is the database itself; back up to another file")) {
            try store.backup(to: store.path, overwrite: true)
        }
        #expect(throws: StoreError.self) { try store.backup(to: directory.path, overwrite: true) }
        #expect(throws: StoreError.self) { try store.backup(to: directory.file("missing/dir/x.sqlite"), overwrite: false) }
    }
}
