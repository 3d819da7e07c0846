import Testing
@testable import WarmlineBoard

/// The host's protocol machine against the real firmware core, on a simulated millisecond clock (no pty, no sleep).
@Suite("BoardProtocol against the firmware core on a simulated clock")
struct BoardProtocolTests {
    // MARK: HELLO and BOOT

    @Test("HELLO returns the board's protocol and firmware versions and the reset bypass")
    func handshake() throws {
        let link = SimulatedLink()
        let info = try link.connect()
        #expect(info.protocolVersion == Int(BoardMessage.protocolVersion))
        #expect(info.firmwareVersion == "1.0.0")
        #expect(info.bypassEngaged, "an MCU fresh from reset starts in bypass")
        #expect(link.events.map(\.event) == [.connected(info)])
        #expect(link.machine.inSession)
    }

    @Test("the BOOT a board sends at power-on, before any HELLO, is not taken for a reset")
    func bootBeforeHello() throws {
        let link = SimulatedLink()
        link.advance(ms: 50)  // the BOOT frame reaches the host first
        try link.connect()
        link.advance(ms: 500)
        #expect(!link.events.map(\.event).contains(.boardReset))
    }

    @Test("a board speaking another protocol version is refused with a message naming both versions")
    func versionMismatch() {
        let link = SimulatedLink()
        link.boardSpeaks(protocol: 7)
        #expect(throws: BoardError.protocolMismatch(device: SimulatedLink.devicePath, boardProtocol: 7, boardFirmware: "1.0.0",
                                                    hostProtocol: 1)) {
            try link.connect()
        }
        #expect(!link.machine.inSession)
    }

    @Test("a board that never answers HELLO is given 10 s: said again after 100, 200, 400, 800 ms, then every second")
    func helloBacksOff() {
        let link = SimulatedLink()
        link.boardFrozen = true
        let start = link.nowMs
        do {
            try link.connect()
            Issue.record("a frozen board cannot answer")
        } catch {
            // Sent at 0, 100, 300, 700, 1500, 2500 ... 9500 ms: 13 transmissions.
            #expect(error == .noAcknowledgement(device: SimulatedLink.devicePath, command: "HELLO", attempts: 13, waitedMs: 10_000))
        }
        #expect(link.nowMs - start == 10_000)
        #expect(link.machine.statistics.retransmits == 12)
    }

    @Test("a HELLO answered late (board starting, host loaded) still connects")
    func lateHelloAnswer() throws {
        let link = SimulatedLink()
        // The board misses the first three transmissions (0, 100 and 300 ms); the fourth, at 700 ms, is answered.
        link.hostToBoard = { wire, bytes in
            wire.framesSeen += 1
            return wire.framesSeen <= 3 ? [] : bytes
        }
        let start = link.nowMs
        let info = try link.connect()
        #expect(info.firmwareVersion == "1.0.0")
        #expect(link.nowMs - start >= 700 && link.nowMs - start < 800)
    }

    @Test("a board that stalls for 8.5 s at start (an emulator starved on a loaded machine) is still connected")
    func boardStalledAtStart() throws {
        let link = SimulatedLink()
        link.boardFrozen = true
        let (id, out) = link.machine.send(BoardMessage.hello, [BoardMessage.protocolVersion], nowMs: link.nowMs)
        #expect(out.count == 1)
        link.advance(ms: 8_500)
        link.boardFrozen = false
        #expect(link.waitFor(withinMs: 1_500) { if case .connected = $0 { true } else { false } } != nil)
        #expect(link.machine.inSession)
        _ = id
    }

    @Test("BOOT in a session is a board reset: surfaced once, and HELLO is said again by itself")
    func bootInSession() throws {
        let link = try SimulatedLink.claimed()
        link.resetBoard()
        #expect(link.waitFor { $0 == .boardReset } != nil)
        #expect(link.waitFor(count: 2) { if case .connected = $0 { true } else { false } } != nil)
        #expect(link.events.filter { $0.event == .boardReset }.count == 1)
        #expect(link.machine.inSession)
    }

    @Test("a STATUS without the session bit is a board reset even when its BOOT was lost")
    func statusWithoutSession() throws {
        let link = try SimulatedLink.claimed()
        // Drop the BOOT the board sends when it resets: only the next heartbeat's STATUS tells.
        link.boardToHost = { _, bytes in bytes.count > 8 && bytes.contains(0xA1) ? [] : bytes }
        link.resetBoard()
        let reset = link.waitFor { $0 == .boardReset }
        #expect(reset != nil)
        #expect(link.logs.contains { $0.contains("STATUS shows no session") }, "\(link.logs)")
        link.boardToHost = nil
        #expect(link.waitFor(count: 2) { if case .connected = $0 { true } else { false } } != nil)
    }

    // MARK: Calls

    @Test("a ring is reported with its count and the caller ID follows the first ring")
    func ringAndCallerID() throws {
        let link = try SimulatedLink.claimed()
        link.ring("+15551234567", name: "Ana Lopez")
        let cid = link.waitFor { if case .callerID = $0 { true } else { false } }
        #expect(cid?.event == .callerID(number: "+15551234567", name: "Ana Lopez", time: "11261830"))
        let ring = link.waitFor { $0 == .ring(count: 1, bursts: 2) }
        #expect(ring != nil)
        if let ring, let cid { #expect(ring.atMs <= cid.atMs) }
    }

    @Test("answering takes the line off-hook and the caller hanging up is a far-end disconnect")
    func answerAndHangUp() throws {
        let link = try SimulatedLink.claimed()
        try link.ringAndAnswer()
        // The ring detector holds 60 ms after the last ring cycle; the loop current needs one ms tick.
        link.advance(ms: 100)
        let status = try link.status()
        #expect(status.offHook && status.loopCurrent && !status.ringing)
        link.hangUp()
        #expect(link.waitFor { $0 == .farEndDisconnect(.loopCurrentDrop) } != nil)
        _ = try link.command(BoardMessage.onHook)
        #expect(try link.status().offHook == false)
    }

    @Test("a polarity reversal from the exchange is also a far-end disconnect")
    func polarityReversal() throws {
        let link = try SimulatedLink.claimed()
        try link.ringAndAnswer()
        link.advance(ms: 600)
        link.hangUp(reversal: true)
        #expect(link.waitFor { $0 == .farEndDisconnect(.polarityReversal) } != nil)
    }

    @Test("flash gives dial tone, dialling the agent gives ringback, then the agent answers")
    func warmTransfer() throws {
        let link = try SimulatedLink.claimed()
        try link.ringAndAnswer()
        #expect(try link.command(BoardMessage.flash, [0x02, 0x58]) == [0x02, 0x58])
        #expect(link.waitFor { $0 == .flashDone(flashMs: 600) } != nil)
        #expect(link.waitFor { $0 == .callProgress(.dialTone) } != nil)
        _ = try link.command(BoardMessage.dial, Array("2001".utf8))
        #expect(link.waitFor { $0 == .dialDone(digits: 4) } != nil)
        #expect(link.waitFor { $0 == .callProgress(.ringback) } != nil)
        #expect(link.waitFor { $0 == .callProgress(.answered) } != nil)
        #expect(!link.events.map(\.event).contains(.farEndDisconnect(.loopCurrentDrop)), "the flash is not a hang-up")
    }

    @Test("a busy agent is reported as busy")
    func busyAgent() throws {
        let link = try SimulatedLink.claimed()
        link.agent(1)
        try link.ringAndAnswer()
        _ = try link.command(BoardMessage.flash, [0x01, 0x2C])
        #expect(link.waitFor { $0 == .callProgress(.dialTone) } != nil)
        _ = try link.command(BoardMessage.dial, Array("2002".utf8))
        #expect(link.waitFor { $0 == .callProgress(.busy) } != nil)
    }

    @Test("flashing while on-hook is refused with a reason a technician can read")
    func refusedCommand() throws {
        let link = try SimulatedLink.claimed()
        #expect(throws: BoardError.refused(command: "FLASH", reason: BoardError.nakReason(5))) {
            try link.command(BoardMessage.flash, [0x02, 0x58])
        }
    }

    // MARK: Reliability

    @Test("a board that stops answering makes a command fail after 5 tries with advice for the technician")
    func noAcknowledgement() throws {
        let link = try SimulatedLink.claimed()
        link.boardFrozen = true
        do {
            _ = try link.status()
            Issue.record("a frozen board cannot acknowledge")
        } catch {
            guard case let .noAcknowledgement(device, command, attempts, waitedMs) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(device == SimulatedLink.devicePath && command == "GET_STATUS" && attempts == 5)
            #expect(waitedMs >= 400 && waitedMs < 1000)
            #expect(waitedMs == 500, "retransmits at 100, 200, 300 and 400 ms, given up at 500 ms")
            #expect(error.description.contains("check the cable"))
        }
        #expect(link.machine.statistics.retransmits >= 4)
    }

    @Test("a lost command is retransmitted after 100 ms with the same id and runs once")
    func retransmitAfterTimeout() throws {
        let link = try SimulatedLink.claimed()
        try link.ringAndAnswer()
        _ = try link.command(BoardMessage.flash, [0x02, 0x58])
        #expect(link.waitFor { $0 == .callProgress(.dialTone) } != nil)
        let before = link.machine.statistics.retransmits
        // Lose the first DIAL on its way to the board.
        link.hostToBoard = { wire, bytes in
            guard wire.framesSeen == 0, FrameDecoderProbe.frames(bytes).contains(where: { $0.type == BoardMessage.dial }) else {
                return bytes
            }
            wire.framesSeen += 1
            return []
        }
        let start = link.nowMs
        _ = try link.command(BoardMessage.dial, Array("2001".utf8))
        let tookMs = link.nowMs - start
        #expect(link.wire.framesSeen == 1, "the first DIAL was lost")
        #expect(tookMs >= 100 && tookMs < 110, "answered after one 100 ms timeout, took \(tookMs) ms")
        #expect(link.machine.statistics.retransmits == before + 1)
        #expect(link.waitFor { $0 == .dialDone(digits: 4) } != nil)
        link.advance(ms: 2000)
        #expect(link.events.filter { $0.event == .dialDone(digits: 4) }.count == 1, "dialled once")
    }

    @Test("a lost ACK makes the board answer the retransmission from memory: a repeated FLASH never flashes twice")
    func lostAckIsNotExecutedTwice() throws {
        let link = try SimulatedLink.claimed()
        try link.ringAndAnswer()
        // Lose the board's first reply to FLASH (an ACK with a 2-byte payload).
        link.boardToHost = { wire, bytes in
            let frames = FrameDecoderProbe.frames(bytes)
            if wire.framesSeen == 0, frames.contains(where: { $0.type == BoardMessage.ack && $0.payload == [0x02, 0x58] }) {
                wire.framesSeen += 1
                return []
            }
            return bytes
        }
        #expect(try link.command(BoardMessage.flash, [0x02, 0x58]) == [0x02, 0x58])
        #expect(link.machine.statistics.retransmits >= 1)
        link.advance(ms: 1500)
        #expect(link.events.filter { $0.event == .flashDone(flashMs: 600) }.count == 1)
    }

    @Test("an event whose ACK is lost comes again: ACKed again, delivered once and counted")
    func duplicateEvent() throws {
        let link = try SimulatedLink.claimed()
        // Lose the host's first event ACK (a 0x01 frame with an empty payload, 6 wire bytes + delimiters).
        link.hostToBoard = { wire, bytes in
            let frames = FrameDecoderProbe.frames(bytes)
            if wire.framesSeen == 0, frames.contains(where: { $0.type == BoardMessage.ack }) {
                wire.framesSeen += 1
                return []
            }
            return bytes
        }
        link.ring("+15551234567", name: "Ana Lopez")
        #expect(link.waitFor { $0 == .ring(count: 1, bursts: 2) } != nil)
        link.advance(ms: 1000)
        #expect(link.events.filter { $0.event == .ring(count: 1, bursts: 2) }.count == 1)
        #expect(link.machine.statistics.duplicateEvents == 1)
        #expect(link.boardEventRetransmits >= 1)
    }

    @Test("a corrupted reply is dropped and counted, and the retransmission recovers the command")
    func corruptFrame() throws {
        let link = try SimulatedLink.claimed()
        let before = link.machine.statistics
        // Flip one bit in the board's first reply to GET_STATUS (an ACK with a 4-byte payload).
        link.boardToHost = { wire, bytes in
            guard wire.framesSeen == 0,
                  FrameDecoderProbe.frames(bytes).contains(where: { $0.type == BoardMessage.ack && $0.payload.count == 4 }),
                  let at = bytes.lastIndex(where: { $0 != 0 }) else { return bytes }
            wire.framesSeen += 1
            var corrupted = bytes
            corrupted[at - 1] ^= 0x10
            return corrupted
        }
        let status = try link.status()
        #expect(status.inSession)
        let after = link.machine.statistics
        #expect(after.badFrames == before.badFrames + 1)
        #expect(after.retransmits == before.retransmits + 1)
    }

    @Test("garbage bytes on the line are dropped and counted and the link keeps working")
    func garbage() throws {
        let link = try SimulatedLink.claimed()
        let before = link.machine.statistics.garbageBytesDropped
        link.injectFromBoard((0..<100).map { UInt8(1 + $0 % 250) })
        // The reply's leading delimiter ends the garbage block, so it is counted by now.
        #expect(try link.status().inSession)
        #expect(link.machine.statistics.garbageBytesDropped - before == 100)
    }

    // MARK: Heartbeats and the watchdog

    @Test("with the heartbeat timer on the host sends one every 200 ms and the watchdog never fires")
    func heartbeatTimer() throws {
        let link = try SimulatedLink.claimed()
        let before = link.machine.statistics.heartbeatsSent
        link.advance(ms: 10_000)
        #expect(link.machine.statistics.heartbeatsSent - before == 50)
        #expect(!link.events.contains { if case .bypass(true, _) = $0.event { true } else { false } })
        #expect(link.lineIsHosts)
        #expect(link.machine.lastStatus?.hostSilent == false)
    }

    @Test("heartbeats stopping release the line to bypass after 1.5 s, and it is re-claimed when they return")
    func heartbeatLossAndRecovery() throws {
        let link = try SimulatedLink.claimed()
        link.machine.heartbeatTimerEnabled = false
        link.heartbeat()
        let lastMs = link.nowMs
        let bypass = link.waitFor(withinMs: 3000) { $0 == .bypass(engaged: true, reason: .watchdog) }
        #expect(bypass != nil)
        if let bypass {
            let reactionMs = bypass.atMs - lastMs
            #expect(reactionMs >= 1450 && reactionMs < 2000, "bypass came \(reactionMs) ms after the last heartbeat")
            #expect(reactionMs >= 1500 && reactionMs <= 1502, "the watchdog is 1500 ms; the event needs one ms each way")
        }
        #expect(!link.lineIsHosts)
        link.machine.heartbeatTimerEnabled = true
        let back = link.waitFor { if case .hostReturned = $0 { true } else { false } }
        if case .hostReturned(let silenceMs)? = back?.event { #expect(silenceMs >= 1500) } else { Issue.record("no hostReturned") }
        let claims = link.waitFor(count: 2) { $0 == .bypass(engaged: false, reason: .claimed) }
        #expect(claims != nil, "the idle line is taken back")
        #expect(link.lineIsHosts)
    }

    @Test("heartbeats from an audio loop (one per 200 ms period) keep the line; the loop stalling loses it")
    func audioLoopHeartbeats() throws {
        let link = try SimulatedLink.claimed()
        link.machine.heartbeatTimerEnabled = false
        for _ in 0..<25 {
            link.heartbeat()
            link.advance(ms: 200)
        }
        #expect(link.lineIsHosts, "5 s of audio-loop heartbeats keep the line")
        link.advance(ms: 1_600)
        #expect(!link.lineIsHosts, "a stalled audio loop means bypass")
    }

    @Test("a board reset mid-call is surfaced, the call is over and the link says HELLO again")
    func boardResetMidCall() throws {
        let link = try SimulatedLink.claimed()
        try link.ringAndAnswer()
        link.resetBoard()
        #expect(link.waitFor { $0 == .boardReset } != nil)
        let reconnected = link.waitFor(count: 2) { if case .connected = $0 { true } else { false } }
        #expect(reconnected != nil)
        let status = try link.status()
        #expect(status.inSession && status.bypassEngaged && !status.offHook,
                "after the reset the caller is with the human agent line")
    }

    // MARK: The port coming and going

    @Test("an unplugged device fails waiting commands, and reopening backs off 100, 200, 400 ms until it is back")
    func unplugAndReconnect() throws {
        let link = try SimulatedLink.claimed()
        let (id, out) = link.machine.send(BoardMessage.getStatus, [], nowMs: link.nowMs)
        #expect(out.count == 1)
        let lostAt = link.nowMs
        link.unplug()
        #expect(link.events.last?.event == .linkLost(reason: "device closed or unplugged"))
        #expect(link.machine.send(BoardMessage.getStatus, [], nowMs: link.nowMs).1
                == [.completed(id + 1, .failure(.linkDown(device: SimulatedLink.devicePath)))])
        link.advance(ms: 750)
        #expect(link.logs.filter { $0.hasPrefix("board reconnect failed") }.count == 3, "tries at 100, 300 and 700 ms")
        link.deviceAvailable = true
        let reconnected = link.waitFor(count: 2, withinMs: 2000) { if case .connected = $0 { true } else { false } }
        #expect(reconnected != nil)
        if let reconnected { #expect(reconnected.atMs - lostAt >= 1500 && reconnected.atMs - lostAt < 1510, "next try at 1500 ms") }
        #expect(link.machine.statistics.reconnects == 1)
        #expect(try link.status().inSession)
    }

    @Test("without a port a command fails at once, and closing fails what waits with .closed")
    func noPortAndClose() {
        var machine = BoardProtocol(config: BoardConfig(devicePath: "/dev/x"))
        #expect(machine.send(BoardMessage.getStatus, [], nowMs: 0).1 == [.completed(1, .failure(.linkDown(device: "/dev/x")))])
        _ = machine.portOpened(nowMs: 0)
        let (id, out) = machine.send(BoardMessage.getStatus, [], nowMs: 0)
        #expect(out == [.write(BoardFrame(type: BoardMessage.getStatus, seq: 1).wireBytes())])
        #expect(machine.close() == [.completed(id, .failure(.closed))])
        #expect(machine.send(BoardMessage.getStatus, [], nowMs: 0).1 == [.completed(id + 1, .failure(.closed))])
        #expect(machine.tick(nowMs: 10_000).isEmpty)
    }
}

/// Decodes a chunk of wire bytes for the filters above (which frames is the host or the board writing?).
enum FrameDecoderProbe {
    static func frames(_ bytes: [UInt8]) -> [BoardFrame] {
        var decoder = FrameDecoder()
        return decoder.push(bytes)
    }
}
