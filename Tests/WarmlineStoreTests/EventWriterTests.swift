import Foundation
import GRDB
import Testing
import WarmlineTestScheduling
import WarmlineTestSupport
@testable import WarmlineStore

@Suite("EventWriter", .holdsItsThread)
struct EventWriterTests {
    @Test("acknowledged events are on disk in order, and the acknowledged sequence covers every enqueued event after flush")
    func acknowledgesCommittedEvents() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let reported = AcknowledgementLog()
        var options = EventWriter.Options()
        options.onAcknowledged = { reported.append($0) }
        let writer = EventWriter(path: store.path, options: options)
        defer { writer.close() }
        var sequences: [UInt64] = []
        for index in 0..<500 {
            if let sequence = writer.enqueue(callID: "c\(index % 3)", frameTime: Int64(index) * 160, type: EventType.dtmfDigit,
                                             payload: "{\"digit\":\"\(index % 10)\"}") {
                sequences.append(sequence)
            }
        }
        #expect(sequences == Array(1...500))
        #expect(writer.flush(timeoutMs: 10_000))
        #expect(writer.acknowledgedSequence == 500)
        #expect(reported.values.last == 500)
        #expect(reported.values == reported.values.sorted())
        let frames = try store.pool.read { try Int64.fetchAll($0, sql: "SELECT frame_time FROM events ORDER BY id") }
        #expect(frames == (0..<500).map { Int64($0) * 160 })
        #expect(writer.status.fault == nil && writer.status.pendingCount == 0)
    }

    @Test("the writer's own connection commits with synchronous=FULL")
    func writerUsesFullSync() throws {
        let directory = TemporaryDirectory()
        let queue = try StoreDatabase.openWriterQueue(path: directory.file("w.sqlite"), busyTimeoutMs: 100, prepare: nil)
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test("a full queue drops new events without blocking, counts them, and logs one store.overflow event once there is room")
    func overflowIsCountedAndLogged() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        // Hold the write lock so nothing drains while the queue fills.
        let blocker = try DatabaseQueue(path: store.path)
        var options = EventWriter.Options()
        options.capacity = 100
        options.busyTimeoutMs = 20
        let writer = EventWriter(path: store.path, options: options)
        defer { writer.close() }
        try blocker.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            var accepted = 0
            for index in 0..<130 where writer.enqueue(callID: "c", frameTime: Int64(index), type: EventType.dtmfDigit) != nil {
                accepted += 1
            }
            #expect(accepted == 100)
            #expect(writer.status.droppedCount == 30)
            try db.execute(sql: "COMMIT")
        }
        #expect(writer.flush(timeoutMs: 10_000))
        #expect(try eventCount(store, type: EventType.dtmfDigit) == 100)
        let overflow = try store.events(matching: EventFilter(type: EventType.storeOverflow))
        #expect(overflow.count == 1)
        #expect(overflow.first?.payload.contains("\"dropped\":30") == true)
    }

    @Test("while another connection holds the write lock, events wait in memory, the status says locked, and they land after it is released")
    func lockedDatabaseIsRetried() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let blocker = try DatabaseQueue(path: store.path)
        var options = EventWriter.Options()
        options.busyTimeoutMs = 20
        let writer = EventWriter(path: store.path, options: options)
        defer { writer.close() }
        try blocker.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            for index in 0..<50 { writer.enqueue(callID: "c", frameTime: Int64(index), type: EventType.menuNode) }
            #expect(eventually { writer.status.fault == .locked })
            #expect(writer.status.pendingCount == 50)
            #expect(writer.status.summary.contains("NOT WRITING (database is locked by another writer); 50/65536 events held in memory"))
            #expect(writer.acknowledgedSequence == 0)
            try db.execute(sql: "COMMIT")
        }
        #expect(writer.flush(timeoutMs: 10_000))
        #expect(writer.status.fault == nil)
        #expect(try eventCount(store, type: EventType.menuNode) == 50)
        let recovered = try store.events(matching: EventFilter(type: EventType.storeRecovered))
        #expect(recovered.count == 1)
        #expect(recovered.first?.payload.contains("\"fault\":\"locked\"") == true)
    }

    @Test("a read-only database file keeps events in memory, says read-only, and writes them once it is writable again")
    func readOnlyFileIsRetried() throws {
        let directory = TemporaryDirectory()
        let path = try directory.store().path
        try ReadOnlyFile.protect([path, directory.path])
        defer { ReadOnlyFile.release([path, directory.path]) }
        var options = EventWriter.Options()
        options.maxBackoffMs = 50
        let writer = EventWriter(path: path, options: options)
        defer { writer.close() }
        for index in 0..<20 { writer.enqueue(callID: "c", frameTime: Int64(index), type: EventType.promptPlayed) }
        #expect(eventually { writer.status.fault == .readOnly })
        #expect(writer.status.pendingCount == 20)
        #expect(writer.acknowledgedSequence == 0)
        ReadOnlyFile.release([path, directory.path])
        #expect(writer.flush(timeoutMs: 10_000))
        let store = try StoreDatabase(path: path)
        #expect(try eventCount(store, type: EventType.promptPlayed) == 20)
        let recovered = try store.events(matching: EventFilter(type: EventType.storeRecovered))
        #expect(recovered.first?.payload.contains("read_only") == true)
    }

    @Test("a full disk (max_page_count cap) keeps events in memory, says disk full, and writes them once there is room")
    func fullDiskIsRetried() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let pageCap = PageCap()
        let basePages = try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 0
        pageCap.set(basePages)
        var options = EventWriter.Options()
        options.maxBackoffMs = 50
        options.prepareConnection = { db in try db.execute(sql: "PRAGMA max_page_count = \(pageCap.value)") }
        let writer = EventWriter(path: store.path, options: options)
        defer { writer.close() }
        let payload = "{\"padding\":\"" + String(repeating: "x", count: 400) + "\"}"
        for index in 0..<300 { writer.enqueue(callID: "c", frameTime: Int64(index), type: EventType.speechKeyword, payload: payload) }
        #expect(eventually { writer.status.fault == .diskFull })
        #expect(writer.status.pendingCount > 0)
        pageCap.set(1_000_000)
        #expect(writer.flush(timeoutMs: 10_000))
        #expect(try eventCount(store, type: EventType.speechKeyword) == 300)
        let recovered = try store.events(matching: EventFilter(type: EventType.storeRecovered))
        #expect(recovered.first?.payload.contains("disk_full") == true)
    }

    @Test("on a full disk a call row queued behind a full event queue is kept in the reserve, the excess events are counted, and all kept are written once there is room")
    func callRowsSurviveAFullQueueDuringAnOutage() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let pageCap = PageCap()
        pageCap.set(try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 0)
        var options = EventWriter.Options()
        options.capacity = 50
        options.callRowReserve = 2
        options.maxBackoffMs = 50
        options.prepareConnection = { db in try db.execute(sql: "PRAGMA max_page_count = \(pageCap.value)") }
        let writer = EventWriter(path: store.path, options: options)
        defer { writer.close() }
        let payload = "{\"padding\":\"" + String(repeating: "x", count: 400) + "\"}"
        var accepted = 0
        for index in 0..<80 where writer.enqueue(callID: "c1", frameTime: Int64(index), type: EventType.promptPlayed, payload: payload) != nil {
            accepted += 1
        }
        #expect(eventually { writer.status.fault == .diskFull })
        let call = CallRecord(id: "c1", line: 1, callerID: "+15550101", startedAtMs: 1_000, answeredAtMs: 1_000, endedAtMs: 9_000,
                              outcome: CallOutcome.failed.rawValue)
        #expect(writer.enqueueCall(call) != nil)
        #expect(writer.enqueue(callID: "c1", frameTime: 99, type: EventType.callEnded) == nil)
        #expect(writer.status.droppedCount == UInt64(80 - accepted + 1))
        pageCap.set(1_000_000)
        #expect(writer.flush(timeoutMs: 10_000))
        #expect(try store.call(id: "c1") == call)
        #expect(try eventCount(store, type: EventType.promptPlayed) == accepted)
        let overflow = try store.events(matching: EventFilter(type: EventType.storeOverflow))
        #expect(overflow.first?.payload.contains("\"dropped\":\(80 - accepted + 1)") == true, "\(overflow)")
    }

    @Test("close writes everything still queued before the thread ends")
    func closeDrains() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let writer = EventWriter(path: store.path)
        for index in 0..<2_000 { writer.enqueue(callID: nil, frameTime: Int64(index), type: EventType.callRing) }
        #expect(writer.close() == 0)
        #expect(try eventCount(store, type: EventType.callRing) == 2_000)
        #expect(writer.enqueue(callID: nil, frameTime: 0, type: EventType.callRing) == nil)
    }
}

/// Sequence numbers the writer reported, in order.
final class AcknowledgementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reported: [UInt64] = []
    var values: [UInt64] { lock.withLock { reported } }
    func append(_ value: UInt64) { lock.withLock { reported.append(value) } }
}

/// A page cap the test changes while the writer runs.
final class PageCap: @unchecked Sendable {
    private let lock = NSLock()
    private var pages = 0
    var value: Int { lock.withLock { pages } }
    func set(_ value: Int) { lock.withLock { pages = value } }
}

/// Makes files read-only for the test: chmod for ordinary users; root ignores modes, so the immutable flag (chattr +i).
enum ReadOnlyFile {
    static func protect(_ paths: [String]) throws {
        for path in paths {
            if getuid() == 0 {
                try run("/usr/bin/chattr", ["+i", path])
            } else {
                _ = chmod(path, 0o555)
            }
        }
    }

    /// Releases every path at once: one chattr for all of them, directory included. (One chattr per path left the
    /// directory immutable for a few ms after the file was freed; a writer retrying then met another fault than
    /// read-only, and the recovery report named that one.)
    static func release(_ paths: [String]) {
        if getuid() == 0 {
            try? run("/usr/bin/chattr", ["-i"] + paths)
        } else {
            for path in paths { _ = chmod(path, 0o755) }
        }
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
    }
}

@Suite("EventWriter on a full disk", .holdsItsThread)
struct EventWriterFullDiskTests {
    @Test("past a real file-size limit (RLIMIT_FSIZE in a child) the writer holds events, reports the fault, and writes them all once the limit is lifted")
    func fileSizeLimitInChild() throws {
        let directory = TemporaryDirectory()
        let path = try directory.store().path
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let result = try BuildProducts.run("warmline-store-stress", ["--db", path, "--fsize-limit", String(size + 65_536), "--events", "2000"])
        #expect(result.status == 0, "child said: \(result.out) \(result.err)")
        #expect(result.out.contains("fault "))
        #expect(result.out.contains("acknowledged 2000"))
        let store = try StoreDatabase(path: path)
        #expect(try eventCount(store, type: FileSizeLimitDrill.eventType) == 2_000)
        #expect(try eventCount(store, type: EventType.storeRecovered) == 1)
        #expect(try store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }
}
