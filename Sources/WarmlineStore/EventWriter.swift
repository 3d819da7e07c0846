import Foundation
import GRDB
import Logging

/// Writes events off the audio path: a bounded in-memory queue, one writer thread, small `synchronous=FULL` transactions.
///
/// `enqueue` never blocks on the database and never allocates (the queue is preallocated); when the bound is
/// reached it drops the event, counts it, and the writer logs a `store.overflow` event once there is room.
/// When the database cannot be written (locked, read-only, full) the writer holds events in memory up to the
/// bound, reports the fault in `status`, retries with back-off, and writes a `store.recovered` event when it can.
/// Call rows (`enqueueCall`) go through the same queue, in order with the events, and are held the same way.
// @unchecked: the pending queue, sequence numbers and status are read and written under `lock` (a `PThreadMutex`,
// allocation-free for the audio path); the database queue is used only on the writer thread.
public final class EventWriter: @unchecked Sendable {
    /// Tuning and hooks for an `EventWriter`.
    public struct Options: Sendable {
        /// Most events held in memory (queued plus being written) before new ones are dropped.
        public var capacity = 65_536
        /// Most events committed in one transaction.
        public var maxBatch = 1_024
        /// Room kept past `capacity` for call rows: a queue full of events never costs a call its row.
        public var callRowReserve = 256
        /// How long one commit waits for another writer's lock before counting as a failed attempt.
        public var busyTimeoutMs = 200
        /// First retry delay after a failed commit; doubles up to `maxBackoffMs`.
        public var initialBackoffMs = 10
        /// Longest retry delay.
        public var maxBackoffMs = 1_000
        /// Runs on every connection the writer (re)opens (e.g. a `max_page_count` cap in tests).
        public var prepareConnection: (@Sendable (Database) throws -> Void)?
        /// Called on the writer thread after each commit with the highest acknowledged sequence number.
        public var onAcknowledged: (@Sendable (UInt64) -> Void)?
        /// Where outages and overflow are reported.
        public var logger = Logger(label: "warmline.store")

        /// Default options.
        public init() {}
    }

    private struct PendingEvent {
        var sequence: UInt64
        var callID: String?
        var frameTime: Int64
        var wallTimeMs: Int64
        var type: String
        var payload: String
        /// A call row to upsert instead of an event.
        var call: CallRecord?
    }

    private struct Outage {
        var fault: StoreFault
        var sinceMs: Int64
        var attempts: Int
    }

    /// The database file the writer commits to.
    public let path: String
    private let options: Options
    private let lock = PThreadMutex()
    private let workAvailable = PThreadCondition()
    private let acknowledgedChanged = PThreadCondition()
    private let exited = DispatchSemaphore(value: 0)

    // Guarded by `lock`.
    private var queue = ContiguousArray<PendingEvent>()
    private var nextSequence: UInt64 = 1
    private var pendingCount = 0
    private var droppedTotal: UInt64 = 0
    private var droppedUnlogged: UInt64 = 0
    /// Drops already reported in the log during the current outage (writer thread only).
    private var dropsLogged: UInt64 = 0
    private var acknowledged: UInt64 = 0
    private var writerSleeping = false
    private var stopping = false
    private var stopDeadline = DispatchTime.distantFuture
    private var outage: Outage?

    /// Starts the writer thread for the database at `path`; the database is opened (and reopened) by that thread.
    /// The thread runs until `close()`, which the owner must call.
    public init(path: String, options: Options = Options()) {
        self.path = path
        self.options = options
        queue.reserveCapacity(options.capacity)
        let thread = Thread { [self] in
            runWriter()
            exited.signal()
        }
        thread.name = "warmline.store.writer"
        thread.start()
    }

    /// Queues one event; returns its sequence number, or nil when the queue is full (the drop is counted and logged).
    @discardableResult
    public func enqueue(callID: String?, frameTime: Int64, type: String, payload: String = "{}", wallTimeMs: Int64? = nil) -> UInt64? {
        let wallTimeMs = wallTimeMs ?? EventWriter.nowMs()
        lock.lock()
        guard pendingCount < options.capacity, !stopping else {
            droppedTotal += 1
            // After close there is no writer left to log the overflow.
            if !stopping { droppedUnlogged += 1 }
            lock.unlock()
            return nil
        }
        let sequence = nextSequence
        nextSequence += 1
        pendingCount += 1
        queue.append(PendingEvent(sequence: sequence, callID: callID, frameTime: frameTime, wallTimeMs: wallTimeMs,
                                  type: type, payload: payload))
        let wake = writerSleeping
        writerSleeping = false
        lock.unlock()
        if wake { workAvailable.signal() }
        return sequence
    }

    /// Queues a call row (inserted, or replaced by id) in order with the events; held and retried like them.
    /// Returns its sequence number, or nil when even the reserve for call rows is full (the drop is counted and logged).
    @discardableResult
    public func enqueueCall(_ record: CallRecord) -> UInt64? {
        lock.lock()
        guard pendingCount < options.capacity + options.callRowReserve, !stopping else {
            droppedTotal += 1
            if !stopping { droppedUnlogged += 1 }
            lock.unlock()
            return nil
        }
        let sequence = nextSequence
        nextSequence += 1
        pendingCount += 1
        queue.append(PendingEvent(sequence: sequence, callID: record.id, frameTime: 0, wallTimeMs: record.startedAtMs,
                                  type: "", payload: "", call: record))
        let wake = writerSleeping
        writerSleeping = false
        lock.unlock()
        if wake { workAvailable.signal() }
        return sequence
    }

    /// Highest sequence number committed to disk: every event up to it survives a crash.
    public var acknowledgedSequence: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return acknowledged
    }

    /// What the writer is doing: writing, or holding events because of a fault.
    public var status: EventWriterStatus {
        lock.lock()
        defer { lock.unlock() }
        return EventWriterStatus(fault: outage?.fault, faultSinceMs: outage?.sinceMs, retryAttempts: outage?.attempts ?? 0,
                                 pendingCount: pendingCount, capacity: options.capacity, droppedCount: droppedTotal,
                                 acknowledgedSequence: acknowledged)
    }

    /// Waits until every event queued so far is acknowledged; false if `timeoutMs` passed first.
    @discardableResult
    public func flush(timeoutMs: Int) -> Bool {
        let deadlineNs = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMs) * 1_000_000
        lock.lock()
        defer { lock.unlock() }
        let target = nextSequence - 1
        while acknowledged < target || droppedUnlogged > 0 {
            let nowNs = DispatchTime.now().uptimeNanoseconds
            guard nowNs < deadlineNs else { return false }
            _ = acknowledgedChanged.wait(lock, timeoutNs: deadlineNs - nowNs)
        }
        return true
    }

    /// Stops accepting events, writes what it holds (giving up after `timeoutMs` if the database stays unwritable)
    /// and ends the writer thread; returns how many events could not be written.
    @discardableResult
    public func close(timeoutMs: Int = 5_000) -> Int {
        lock.lock()
        let alreadyStopping = stopping
        stopping = true
        stopDeadline = DispatchTime.now() + .milliseconds(timeoutMs)
        lock.unlock()
        workAvailable.broadcast()
        if !alreadyStopping { exited.wait() }
        lock.lock()
        defer { lock.unlock() }
        return pendingCount
    }

    // MARK: - Writer thread

    private func runWriter() {
        var inflight = ContiguousArray<PendingEvent>()
        inflight.reserveCapacity(options.capacity)
        var connection: DatabaseQueue?
        var backoffMs = options.initialBackoffMs
        while true {
            lock.lock()
            while queue.isEmpty && inflight.isEmpty && droppedUnlogged == 0 && !stopping {
                writerSleeping = true
                workAvailable.wait(lock)
            }
            writerSleeping = false
            if inflight.isEmpty { swap(&queue, &inflight) }
            let dropped = droppedUnlogged
            let currentOutage = outage
            let stop = stopping
            lock.unlock()
            if inflight.isEmpty && dropped == 0 {
                if stop { return }
                continue
            }

            var committed = 0
            do {
                let db = try connection ?? StoreDatabase.openWriterQueue(path: path, busyTimeoutMs: options.busyTimeoutMs,
                                                                          prepare: options.prepareConnection)
                connection = db
                var markers = makeMarkers(outage: currentOutage, dropped: dropped)
                repeat {
                    let end = min(committed + options.maxBatch, inflight.count)
                    let slice = inflight[committed..<end]
                    try db.writeWithoutTransaction { db in
                        try db.inTransaction(.immediate) {
                            try insert(markers, into: db)
                            for event in slice {
                                if let call = event.call {
                                    try call.save(db)
                                } else {
                                    try insertEvent(callID: event.callID, frameTime: event.frameTime, wallTimeMs: event.wallTimeMs,
                                                    type: event.type, payload: event.payload, into: db)
                                }
                            }
                            return .commit
                        }
                    }
                    acknowledge(upTo: slice.last?.sequence, count: slice.count, droppedLogged: markers.isEmpty ? 0 : dropped,
                                recovered: !markers.isEmpty && currentOutage != nil)
                    if !markers.isEmpty { logMarkers(outage: currentOutage, dropped: dropped) }
                    markers = []
                    committed = end
                } while committed < inflight.count
                inflight.removeAll(keepingCapacity: true)
                backoffMs = options.initialBackoffMs
            } catch {
                inflight.removeFirst(committed)
                connection = nil
                let fault = StoreFault(error, path: path)
                let giveUp = recordFault(fault)
                if giveUp { return }
                lock.lock()
                if !stopping { _ = workAvailable.wait(lock, timeoutNs: UInt64(backoffMs) * 1_000_000) }
                lock.unlock()
                backoffMs = min(backoffMs * 2, options.maxBackoffMs)
            }
        }
    }

    private func makeMarkers(outage: Outage?, dropped: UInt64) -> [EventRecord] {
        var markers: [EventRecord] = []
        let now = EventWriter.nowMs()
        if let outage {
            lock.lock()
            let held = pendingCount
            lock.unlock()
            markers.append(EventRecord(callID: nil, frameTime: 0, wallTimeMs: now, type: EventType.storeRecovered,
                                       payload: "{\"fault\":\"\(outage.fault.name)\",\"outage_ms\":\(now - outage.sinceMs),\"attempts\":\(outage.attempts),\"held\":\(held)}"))
        }
        if dropped > 0 {
            markers.append(EventRecord(callID: nil, frameTime: 0, wallTimeMs: now, type: EventType.storeOverflow,
                                       payload: "{\"dropped\":\(dropped),\"capacity\":\(options.capacity)}"))
        }
        return markers
    }

    private func insert(_ markers: [EventRecord], into db: Database) throws {
        for marker in markers {
            try insertEvent(callID: marker.callID, frameTime: marker.frameTime, wallTimeMs: marker.wallTimeMs,
                            type: marker.type, payload: marker.payload, into: db)
        }
    }

    private func insertEvent(callID: String?, frameTime: Int64, wallTimeMs: Int64, type: String, payload: String, into db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO events (call_id, frame_time, wall_time_ms, type, payload) VALUES (?, ?, ?, ?, ?)")
        try statement.execute(arguments: [callID, frameTime, wallTimeMs, type, payload])
    }

    private func acknowledge(upTo sequence: UInt64?, count: Int, droppedLogged: UInt64, recovered: Bool) {
        // The callback runs before `flush()` can see the new high-water, so a flushed writer has reported it too.
        if let sequence { options.onAcknowledged?(sequence) }
        lock.lock()
        if let sequence { acknowledged = sequence }
        pendingCount -= count
        droppedUnlogged -= droppedLogged
        if recovered { outage = nil }
        lock.unlock()
        acknowledgedChanged.broadcast()
    }

    private func logMarkers(outage: Outage?, dropped: UInt64) {
        if let outage {
            options.logger.notice("event store writing again after \(EventWriter.nowMs() - outage.sinceMs) ms (\(outage.fault)); held events written",
                                  metadata: ["path": "\(path)", "attempts": "\(outage.attempts)"])
        }
        dropsLogged = 0
        if dropped > 0 {
            options.logger.warning("event queue was full: \(dropped) events dropped (capacity \(options.capacity)); logged as \(EventType.storeOverflow)")
        }
    }

    /// Notes a failed attempt; returns true when the writer is stopping and its deadline has passed.
    private func recordFault(_ fault: StoreFault) -> Bool {
        lock.lock()
        let isNew = outage?.fault != fault
        if var current = outage {
            current.attempts += 1
            current.fault = fault
            outage = current
        } else {
            outage = Outage(fault: fault, sinceMs: EventWriter.nowMs(), attempts: 1)
        }
        let held = pendingCount
        let dropped = droppedUnlogged
        let giveUp = stopping && DispatchTime.now() >= stopDeadline
        lock.unlock()
        if isNew {
            options.logger.error("event store cannot write: \(fault); holding \(held) events in memory (bound \(options.capacity)), retrying",
                                 metadata: ["path": "\(path)"])
        }
        // Said when it happens, not only on recovery: past the bound new events are lost, counted here.
        if dropped > dropsLogged {
            let capacity = options.capacity
            options.logger.warning("event store still cannot write (\(fault)) and the in-memory bound of \(capacity) is full: \(dropped) events dropped so far; the count is logged as \(EventType.storeOverflow) on recovery",
                                   metadata: ["path": "\(path)"])
            dropsLogged = dropped
        }
        if giveUp {
            options.logger.critical("event store closing with \(held) events unwritten: \(fault)", metadata: ["path": "\(path)"])
        }
        return giveUp
    }

    /// Wall clock in milliseconds since 1970 (cheap: vDSO `clock_gettime`).
    static func nowMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// A snapshot of the event writer's health, for the unit's status line and `warmline doctor`.
public struct EventWriterStatus: Sendable, Equatable {
    /// Why the writer cannot write right now; nil while it writes normally.
    public var fault: StoreFault?
    /// When the current fault started, milliseconds since 1970.
    public var faultSinceMs: Int64?
    /// Failed attempts during the current fault.
    public var retryAttempts: Int
    /// Events held in memory, not yet on disk.
    public var pendingCount: Int
    /// The bound on `pendingCount`.
    public var capacity: Int
    /// Events dropped because the queue was full, since start.
    public var droppedCount: UInt64
    /// Highest sequence number on disk.
    public var acknowledgedSequence: UInt64

    /// One line for a log or a status page.
    public var summary: String {
        if let fault {
            return "event store: NOT WRITING (\(fault)); \(pendingCount)/\(capacity) events held in memory, \(retryAttempts) retries, \(droppedCount) dropped"
        }
        return "event store: ok; \(pendingCount) pending, \(droppedCount) dropped, acknowledged up to #\(acknowledgedSequence)"
    }
}
