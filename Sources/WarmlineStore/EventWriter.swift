import Foundation
import GRDB
import Logging
import Synchronization

/// Writes events off the audio path: a bounded in-memory queue, one writer thread, small `synchronous=FULL` transactions.
///
/// `enqueue` never blocks on the database and never allocates (the queue is preallocated); when the bound is
/// reached it drops the event, counts it, and the writer logs a `store.overflow` event once there is room.
/// When the database cannot be written (locked, read-only, full) the writer holds events in memory up to the
/// bound, reports the fault in `status`, retries with back-off, and writes a `store.recovered` event when it can.
/// Call rows (`enqueueCall`) go through the same queue, in order with the events, and are held the same way.
/// The pending queue, sequence numbers and status live in a `Mutex` (a futex, allocation-free for the audio path);
/// the database queue is used only on the writer thread.
public final class EventWriter: Sendable {
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
        /// After this long with nothing to write, the writer folds the WAL into the database file
        /// (`wal_checkpoint(TRUNCATE)`), so a copy of the `.sqlite` alone holds everything; nil: only on close.
        public var idleCheckpointMs: Int? = 1_000
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

    private struct State {
        var queue = ContiguousArray<PendingEvent>()
        var nextSequence: UInt64 = 1
        var pendingCount = 0
        var droppedTotal: UInt64 = 0
        var droppedUnlogged: UInt64 = 0
        /// Drops already reported in the log during the current outage (the writer thread's own).
        var dropsLogged: UInt64 = 0
        var acknowledged: UInt64 = 0
        /// The writer waits on `workAvailable` for an empty queue to fill: the next enqueue signals it.
        var writerSleeping = false
        var stopping = false
        var stopDeadline = DispatchTime.distantFuture
        var outage: Outage?
        /// Threads in `flush` waiting for `acknowledged` to move; each is signalled once and taken off.
        var flushWaiters: [DispatchSemaphore] = []

        /// Every event up to `target` is on disk, and so is the count of those dropped.
        func isFlushed(upTo target: UInt64) -> Bool { acknowledged >= target && droppedUnlogged == 0 }
    }

    /// The database file the writer commits to.
    public let path: String
    private let options: Options
    private let state: Mutex<State>
    /// Wakes the writer: signalled by the enqueue that clears `writerSleeping`, and by `close()`.
    private let workAvailable = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    /// Starts the writer thread for the database at `path`; the database is opened (and reopened) by that thread.
    /// The thread runs until `close()`, which the owner must call.
    public init(path: String, options: Options = Options()) {
        self.path = path
        self.options = options
        var initial = State()
        initial.queue.reserveCapacity(options.capacity)
        state = Mutex(initial)
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
        return append(bound: options.capacity) { sequence in
            PendingEvent(sequence: sequence, callID: callID, frameTime: frameTime, wallTimeMs: wallTimeMs, type: type, payload: payload)
        }
    }

    /// Queues a call row (inserted, or replaced by id) in order with the events; held and retried like them.
    /// Returns its sequence number, or nil when even the reserve for call rows is full (the drop is counted and logged).
    @discardableResult
    public func enqueueCall(_ record: CallRecord) -> UInt64? {
        append(bound: options.capacity + options.callRowReserve) { sequence in
            PendingEvent(sequence: sequence, callID: record.id, frameTime: 0, wallTimeMs: record.startedAtMs, type: "", payload: "",
                         call: record)
        }
    }

    /// Appends what `make` builds with the next sequence number unless `bound` entries are pending (or the writer is
    /// closing): then the drop is counted, and logged by the writer unless it is closing.
    private func append(bound: Int, _ make: (UInt64) -> PendingEvent) -> UInt64? {
        let (sequence, wake): (UInt64?, Bool) = state.withLock { state in
            guard state.pendingCount < bound, !state.stopping else {
                state.droppedTotal += 1
                // After close there is no writer left to log the overflow.
                if !state.stopping { state.droppedUnlogged += 1 }
                return (nil, false)
            }
            let sequence = state.nextSequence
            state.nextSequence += 1
            state.pendingCount += 1
            state.queue.append(make(sequence))
            defer { state.writerSleeping = false }
            return (sequence, state.writerSleeping)
        }
        if wake { workAvailable.signal() }
        return sequence
    }

    /// Highest sequence number committed to disk: every event up to it survives a crash.
    public var acknowledgedSequence: UInt64 {
        state.withLock { $0.acknowledged }
    }

    /// What the writer is doing: writing, or holding events because of a fault.
    public var status: EventWriterStatus {
        let capacity = options.capacity
        return state.withLock { state in
            EventWriterStatus(fault: state.outage?.fault, faultSinceMs: state.outage?.sinceMs, retryAttempts: state.outage?.attempts ?? 0,
                              pendingCount: state.pendingCount, capacity: capacity, droppedCount: state.droppedTotal,
                              acknowledgedSequence: state.acknowledged)
        }
    }

    /// Waits until every event queued so far is acknowledged; false if `timeoutMs` passed first.
    @discardableResult
    public func flush(timeoutMs: Int) -> Bool {
        let deadline = DispatchTime.now() + .milliseconds(timeoutMs)
        let target = state.withLock { $0.nextSequence - 1 }
        let changed = DispatchSemaphore(value: 0)
        while true {
            let done = state.withLock { state in
                if state.isFlushed(upTo: target) { return true }
                state.flushWaiters.append(changed)
                return false
            }
            if done { return true }
            if changed.wait(timeout: deadline) == .timedOut {
                return state.withLock { state in
                    state.flushWaiters.removeAll { $0 === changed }
                    return state.isFlushed(upTo: target)
                }
            }
        }
    }

    /// Stops accepting events, writes what it holds (giving up after `timeoutMs` if the database stays unwritable)
    /// and ends the writer thread; returns how many events could not be written.
    @discardableResult
    public func close(timeoutMs: Int = 5_000) -> Int {
        let alreadyStopping = state.withLock { state in
            defer { state.stopping = true }
            state.stopDeadline = DispatchTime.now() + .milliseconds(timeoutMs)
            return state.stopping
        }
        // the writer is its only waiter, idle or backing off; once stopping it never waits again
        workAvailable.signal()
        if !alreadyStopping { exited.wait() }
        return state.withLock { $0.pendingCount }
    }

    // MARK: - Writer thread

    private func runWriter() {
        var inflight = ContiguousArray<PendingEvent>()
        inflight.reserveCapacity(options.capacity)
        var connection: DatabaseQueue?
        var backoffMs = options.initialBackoffMs
        // commits not yet folded into the database file by a checkpoint
        var uncheckpointed = false
        while true {
            let taken: (dropped: UInt64, outage: Outage?, stop: Bool)? = state.withLock { state in
                if state.queue.isEmpty && inflight.isEmpty && state.droppedUnlogged == 0 && !state.stopping {
                    state.writerSleeping = true
                    return nil
                }
                state.writerSleeping = false
                if inflight.isEmpty { swap(&state.queue, &inflight) }
                return (state.droppedUnlogged, state.outage, state.stopping)
            }
            guard let taken else {
                if uncheckpointed, let idleMs = options.idleCheckpointMs {
                    if workAvailable.wait(timeout: .now() + .milliseconds(idleMs)) == .timedOut {
                        uncheckpointed = !checkpoint(connection)
                    }
                } else {
                    workAvailable.wait()
                }
                continue
            }
            let (dropped, currentOutage, stop) = taken
            if inflight.isEmpty && dropped == 0 {
                if stop {
                    if uncheckpointed { _ = checkpoint(connection) }
                    return
                }
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
                uncheckpointed = true
            } catch {
                inflight.removeFirst(committed)
                connection = nil
                let fault = StoreFault(error, path: path)
                let giveUp = recordFault(fault)
                if giveUp { return }
                if !state.withLock({ $0.stopping }) { _ = workAvailable.wait(timeout: .now() + .milliseconds(backoffMs)) }
                backoffMs = min(backoffMs * 2, options.maxBackoffMs)
            }
        }
    }

    /// Folds the WAL into the database file and empties it; true when it completed (no reader held it back).
    private func checkpoint(_ connection: DatabaseQueue?) -> Bool {
        guard let connection else { return false }
        do {
            let busy = try connection.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 1
            }
            return busy == 0
        } catch {
            options.logger.debug("WAL checkpoint did not run: \(StoreFault(error, path: path))")
            return false
        }
    }

    private func makeMarkers(outage: Outage?, dropped: UInt64) -> [EventRecord] {
        var markers: [EventRecord] = []
        let now = EventWriter.nowMs()
        if let outage {
            let held = state.withLock { $0.pendingCount }
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
        let waiters = state.withLock { state in
            if let sequence { state.acknowledged = sequence }
            state.pendingCount -= count
            state.droppedUnlogged -= droppedLogged
            if recovered { state.outage = nil }
            defer { state.flushWaiters.removeAll() }
            return state.flushWaiters
        }
        for waiter in waiters { waiter.signal() }
    }

    private func logMarkers(outage: Outage?, dropped: UInt64) {
        if let outage {
            options.logger.notice("event store writing again after \(EventWriter.nowMs() - outage.sinceMs) ms (\(outage.fault)); held events written",
                                  metadata: ["path": "\(path)", "attempts": "\(outage.attempts)"])
        }
        state.withLock { $0.dropsLogged = 0 }
        if dropped > 0 {
            options.logger.warning("event queue was full: \(dropped) events dropped (capacity \(options.capacity)); logged as \(EventType.storeOverflow)")
        }
    }

    /// Notes a failed attempt; returns true when the writer is stopping and its deadline has passed.
    private func recordFault(_ fault: StoreFault) -> Bool {
        let (isNew, held, dropped, dropsLogged, giveUp) = state.withLock { state in
            let isNew = state.outage?.fault != fault
            if var current = state.outage {
                current.attempts += 1
                current.fault = fault
                state.outage = current
            } else {
                state.outage = Outage(fault: fault, sinceMs: EventWriter.nowMs(), attempts: 1)
            }
            return (isNew, state.pendingCount, state.droppedUnlogged, state.dropsLogged,
                    state.stopping && DispatchTime.now() >= state.stopDeadline)
        }
        if isNew {
            options.logger.error("event store cannot write: \(fault); holding \(held) events in memory (bound \(options.capacity)), retrying",
                                 metadata: ["path": "\(path)"])
        }
        // Said when it happens, not only on recovery: past the bound new events are lost, counted here.
        if dropped > dropsLogged {
            let capacity = options.capacity
            options.logger.warning("event store still cannot write (\(fault)) and the in-memory bound of \(capacity) is full: \(dropped) events dropped so far; the count is logged as \(EventType.storeOverflow) on recovery",
                                   metadata: ["path": "\(path)"])
            state.withLock { $0.dropsLogged = dropped }
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
