import CFirmwareSim
@testable import WarmlineBoard

/// The host's `BoardProtocol` wired to the real firmware core (and the emulator's phone network) in-process, on one
/// simulated millisecond clock: no pty, no thread, no sleep. A second of protocol time costs about a millisecond.
///
/// Each step advances the board one ms, hands what it wrote to the machine, then ticks the machine; the machine's
/// writes reach the board at once, so a reply comes back one step later.
final class SimulatedLink {
    struct Record {
        let event: BoardEvent
        let atMs: UInt64
    }

    static let devicePath = "/dev/sim-board"

    private let board: OpaquePointer
    var machine: BoardProtocol
    /// The host's clock (it runs on while the board is frozen).
    private(set) var nowMs: UInt64 = 1_000
    private(set) var events: [Record] = []
    private(set) var logs: [String] = []
    private var results: [BoardProtocol.CommandID: Result<[UInt8], BoardError>] = [:]
    /// A hung MCU: it neither runs nor reads nor writes.
    var boardFrozen = false
    /// The device is present: a `.reopenPort` succeeds.
    var deviceAvailable = true
    /// Rewrites (or drops, with []) each chunk the host writes, before the board sees it.
    var hostToBoard: ((inout SimulatedLink.Wire, [UInt8]) -> [UInt8])?
    /// Rewrites each chunk the board writes, before the host sees it.
    var boardToHost: ((inout SimulatedLink.Wire, [UInt8]) -> [UInt8])?
    /// Scratch state for the filters (counts of frames seen so far).
    var wire = Wire()

    struct Wire {
        var framesSeen = 0
    }

    init(config: BoardConfig = BoardConfig(devicePath: SimulatedLink.devicePath)) {
        // fw_sim_new only fails when malloc does.
        board = fw_sim_new(1_000)!
        machine = BoardProtocol(config: config)
        apply(machine.portOpened(nowMs: nowMs))
    }

    deinit { fw_sim_free(board) }

    // MARK: Time

    /// Runs `ms` milliseconds of board and host.
    func advance(ms: Int) {
        for _ in 0..<ms { step() }
    }

    private func step() {
        nowMs += 1
        if !boardFrozen {
            fw_sim_tick(board)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBufferPointer { fw_sim_take_output(board, $0.baseAddress, $0.count) }
            if n > 0 {
                var bytes = Array(buffer[0..<n])
                if let boardToHost { bytes = boardToHost(&wire, bytes) }
                apply(machine.receive(bytes, nowMs: nowMs))
            }
        }
        apply(machine.tick(nowMs: nowMs))
    }

    private func apply(_ outputs: [BoardProtocol.Output]) {
        for output in outputs {
            switch output {
            case .write(var bytes):
                guard !boardFrozen, machine.portOpen else { continue }
                if let hostToBoard { bytes = hostToBoard(&wire, bytes) }
                bytes.withUnsafeBufferPointer { fw_sim_receive(board, $0.baseAddress, $0.count) }
            case .completed(let id, let result):
                results[id] = result
            case .event(let event):
                events.append(Record(event: event, atMs: nowMs))
            case .reopenPort:
                apply(deviceAvailable ? machine.portOpened(nowMs: nowMs, afterReopen: true)
                                      : machine.reopenFailed(.cannotOpen(device: Self.devicePath, reason: "gone"), nowMs: nowMs))
            case .log(_, let message):
                logs.append(message)
            }
        }
    }

    // MARK: The host's side

    /// Sends a command and runs the clock until it is answered (or the machine gives up); returns its ACK payload.
    func command(_ type: UInt8, _ payload: [UInt8] = []) throws(BoardError) -> [UInt8] {
        let (id, out) = machine.send(type, payload, nowMs: nowMs)
        apply(out)
        for _ in 0..<60_000 where results[id] == nil { step() }
        guard let result = results.removeValue(forKey: id) else {
            throw .refused(command: BoardMessage.commandName(type), reason: "no answer in 60 s of simulated time")
        }
        return try result.get()
    }

    /// HELLO, as `BoardLink.connect()` does it.
    @discardableResult
    func connect() throws(BoardError) -> BoardInfo {
        try BoardProtocol.helloInfo(try command(BoardMessage.hello, [BoardMessage.protocolVersion]), device: Self.devicePath).get()
    }

    /// GET_STATUS.
    func status() throws(BoardError) -> BoardStatus { BoardStatus(payload: try command(BoardMessage.getStatus)) }

    /// Writes a heartbeat now, as `BoardLink.heartbeat()` does.
    func heartbeat() { apply(machine.heartbeat(nowMs: nowMs)) }

    /// Bytes that reach the host as if the board (or line noise) had sent them.
    func injectFromBoard(_ bytes: [UInt8]) { apply(machine.receive(bytes, nowMs: nowMs)) }

    /// The device disappears under the host.
    func unplug() {
        deviceAvailable = false
        apply(machine.portLost(reason: "device closed or unplugged", nowMs: nowMs))
    }

    /// Runs the clock until the first event matching `predicate` (already seen or new); nil after `withinMs`.
    func waitFor(withinMs: Int = 10_000, _ predicate: (BoardEvent) -> Bool) -> Record? {
        waitFor(count: 1, withinMs: withinMs, predicate)
    }

    /// Runs the clock until `count` events match `predicate`; returns the last of them, nil after `withinMs`.
    func waitFor(count: Int, withinMs: Int = 10_000, _ predicate: (BoardEvent) -> Bool) -> Record? {
        for _ in 0...withinMs {
            let hits = events.filter { predicate($0.event) }
            if hits.count >= count { return hits[count - 1] }
            step()
        }
        return nil
    }

    // MARK: The board's side (the emulator's control commands)

    func ring(_ number: String, name: String, uk: Bool = true, time: String = "11261830") {
        fw_sim_ring(board, number, name, time, uk)
    }

    func hangUp(reversal: Bool = false) { fw_sim_hangup(board, reversal) }

    func agent(_ mode: Int32) { fw_sim_agent(board, mode) }

    func resetBoard() { fw_sim_reset(board) }

    func boardSpeaks(protocol version: UInt8) { fw_sim_set_protocol(board, version) }

    var lineIsHosts: Bool { fw_sim_line_is_hosts(board) }
    var boardEventRetransmits: UInt32 { fw_sim_event_retransmits(board) }
    var boardFramesReceived: UInt32 { fw_sim_frames_received(board) }

    // MARK: Rigs

    /// A link with HELLO done, heartbeats on and the idle line claimed from the reset bypass.
    static func claimed() throws(BoardError) -> SimulatedLink {
        let link = SimulatedLink()
        try link.connect()
        link.machine.heartbeatTimerEnabled = true
        guard link.waitFor({ $0 == .bypass(engaged: false, reason: .claimed) }) != nil else {
            throw .refused(command: "HELLO", reason: "the board never claimed the idle line")
        }
        return link
    }

    /// Rings (UK cadence: first ring reported after 1.5 s) and answers.
    func ringAndAnswer() throws(BoardError) {
        ring("+15551234567", name: "Ana Lopez")
        guard waitFor({ $0 == .ring(count: 1, bursts: 2) }) != nil else {
            throw .refused(command: "OFF_HOOK", reason: "no ring")
        }
        _ = try command(BoardMessage.offHook)
    }
}
