import Foundation
import Glibc
import Logging
import Synchronization

/// The host end of the line-interface link: serial port, HELLO, commands with ACK/retransmit, events, heartbeats.
///
/// Commands return when the board acknowledges them, or throw a `BoardError` after `maxAttempts`.
/// Heartbeats come from the audio loop (`serviceTick()` every audio period) so a hung audio loop means bypass.
public final class BoardLink: Sendable {
    /// The configuration this link was made with.
    public let config: BoardConfig
    /// Board and link events, in order; one consumer.
    public let events: AsyncStream<BoardEvent>

    private let continuation: AsyncStream<BoardEvent>.Continuation
    private let logger: Logger
    private let state = Mutex(LinkState())

    private typealias Completion = @Sendable (Result<[UInt8], BoardError>) -> Void

    private struct Pending {
        var type: UInt8
        var wire: [UInt8]
        var attempts: Int
        var firstSentNs: UInt64
        var deadlineNs: UInt64
        var completion: Completion
    }

    private struct LinkState {
        var port: SerialPort?
        /// Ports taken out of use while the link thread may still be reading them: only that thread closes them,
        /// so their descriptor is never reused under its read (and never closed twice).
        var retired: [SerialPort] = []
        var decoder = FrameDecoder()
        var nextSeq: UInt8 = 0
        var pending: [UInt8: Pending] = [:]
        var recentEvents: [UInt8] = []
        var inSession = false
        var helloInFlight = false
        var everConnected = false
        var lastHeartbeatNs: UInt64 = 0
        var heartbeatTimerOn = false
        var running = false
        var closed = false
        var reconnectDelayMs = 0
        var nextReconnectNs: UInt64 = 0
        var info: BoardInfo?
        var lastStatus: BoardStatus?
        var stats = LinkStatistics()

        /// Takes the port out of use: closed at once when no link thread runs, else handed to that thread.
        mutating func retire() {
            guard let old = port else { return }
            port = nil
            if running { retired.append(old) } else { old.close() }
        }
    }

    /// Makes a link; nothing is opened until `connect()`.
    public init(config: BoardConfig, logger: Logger = Logger(label: "warmline.board")) {
        self.config = config
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: BoardEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    /// Opens the device, completes HELLO and starts the link thread; throws on a version mismatch.
    @discardableResult
    public func connect() async throws -> BoardInfo {
        guard !state.withLock({ $0.closed }) else { throw BoardError.closed }
        let port = try SerialPort.open(path: config.devicePath, baudRate: config.baudRate)
        let startThread = state.withLock { s -> Bool in
            s.retire()
            s.port = port
            s.decoder = FrameDecoder()
            s.lastHeartbeatNs = Self.nowNs()
            defer { s.running = true }
            return !s.running
        }
        if startThread {
            let thread = Thread { [self] in self.run() }
            thread.name = "warmline-board-link"
            thread.start()
        }
        let payload = try await send(BoardMessage.hello, [BoardMessage.protocolVersion])
        return try completeHello(payload)
    }

    /// Stops the link thread, closes the device and ends `events`; waiting commands fail with `.closed`.
    public func close() {
        let failed = state.withLock { s -> [Completion] in
            s.retire()
            s.running = false
            s.closed = true
            s.inSession = false
            defer { s.pending.removeAll() }
            return s.pending.values.map(\.completion)
        }
        failed.forEach { $0(.failure(.closed)) }
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

    /// Sends a heartbeat now.
    public func heartbeat() {
        state.withLock { s in
            s.lastHeartbeatNs = Self.nowNs()
            _ = s.port?.write(BoardFrame(type: BoardMessage.heartbeat, seq: 0).wireBytes())
        }
    }

    /// Call once per audio period: sends a heartbeat when one is due, so a stalled audio loop stops them.
    public func serviceTick() {
        let due = state.withLock { s in Self.nowNs() &- s.lastHeartbeatNs >= UInt64(config.heartbeatPeriodMs) * 1_000_000 }
        if due { heartbeat() }
    }

    /// Lets the link thread send heartbeats by itself (tools and tests without an audio loop).
    public func setHeartbeatTimer(enabled: Bool) {
        state.withLock { $0.heartbeatTimerOn = enabled }
    }

    /// Counters of dropped garbage, retransmits, duplicates and reconnects.
    public var statistics: LinkStatistics {
        state.withLock { s in
            var stats = s.stats
            stats.framesReceived = s.decoder.framesAccepted
            stats.garbageBytesDropped = s.decoder.bytesDropped
            stats.badFrames = s.decoder.framesBadCRC + s.decoder.framesMalformed
            return stats
        }
    }

    /// The last STATUS the board sent in reply to a heartbeat.
    public var lastStatus: BoardStatus? { state.withLock { $0.lastStatus } }

    // MARK: Sending

    private func send(_ type: UInt8, _ payload: [UInt8]) async throws(BoardError) -> [UInt8] {
        let result: Result<[UInt8], BoardError> = await withCheckedContinuation { cont in
            enqueue(type, payload) { cont.resume(returning: $0) }
        }
        return try result.get()
    }

    private func enqueue(_ type: UInt8, _ payload: [UInt8], completion: @escaping Completion) {
        let error = state.withLock { s -> BoardError? in
            guard let port = s.port else { return .linkDown(device: config.devicePath) }
            s.nextSeq = s.nextSeq == 255 ? 1 : s.nextSeq + 1
            let seq = s.nextSeq
            let wire = BoardFrame(type: type, seq: seq, payload: payload).wireBytes()
            let now = Self.nowNs()
            s.pending[seq] = Pending(type: type, wire: wire, attempts: 1, firstSentNs: now,
                                     deadlineNs: now + UInt64(config.ackTimeoutMs) * 1_000_000, completion: completion)
            if type == BoardMessage.hello { s.helloInFlight = true }
            _ = port.write(wire)
            return nil
        }
        if let error { completion(.failure(error)) }
    }

    private func completeHello(_ payload: [UInt8]) throws(BoardError) -> BoardInfo {
        guard payload.count >= 5 else {
            throw .refused(command: "HELLO", reason: "short HELLO reply (\(payload.count) bytes)")
        }
        let info = BoardInfo(protocolVersion: Int(payload[0]),
                             firmwareVersion: "\(payload[1]).\(payload[2]).\(payload[3])",
                             bypassEngaged: payload[4] & 0x01 != 0)
        state.withLock { $0.helloInFlight = false }
        guard payload[0] == BoardMessage.protocolVersion else {
            throw .protocolMismatch(device: config.devicePath, boardProtocol: info.protocolVersion,
                                    boardFirmware: info.firmwareVersion,
                                    hostProtocol: Int(BoardMessage.protocolVersion))
        }
        state.withLock { s in
            s.inSession = true
            s.everConnected = true
            s.info = info
            s.recentEvents.removeAll()
        }
        logger.info("board connected", metadata: ["device": "\(config.devicePath)",
                                                  "firmware": "\(info.firmwareVersion)",
                                                  "protocol": "\(info.protocolVersion)"])
        continuation.yield(.connected(info))
        return info
    }

    /// HELLO from the link thread (after a board reset or a reconnect).
    private func rehello() {
        enqueue(BoardMessage.hello, [BoardMessage.protocolVersion]) { [self] result in
            do throws(BoardError) {
                _ = try completeHello(try result.get())
            } catch {
                state.withLock { $0.helloInFlight = false }
                logger.error("board HELLO failed: \(error.description)")
                continuation.yield(.linkLost(reason: error.description))
            }
        }
    }

    // MARK: Link thread

    private static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    private func run() {
        while true {
            let (running, port, retired) = state.withLock { s in
                defer { s.retired = [] }
                return (s.running, s.port, s.retired)
            }
            retired.forEach { $0.close() }
            guard running else { return }
            guard let port else {
                reconnectIfDue()
                usleep(10_000)
                continue
            }
            guard let bytes = port.read(timeoutMs: 10) else {
                // close() may have shut the port under us: that is not an unplug.
                if state.withLock({ $0.running && $0.port?.fd == port.fd }) {
                    lost(port, reason: "device closed or unplugged")
                }
                continue
            }
            if !bytes.isEmpty {
                let frames = state.withLock { $0.decoder.push(bytes) }
                frames.forEach(handle)
            }
            checkTimeouts()
            if state.withLock({ $0.heartbeatTimerOn }) { serviceTick() }
        }
    }

    private func handle(_ frame: BoardFrame) {
        switch frame.type {
        case BoardMessage.ack, BoardMessage.nak:
            guard let pending = state.withLock({ $0.pending.removeValue(forKey: frame.seq) }) else { return }
            if frame.type == BoardMessage.ack {
                pending.completion(.success(frame.payload))
            } else {
                pending.completion(.failure(refusal(of: pending.type, payload: frame.payload)))
            }
        case BoardMessage.status:
            let status = BoardStatus(payload: frame.payload)
            let reset = state.withLock { s -> Bool in
                s.lastStatus = status
                return s.inSession && !status.inSession && !s.helloInFlight
            }
            if reset { boardReset(cause: "STATUS shows no session") }
        case BoardMessage.boot:
            if state.withLock({ $0.everConnected && !$0.helloInFlight }) { boardReset(cause: "BOOT received") }
        case let type where BoardMessage.isEvent(type):
            let fresh = state.withLock { s -> Bool in
                _ = s.port?.write(BoardFrame(type: BoardMessage.ack, seq: frame.seq).wireBytes())
                if s.recentEvents.contains(frame.seq) {
                    s.stats.duplicateEvents += 1
                    return false
                }
                s.recentEvents.append(frame.seq)
                if s.recentEvents.count > 32 { s.recentEvents.removeFirst() }
                return true
            }
            if fresh, let event = BoardEventDecoder.decode(frame) {
                if case .bypass(let engaged, let reason) = event {
                    logger.notice("board bypass \(engaged ? "engaged" : "released")", metadata: ["reason": "\(reason)"])
                }
                continuation.yield(event)
            }
        default:
            logger.debug("ignored board frame type \(frame.type)")
        }
    }

    private func refusal(of type: UInt8, payload: [UInt8]) -> BoardError {
        let reason = payload.first ?? 0
        if type == BoardMessage.hello, reason == 3, payload.count >= 5 {
            return .protocolMismatch(device: config.devicePath, boardProtocol: Int(payload[1]),
                                     boardFirmware: "\(payload[2]).\(payload[3]).\(payload[4])",
                                     hostProtocol: Int(BoardMessage.protocolVersion))
        }
        return .refused(command: BoardMessage.commandName(type), reason: BoardError.nakReason(reason))
    }

    private func boardReset(cause: String) {
        state.withLock { $0.inSession = false }
        logger.warning("board reset detected (\(cause)): the line is in bypass, any call in progress is over")
        continuation.yield(.boardReset)
        rehello()
    }

    private func checkTimeouts() {
        let now = Self.nowNs()
        let expired = state.withLock { s -> [(Pending, Int)] in
            var failed: [(Pending, Int)] = []
            for (seq, var p) in s.pending where p.deadlineNs <= now {
                if p.attempts < config.maxAttempts {
                    p.attempts += 1
                    p.deadlineNs = now + UInt64(config.ackTimeoutMs) * 1_000_000
                    s.stats.retransmits += 1
                    _ = s.port?.write(p.wire)
                    s.pending[seq] = p
                } else {
                    s.pending[seq] = nil
                    failed.append((p, Int((now - p.firstSentNs) / 1_000_000)))
                    if p.type == BoardMessage.hello { s.helloInFlight = false }
                }
            }
            return failed
        }
        for (p, waitedMs) in expired {
            p.completion(.failure(.noAcknowledgement(device: config.devicePath,
                                                     command: BoardMessage.commandName(p.type),
                                                     attempts: p.attempts, waitedMs: waitedMs)))
        }
    }

    private func lost(_ port: SerialPort, reason: String) {
        let failed = state.withLock { s -> [Completion] in
            port.close()
            s.port = nil
            s.inSession = false
            s.helloInFlight = false
            s.reconnectDelayMs = config.reconnectInitialMs
            s.nextReconnectNs = Self.nowNs() + UInt64(s.reconnectDelayMs) * 1_000_000
            defer { s.pending.removeAll() }
            return s.pending.values.map(\.completion)
        }
        logger.error("board link lost on \(config.devicePath): \(reason); reconnecting with back-off")
        continuation.yield(.linkLost(reason: reason))
        failed.forEach { $0(.failure(.linkDown(device: config.devicePath))) }
    }

    private func reconnectIfDue() {
        let due = state.withLock { Self.nowNs() >= $0.nextReconnectNs }
        guard due else { return }
        do throws(BoardError) {
            let port = try SerialPort.open(path: config.devicePath, baudRate: config.baudRate)
            state.withLock { s in
                s.port = port
                s.decoder = FrameDecoder()
                s.stats.reconnects += 1
            }
            logger.notice("board device \(config.devicePath) is back; sending HELLO")
            rehello()
        } catch {
            let delayMs = state.withLock { s -> Int in
                s.reconnectDelayMs = min(config.reconnectMaxMs, max(1, s.reconnectDelayMs) * 2)
                s.nextReconnectNs = Self.nowNs() + UInt64(s.reconnectDelayMs) * 1_000_000
                return s.reconnectDelayMs
            }
            logger.warning("board reconnect failed: \(error.description); next try in \(delayMs) ms")
        }
    }
}
