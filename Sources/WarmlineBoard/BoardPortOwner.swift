import Foundation
import Glibc
import Logging
import Synchronization

/// The one owner of a link's serial port: a dedicated thread that opens, reads, writes and closes the descriptor,
/// feeds the `BoardProtocol` machine with bytes and the time, and carries out what it says.
///
/// Nothing else touches the descriptor, so it cannot be closed twice or leak; the audio thread only signals.
struct BoardPortOwner {
    /// Longest a write may wait for a full device buffer; the frame's retransmit recovers what is dropped.
    static let writeTimeoutMs = 20
    /// Longest poll without a deadline: close and heartbeats also wake it through the pipe.
    static let idlePollMs: UInt64 = 1_000

    let shared: BoardLinkShared
    let logger: Logger
    let continuation: AsyncStream<BoardEvent>.Continuation
    var machine: BoardProtocol
    var port: SerialPort?
    var waiting: [BoardProtocol.CommandID: BoardLinkShared.Completion] = [:]
    var bytesUnwritten = 0
    var stuckUntilMs: UInt64 = 0
    /// Completions and events of one step, run after the snapshot is published and outside every lock.
    var deliveries: [() -> Void] = []

    init(config: BoardConfig, shared: BoardLinkShared, logger: Logger, continuation: AsyncStream<BoardEvent>.Continuation) {
        self.shared = shared
        self.logger = logger
        self.continuation = continuation
        machine = BoardProtocol(config: config)
    }

    /// Starts the owner on its own thread.
    static func start(config: BoardConfig, shared: BoardLinkShared, logger: Logger,
                      continuation: AsyncStream<BoardEvent>.Continuation) {
        let thread = Thread {
            var owner = BoardPortOwner(config: config, shared: shared, logger: logger, continuation: continuation)
            owner.run()
        }
        thread.name = "warmline-board-link"
        thread.start()
    }

    private mutating func run() {
        while true {
            let nowMs = MonotonicMilliseconds.now()
            let (requests, closed) = shared.mailbox.withLock { m in
                defer { m.requests = [] }
                return (m.requests, m.closed)
            }
            if closed {
                finish(requests)
                return
            }
            machine.heartbeatTimerEnabled = shared.heartbeatTimer.load(ordering: .relaxed)
            for request in requests { take(request, nowMs: nowMs) }
            if shared.heartbeatRequests.exchange(0, ordering: .relaxed) > 0 {
                perform(machine.heartbeat(nowMs: nowMs), nowMs: nowMs)
            }
            perform(machine.tick(nowMs: nowMs), nowMs: nowMs)
            deliver()
            wait(untilMs: machine.nextDeadlineMs, nowMs: nowMs)
        }
    }

    private mutating func take(_ request: BoardLinkShared.Request, nowMs: UInt64) {
        switch request {
        case .connect(let completion):
            // The new descriptor replaces the old one only once it is open: a failed reopen leaves the link as it was.
            let opened: SerialPort
            do throws(BoardError) {
                opened = try SerialPort.open(path: machine.config.devicePath, baudRate: machine.config.baudRate, replacing: port)
            } catch {
                deliveries.append { completion(.failure(error)) }
                return
            }
            port?.close()
            port = opened
            opened.relock()
            perform(machine.portOpened(nowMs: nowMs), nowMs: nowMs)
            let (id, out) = machine.send(BoardMessage.hello, [BoardMessage.protocolVersion], nowMs: nowMs)
            waiting[id] = completion
            perform(out, nowMs: nowMs)
        case .command(let type, let payload, let completion):
            let (id, out) = machine.send(type, payload, nowMs: nowMs)
            waiting[id] = completion
            perform(out, nowMs: nowMs)
        }
    }

    /// Waits for input, a wake-up or the machine's next deadline, then feeds what was read.
    private mutating func wait(untilMs deadline: UInt64?, nowMs: UInt64) {
        let timeoutMs = deadline.map { $0 > nowMs ? min($0 - nowMs, Self.idlePollMs) : 0 } ?? Self.idlePollMs
        var fds = [pollfd(fd: shared.wake.readFD, events: Int16(POLLIN), revents: 0)]
        if let port { fds.append(pollfd(fd: port.fd, events: Int16(POLLIN), revents: 0)) }
        // Without a wake pipe, poll briefly so requests are still seen.
        let bound = shared.wake.readFD >= 0 ? Int32(timeoutMs) : Int32(min(timeoutMs, 10))
        guard poll(&fds, nfds_t(fds.count), bound) > 0 else { return }
        if fds[0].revents != 0 { shared.wake.drain() }
        guard let port, fds.count > 1, fds[1].revents != 0 else { return }
        let now = MonotonicMilliseconds.now()
        switch fds[1].revents & Int16(POLLIN) != 0 ? port.read() : .gone {
        case .bytes(let bytes): perform(machine.receive(bytes, nowMs: now), nowMs: now)
        case .nothing: break
        case .gone: lose(reason: "device closed or unplugged", nowMs: now)
        }
        deliver()
    }

    private mutating func lose(reason: String, nowMs: UInt64) {
        port?.close()
        port = nil
        perform(machine.portLost(reason: reason, nowMs: nowMs), nowMs: nowMs)
    }

    /// Carries out the machine's outputs: writes now, completions and events after the snapshot (`deliver`).
    private mutating func perform(_ outputs: [BoardProtocol.Output], nowMs: UInt64) {
        for output in outputs {
            switch output {
            case .write(let bytes):
                guard let port else { continue }
                // A device that just timed out is not waited for again at once: one stuck port costs 20 ms per 100 ms.
                let timeoutMs = nowMs < stuckUntilMs ? 0 : Self.writeTimeoutMs
                switch port.write(bytes, timeoutMs: timeoutMs) {
                case .written: break
                case .timedOut(let unwritten):
                    bytesUnwritten += unwritten
                    stuckUntilMs = MonotonicMilliseconds.now() + 100
                case .gone: lose(reason: "device closed or unplugged", nowMs: nowMs)
                }
            case .completed(let id, let result):
                if let completion = waiting.removeValue(forKey: id) { deliveries.append { completion(result) } }
            case .event(let event):
                let (continuation, shared) = (continuation, shared)
                deliveries.append {
                    shared.eventSink.withLock { sink in
                        if let sink { sink(event) } else { continuation.yield(event) }
                    }
                }
            case .reopenPort:
                do throws(BoardError) {
                    port = try SerialPort.open(path: machine.config.devicePath, baudRate: machine.config.baudRate)
                    perform(machine.portOpened(nowMs: nowMs, afterReopen: true), nowMs: nowMs)
                } catch {
                    perform(machine.reopenFailed(error, nowMs: nowMs), nowMs: nowMs)
                }
            case .log(let level, let message):
                logger.log(level: level, "\(message)", metadata: ["device": "\(machine.config.devicePath)"])
            }
        }
        if let sent = machine.lastHeartbeatMs, sent > shared.lastHeartbeatMs.load(ordering: .relaxed) {
            shared.lastHeartbeatMs.store(sent, ordering: .relaxed)
        }
    }

    /// Publishes counters and status, then completes commands and yields events (a caller that sees its answer
    /// sees the counters that go with it).
    private mutating func deliver() {
        var statistics = machine.statistics
        statistics.bytesUnwritten = bytesUnwritten
        let status = machine.lastStatus
        shared.mailbox.withLock { m in
            m.statistics = statistics
            m.lastStatus = status
        }
        let ready = deliveries
        deliveries = []
        ready.forEach { $0() }
    }

    /// Closing: waiting and queued commands fail with `.closed`, the port is closed here, by its owner, once.
    private mutating func finish(_ queued: [BoardLinkShared.Request]) {
        perform(machine.close(), nowMs: MonotonicMilliseconds.now())
        port?.close()
        port = nil
        for request in queued {
            switch request {
            case .connect(let completion), .command(_, _, let completion): deliveries.append { completion(.failure(.closed)) }
            }
        }
        deliver()
        // Requests that arrive from now on fail at once in `BoardLink` (closed), none are left here.
        let late = shared.mailbox.withLock { m in
            m.ownerRunning = false
            defer { m.requests = [] }
            return m.requests
        }
        for request in late {
            switch request {
            case .connect(let completion), .command(_, _, let completion): completion(.failure(.closed))
            }
        }
    }
}
