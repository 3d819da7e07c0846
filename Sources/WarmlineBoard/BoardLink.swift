import Logging
import Synchronization

/// The host end of the line-interface link: serial port, HELLO, commands with ACK/retransmit, events, heartbeats.
///
/// The channel half of NIO's split: the protocol is the pure `BoardProtocol` machine, and one thread (the port owner)
/// holds the descriptor and that machine. Commands are requests to that thread; they return when the board
/// acknowledges them, or throw a `BoardError` after `maxAttempts`. Heartbeats come from the audio loop
/// (`serviceTick()` every audio period) so a hung audio loop means bypass; the audio thread only signals the owner,
/// it never waits for the port.
public final class BoardLink: Sendable {
    /// The configuration this link was made with.
    public let config: BoardConfig
    /// Board and link events, in order; one consumer.
    public let events: AsyncStream<BoardEvent>

    private let continuation: AsyncStream<BoardEvent>.Continuation
    private let logger: Logger
    private let shared = BoardLinkShared()

    /// Makes a link; nothing is opened until `connect()`.
    public init(config: BoardConfig, logger: Logger = Logger(label: "warmline.board")) {
        self.config = config
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: BoardEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    deinit { close() }

    /// Opens the device, completes HELLO and starts the port owner; throws on a version mismatch.
    @discardableResult
    public func connect() async throws -> BoardInfo {
        let payload = try await request(startingOwner: true) { .connect($0) }
        return try BoardProtocol.helloInfo(payload, device: config.devicePath).get()
    }

    /// From now on hands each event to `sink` on the port owner's thread, as it is decoded (keep it short: post to an
    /// inbox), instead of to `events`, which ends after the events already in it. A line's thread hears rings and
    /// caller ID this way with no task in between: the pool's two threads are not on the ring path.
    public func deliverEvents(to sink: @escaping @Sendable (BoardEvent) -> Void) {
        shared.eventSink.withLock {
            $0 = sink
            continuation.finish()
        }
    }

    /// Stops the port owner (it closes the device), ends `events`; waiting commands fail with `.closed`.
    public func close() {
        shared.mailbox.withLock { $0.closed = true }
        shared.wake.signal()
        continuation.finish()
    }

    // MARK: Commands

    /// Takes the line off-hook (answers a ringing call).
    public func offHook() async throws { _ = try await send(BoardMessage.offHook, []) }

    /// Puts the line on-hook (hangs up, or completes a transfer).
    public func onHook() async throws { _ = try await send(BoardMessage.onHook, []) }

    /// Starts a hook-flash of `flashMs` (50...2000, default 600); `.flashDone` follows when the loop is closed again.
    public func flash(flashMs: Int = 600) async throws {
        let ms = UInt16(clamping: flashMs)
        _ = try await send(BoardMessage.flash, [UInt8(ms >> 8), UInt8(ms & 0xFF)])
    }

    /// Dials DTMF digits (0-9 * # A-D, at most 32); `.dialDone` follows.
    public func dial(_ digits: String) async throws { _ = try await send(BoardMessage.dial, Array(digits.utf8)) }

    /// Hands the line to the human agent line (`true`) or lets the board take it back when idle (`false`).
    public func setBypass(_ engaged: Bool) async throws { _ = try await send(BoardMessage.setBypass, [engaged ? 1 : 0]) }

    /// Hands `command` to the port owner without waiting and without a task; `completion` runs on the port owner's
    /// thread once the board acknowledges it or the link gives up (keep it short: post to an inbox). The line's thread
    /// sends OFF_HOOK, FLASH, DIAL and ON_HOOK this way: the ring and hand-off path never waits for a pool thread.
    public func submit(_ command: BoardCommand, completion: @escaping @Sendable (Result<Void, BoardError>) -> Void) {
        let (type, payload) = command.frame
        enqueue(startingOwner: false, { .command(type: type, payload: payload, $0) }, completion: { completion($0.map { _ in () }) })
    }

    /// Asks the board for its line state.
    public func status() async throws -> BoardStatus { BoardStatus(payload: try await send(BoardMessage.getStatus, [])) }

    // MARK: Heartbeats

    /// Sends a heartbeat now: the port owner writes it; the caller never waits for the port.
    public func heartbeat() {
        shared.lastHeartbeatMs.store(MonotonicMilliseconds.now(), ordering: .relaxed)
        shared.heartbeatRequests.add(1, ordering: .relaxed)
        shared.wake.signal()
    }

    /// Call once per audio period: asks for a heartbeat when one is due, so a stalled audio loop stops them.
    /// Lock-free: an atomic load and, every `heartbeatPeriodMs`, one non-blocking pipe write.
    public func serviceTick() {
        let lastMs = shared.lastHeartbeatMs.load(ordering: .relaxed)
        if MonotonicMilliseconds.now() &- lastMs >= UInt64(config.heartbeatPeriodMs) { heartbeat() }
    }

    /// Lets the port owner send heartbeats by itself (idle lines, tools and tests without an audio loop).
    public func setHeartbeatTimer(enabled: Bool) {
        shared.heartbeatTimer.store(enabled, ordering: .relaxed)
        shared.wake.signal()
    }

    /// Counters of dropped garbage, retransmits, duplicates, reconnects and heartbeats.
    public var statistics: LinkStatistics { shared.mailbox.withLock { $0.statistics } }

    /// The last STATUS the board sent in reply to a heartbeat.
    public var lastStatus: BoardStatus? { shared.mailbox.withLock { $0.lastStatus } }

    // MARK: Requests

    private func send(_ type: UInt8, _ payload: [UInt8]) async throws(BoardError) -> [UInt8] {
        try await request(startingOwner: false) { .command(type: type, payload: payload, $0) }
    }

    /// Hands a request to the port owner (starting it for `connect`) and waits for its answer.
    private func request(startingOwner: Bool, _ make: @escaping @Sendable (@escaping BoardLinkShared.Completion)
                            -> BoardLinkShared.Request) async throws(BoardError) -> [UInt8] {
        let result: Result<[UInt8], BoardError> = await withCheckedContinuation { cont in
            enqueue(startingOwner: startingOwner, make) { cont.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Puts a request in the port owner's mailbox (starting the owner for `connect`) and wakes it; `completion` runs
    /// once, with the answer or the reason it was refused.
    private func enqueue(startingOwner: Bool, _ make: @Sendable (@escaping BoardLinkShared.Completion) -> BoardLinkShared.Request,
                         completion: @escaping BoardLinkShared.Completion) {
        let verdict = shared.mailbox.withLock { m -> (refusal: BoardError?, start: Bool) in
            if m.closed { return (.closed, false) }
            // Without an owner there is no port: a command fails as the old link's did with no port.
            if !m.ownerRunning && !startingOwner { return (.linkDown(device: config.devicePath), false) }
            m.requests.append(make(completion))
            defer { m.ownerRunning = true }
            return (nil, !m.ownerRunning)
        }
        if let refusal = verdict.refusal {
            completion(.failure(refusal))
            return
        }
        if verdict.start {
            BoardPortOwner.start(config: config, shared: shared, logger: logger, continuation: continuation)
        }
        shared.wake.signal()
    }
}

/// A command a line's thread hands to the link without waiting (`BoardLink.submit`).
public enum BoardCommand: Sendable, Equatable {
    /// Answer the ringing call.
    case offHook
    /// Hang up, or complete a transfer.
    case onHook
    /// Hook-flash of `ms` milliseconds (50...2000).
    case flash(ms: Int)
    /// Dial DTMF digits (0-9 * # A-D, at most 32).
    case dial(String)
    /// Bypass relay to the agent line (`true`) or back to Warmline when idle (`false`).
    case setBypass(Bool)

    /// Message type and payload, as the async commands send them.
    var frame: (type: UInt8, payload: [UInt8]) {
        switch self {
        case .offHook: return (BoardMessage.offHook, [])
        case .onHook: return (BoardMessage.onHook, [])
        case .flash(let ms):
            let clamped = UInt16(clamping: ms)
            return (BoardMessage.flash, [UInt8(clamped >> 8), UInt8(clamped & 0xFF)])
        case .dial(let digits): return (BoardMessage.dial, Array(digits.utf8))
        case .setBypass(let engaged): return (BoardMessage.setBypass, [engaged ? 1 : 0])
        }
    }
}
