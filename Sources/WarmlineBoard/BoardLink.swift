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
            let completion: BoardLinkShared.Completion = { cont.resume(returning: $0) }
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
        return try result.get()
    }
}
