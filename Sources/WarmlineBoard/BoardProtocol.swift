import Logging

/// The host end of the link protocol as a pure state machine: bytes and a time in, frames to write and outcomes out.
///
/// The host-side mirror of `Firmware/core/link.c`, and the handler half of NIO's handler/channel split: commands get a
/// command id and are retransmitted until answered, board events are ACKed and delivered once, BOOT or a STATUS
/// without a session means the board was reset and HELLO is said again. It reads no clock and touches no descriptor:
/// every input carries the time in milliseconds, every output is a value the port's owner (`BoardLink`) carries out.
public struct BoardProtocol: Sendable {
    /// Names one command from `send` until its `.completed` output.
    public typealias CommandID = UInt64

    /// What the port's owner must do, in order.
    public enum Output: Sendable, Equatable {
        /// Write these bytes to the port.
        case write([UInt8])
        /// A command finished: the board's ACK payload, or why not.
        case completed(CommandID, Result<[UInt8], BoardError>)
        /// Deliver this to the link's consumer.
        case event(BoardEvent)
        /// Open the device again (the reconnect back-off has run out); answer with `portOpened` or `reopenFailed`.
        case reopenPort
        /// A line for the log.
        case log(Logger.Level, String)
    }

    /// Events remembered per session for duplicate suppression (PROTOCOL.md: the last 32 ids).
    public static let rememberedEvents = 32

    /// Timeouts, attempts and heartbeat period.
    public let config: BoardConfig
    /// The host's HEARTBEAT timer is on (tools and idle lines; a call's audio loop sends its own).
    public var heartbeatTimerEnabled = false
    /// The board answered HELLO and has not been reset or lost since.
    public private(set) var inSession = false
    /// Versions and state from the last completed HELLO.
    public private(set) var info: BoardInfo?
    /// The last STATUS the board sent in reply to a heartbeat.
    public private(set) var lastStatus: BoardStatus?
    /// When the last heartbeat was written (nil: never).
    public private(set) var lastHeartbeatMs: UInt64?
    /// A port is open (between `portOpened` and `portLost` or `close`).
    public private(set) var portOpen = false

    private struct Pending: Sendable {
        var id: CommandID
        var type: UInt8
        var wire: [UInt8]
        var attempts: Int
        var firstSentMs: UInt64
        var deadlineMs: UInt64
        /// A HELLO the machine said by itself (after a reset or reconnect): nobody waits for it.
        var unasked: Bool
    }

    private var decoder = FrameDecoder()
    private var nextSeq: UInt8 = 0
    private var nextID: CommandID = 1
    private var pending: [UInt8: Pending] = [:]
    private var recentEvents: [UInt8] = []
    private var everConnected = false
    private var closed = false
    private var reconnectDelayMs = 0
    private var nextReconnectMs: UInt64?
    private var counters = LinkStatistics()

    /// A machine with no port open.
    public init(config: BoardConfig) {
        self.config = config
    }

    /// Counters of dropped garbage, retransmits, duplicates, reconnects and heartbeats.
    public var statistics: LinkStatistics {
        var stats = counters
        stats.framesReceived = decoder.framesAccepted
        stats.garbageBytesDropped = decoder.bytesDropped
        stats.badFrames = decoder.framesBadCRC + decoder.framesMalformed
        return stats
    }

    /// A HELLO is waiting for its answer.
    public var helloInFlight: Bool { pending.values.contains { $0.type == BoardMessage.hello } }

    /// The earliest time `tick` has work to do (a retransmit, a heartbeat, a reconnect); nil when none is due.
    public var nextDeadlineMs: UInt64? {
        var deadlines = pending.values.map(\.deadlineMs)
        if let nextReconnectMs { deadlines.append(nextReconnectMs) }
        if heartbeatTimerEnabled, portOpen {
            deadlines.append((lastHeartbeatMs ?? 0) + UInt64(config.heartbeatPeriodMs))
        }
        return deadlines.min()
    }

    // MARK: The port

    /// The owner opened the device: frames start afresh. Answering `.reopenPort` (`afterReopen`), HELLO is said at once.
    public mutating func portOpened(nowMs: UInt64, afterReopen reconnect: Bool = false) -> [Output] {
        guard !closed else { return [] }
        portOpen = true
        nextReconnectMs = nil
        decoder = FrameDecoder()
        guard reconnect else { return [] }
        counters.reconnects += 1
        var out: [Output] = [.log(.notice, "board device \(config.devicePath) is back; sending HELLO")]
        out += say(BoardMessage.hello, [BoardMessage.protocolVersion], nowMs: nowMs, unasked: true).1
        return out
    }

    /// The device went away (read or write failed, hang-up): waiting commands fail, a reconnect is scheduled.
    public mutating func portLost(reason: String, nowMs: UInt64) -> [Output] {
        guard portOpen else { return [] }
        portOpen = false
        inSession = false
        reconnectDelayMs = config.reconnectInitialMs
        nextReconnectMs = nowMs + UInt64(reconnectDelayMs)
        var out: [Output] = [.log(.error, "board link lost on \(config.devicePath): \(reason); reconnecting with back-off"),
                             .event(.linkLost(reason: reason))]
        out += failAll(.linkDown(device: config.devicePath))
        return out
    }

    /// Reopening after `.reopenPort` failed: the next try waits twice as long (up to `reconnectMaxMs`).
    public mutating func reopenFailed(_ error: BoardError, nowMs: UInt64) -> [Output] {
        guard !closed, !portOpen else { return [] }
        reconnectDelayMs = min(config.reconnectMaxMs, max(1, reconnectDelayMs) * 2)
        nextReconnectMs = nowMs + UInt64(reconnectDelayMs)
        return [.log(.warning, "board reconnect failed: \(error.description); next try in \(reconnectDelayMs) ms")]
    }

    /// The link is closed for good: waiting commands fail with `.closed`; later inputs do nothing.
    public mutating func close() -> [Output] {
        closed = true
        portOpen = false
        inSession = false
        nextReconnectMs = nil
        return failAll(.closed)
    }

    // MARK: Commands and heartbeats

    /// Sends a command; its answer comes as `.completed(id, ...)` from `receive` or `tick` (at once without a port).
    public mutating func send(_ type: UInt8, _ payload: [UInt8], nowMs: UInt64) -> (CommandID, [Output]) {
        say(type, payload, nowMs: nowMs, unasked: false)
    }

    /// Writes a heartbeat now (the board's watchdog counts only these and HELLO).
    public mutating func heartbeat(nowMs: UInt64) -> [Output] {
        guard portOpen else { return [] }
        lastHeartbeatMs = nowMs
        counters.heartbeatsSent += 1
        return [.write(BoardFrame(type: BoardMessage.heartbeat, seq: 0).wireBytes())]
    }

    /// Advances time: retransmits, gives up on commands, sends a due heartbeat (timer on), asks for a reconnect.
    public mutating func tick(nowMs: UInt64) -> [Output] {
        var out: [Output] = []
        for seq in pending.keys.sorted(by: { pending[$0]?.id ?? 0 < pending[$1]?.id ?? 0 }) {
            guard var p = pending[seq], p.deadlineMs <= nowMs else { continue }
            let hello = p.type == BoardMessage.hello
            let helloEndMs = p.firstSentMs + UInt64(config.helloTimeoutMs)
            if hello ? nowMs < helloEndMs : p.attempts < config.maxAttempts {
                p.attempts += 1
                p.deadlineMs = nowMs + UInt64(retransmitIntervalMs(type: p.type, attempt: p.attempts))
                if hello { p.deadlineMs = min(p.deadlineMs, helloEndMs) }
                counters.retransmits += 1
                pending[seq] = p
                out.append(.write(p.wire))
            } else {
                pending[seq] = nil
                let waitedMs = Int(nowMs - p.firstSentMs)
                out += finish(p, .failure(.noAcknowledgement(device: config.devicePath, command: BoardMessage.commandName(p.type),
                                                              attempts: p.attempts, waitedMs: waitedMs)))
            }
        }
        if heartbeatTimerEnabled, portOpen, nowMs >= (lastHeartbeatMs ?? 0) + UInt64(config.heartbeatPeriodMs) {
            out += heartbeat(nowMs: nowMs)
        }
        if let due = nextReconnectMs, nowMs >= due, !portOpen {
            // Asked once per back-off step: the owner answers with portOpened or reopenFailed.
            nextReconnectMs = UInt64.max
            out.append(.reopenPort)
        }
        return out
    }

    // MARK: Receiving

    /// Feeds bytes read from the port (any chunking); frames they complete are handled in order.
    public mutating func receive<C: Sequence>(_ bytes: C, nowMs: UInt64) -> [Output] where C.Element == UInt8 {
        guard portOpen else { return [] }
        var out: [Output] = []
        for frame in decoder.push(bytes) {
            out += handle(frame, nowMs: nowMs)
        }
        return out
    }

    private mutating func handle(_ frame: BoardFrame, nowMs: UInt64) -> [Output] {
        switch frame.type {
        case BoardMessage.ack, BoardMessage.nak:
            guard let p = pending.removeValue(forKey: frame.seq) else { return [] }
            if frame.type == BoardMessage.nak { return finish(p, .failure(refusal(of: p.type, payload: frame.payload))) }
            return finish(p, .success(frame.payload))
        case BoardMessage.status:
            let status = BoardStatus(payload: frame.payload)
            lastStatus = status
            guard inSession, !status.inSession, !helloInFlight else { return [] }
            return boardReset(cause: "STATUS shows no session", nowMs: nowMs)
        case BoardMessage.boot:
            guard everConnected, !helloInFlight else { return [] }
            return boardReset(cause: "BOOT received", nowMs: nowMs)
        case let type where BoardMessage.isEvent(type):
            // Always ACKed (the board retransmits until it hears one), delivered once per id.
            var out: [Output] = [.write(BoardFrame(type: BoardMessage.ack, seq: frame.seq).wireBytes())]
            if recentEvents.contains(frame.seq) {
                counters.duplicateEvents += 1
                return out
            }
            recentEvents.append(frame.seq)
            if recentEvents.count > Self.rememberedEvents { recentEvents.removeFirst() }
            guard let event = BoardEventDecoder.decode(frame) else { return out }
            if case .bypass(let engaged, let reason) = event {
                out.append(.log(.notice, "board bypass \(engaged ? "engaged" : "released"), reason \(reason.rawValue)"))
            }
            out.append(.event(event))
            return out
        default:
            return [.log(.debug, "ignored board frame type \(frame.type)")]
        }
    }

    // MARK: Helpers

    private mutating func say(_ type: UInt8, _ payload: [UInt8], nowMs: UInt64, unasked: Bool) -> (CommandID, [Output]) {
        let id = nextID
        nextID += 1
        guard portOpen else {
            let error: BoardError = closed ? .closed : .linkDown(device: config.devicePath)
            return (id, unasked ? [] : [.completed(id, .failure(error))])
        }
        nextSeq = nextSeq == 255 ? 1 : nextSeq + 1
        let wire = BoardFrame(type: type, seq: nextSeq, payload: payload).wireBytes()
        if type == BoardMessage.hello {
            // A HELLO also feeds the board's watchdog.
            lastHeartbeatMs = nowMs
        }
        pending[nextSeq] = Pending(id: id, type: type, wire: wire, attempts: 1, firstSentMs: nowMs,
                                   deadlineMs: nowMs + UInt64(config.ackTimeoutMs), unasked: unasked)
        return (id, [.write(wire)])
    }

    /// Turns an answer into outputs; a HELLO's answer opens (or refuses) the session first.
    private mutating func finish(_ p: Pending, _ result: Result<[UInt8], BoardError>) -> [Output] {
        var out: [Output] = []
        var result = result
        if p.type == BoardMessage.hello {
            switch result.flatMap({ Self.helloInfo($0, device: config.devicePath) }) {
            case .success(let info):
                inSession = true
                everConnected = true
                self.info = info
                recentEvents.removeAll()
                out += [.log(.info, "board connected: \(info)"), .event(.connected(info))]
            case .failure(let error):
                result = .failure(error)
                if p.unasked {
                    out += [.log(.error, "board HELLO failed: \(error.description)"), .event(.linkLost(reason: error.description))]
                }
            }
        }
        if !p.unasked { out.append(.completed(p.id, result)) }
        return out
    }

    /// How long to wait for the answer to transmission `attempt` (1-based). HELLO backs off (100, 200, 400, 800 ms,
    /// then every second until `helloTimeoutMs`) because it is said when a board has just started or a loaded host is
    /// starting every line at once; a command in a call keeps the protocol's fixed 100 ms and `maxAttempts`.
    func retransmitIntervalMs(type: UInt8, attempt: Int) -> Int {
        guard type == BoardMessage.hello else { return config.ackTimeoutMs }
        return min(config.ackTimeoutMs << min(attempt - 1, 16), max(config.ackTimeoutMs, Self.helloMaxIntervalMs))
    }

    /// The longest wait between two HELLO transmissions.
    static let helloMaxIntervalMs = 1_000

    private mutating func failAll(_ error: BoardError) -> [Output] {
        let waiting = pending.values.sorted { $0.id < $1.id }
        pending.removeAll()
        return waiting.filter { !$0.unasked }.map { .completed($0.id, .failure(error)) }
    }

    private mutating func boardReset(cause: String, nowMs: UInt64) -> [Output] {
        inSession = false
        var out: [Output] = [.log(.warning, "board reset detected (\(cause)): the line is in bypass, any call in progress is over"),
                             .event(.boardReset)]
        out += say(BoardMessage.hello, [BoardMessage.protocolVersion], nowMs: nowMs, unasked: true).1
        return out
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

    /// The board's versions and state from a HELLO ACK; a short reply or another protocol version is an error.
    public static func helloInfo(_ payload: [UInt8], device: String) -> Result<BoardInfo, BoardError> {
        guard payload.count >= 5 else {
            return .failure(.refused(command: "HELLO", reason: "short HELLO reply (\(payload.count) bytes)"))
        }
        let info = BoardInfo(protocolVersion: Int(payload[0]), firmwareVersion: "\(payload[1]).\(payload[2]).\(payload[3])",
                             bypassEngaged: payload[4] & 0x01 != 0)
        guard payload[0] == BoardMessage.protocolVersion else {
            return .failure(.protocolMismatch(device: device, boardProtocol: info.protocolVersion,
                                              boardFirmware: info.firmwareVersion, hostProtocol: Int(BoardMessage.protocolVersion)))
        }
        return .success(info)
    }
}
