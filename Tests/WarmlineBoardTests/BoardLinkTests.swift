import Foundation
import Testing
@testable import WarmlineBoard

/// A link to a fresh emulator that has claimed the line (heartbeats on, line idle).
private struct Rig {
    let emulator: EmulatorProcess
    let link: BoardLink
    let events: EventRecorder

    static func start(emulatorArguments: [String] = [], devicePath: String? = nil, claim: Bool = true) async throws -> Rig {
        let emulator = try EmulatorProcess(arguments: emulatorArguments)
        let link = BoardLink(config: BoardConfig(devicePath: devicePath ?? emulator.ptyPath))
        let events = EventRecorder(link.events)
        try await link.connect()
        link.setHeartbeatTimer(enabled: true)
        if claim {
            let claimed = await events.waitFor { $0 == .bypass(engaged: false, reason: .claimed) }
            #expect(claimed != nil, "the board takes the idle line from its reset bypass")
        }
        return Rig(emulator: emulator, link: link, events: events)
    }

    /// Rings (UK cadence: first ring reported after 1.5 s) and answers.
    func ringAndAnswer() async throws {
        emulator.send(#"ring +15551234567 "Ana Lopez" uk 11261830"#)
        #expect(await events.waitFor { $0 == .ring(count: 1, bursts: 2) } != nil)
        try await link.offHook()
    }

    func stop() {
        link.close()
        emulator.stop()
    }
}

// Serialized: these tests time real protocol behaviour (the 1.5 s watchdog) on a 2-core machine.
@Suite("BoardLink against the firmware emulator on a pty", .serialized)
struct BoardLinkTests {
    @Test("HELLO returns the board's protocol and firmware versions and the reset bypass")
    func handshake() async throws {
        let emulator = try EmulatorProcess()
        defer { emulator.stop() }
        let link = BoardLink(config: BoardConfig(devicePath: emulator.ptyPath))
        defer { link.close() }
        let info = try await link.connect()
        #expect(info.protocolVersion == Int(BoardMessage.protocolVersion))
        #expect(info.firmwareVersion == "1.0.0")
        #expect(info.bypassEngaged, "an MCU fresh from reset starts in bypass")
    }

    @Test("a board speaking another protocol version is refused with a message naming both versions")
    func versionMismatch() async throws {
        let emulator = try EmulatorProcess(arguments: ["--protocol", "7"])
        defer { emulator.stop() }
        let link = BoardLink(config: BoardConfig(devicePath: emulator.ptyPath))
        defer { link.close() }
        await #expect(throws: BoardError.protocolMismatch(device: emulator.ptyPath, boardProtocol: 7,
                                                          boardFirmware: "1.0.0", hostProtocol: 1)) {
            try await link.connect()
        }
        let message = BoardError.protocolMismatch(device: "/dev/x", boardProtocol: 7, boardFirmware: "1.0.0",
                                                  hostProtocol: 1).description
        #expect(message.contains("protocol 7") && message.contains("flash firmware"))
    }

    @Test("a ring is reported with its count and the caller ID follows the first ring")
    func ringAndCallerID() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        rig.emulator.send(#"ring +15551234567 "Ana Lopez" uk 11261830"#)
        let cid = await rig.events.waitFor {
            if case .callerID = $0 { return true } else { return false }
        }
        #expect(cid?.event == .callerID(number: "+15551234567", name: "Ana Lopez", time: "11261830"))
        let ring = await rig.events.waitFor { $0 == .ring(count: 1, bursts: 2) }
        #expect(ring != nil)
        if let ring, let cid { #expect(ring.atNs <= cid.atNs) }
    }

    @Test("answering takes the line off-hook and the caller hanging up is a far-end disconnect")
    func answerAndHangUp() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        try await rig.ringAndAnswer()
        // The ring detector holds 60 ms after the last ring cycle; the loop current needs one ms tick.
        try await Task.sleep(nanoseconds: 100_000_000)
        let status = try await rig.link.status()
        #expect(status.offHook && status.loopCurrent && !status.ringing)
        rig.emulator.send("hangup")
        let gone = await rig.events.waitFor { $0 == .farEndDisconnect(.loopCurrentDrop) }
        #expect(gone != nil)
        try await rig.link.onHook()
        #expect(try await rig.link.status().offHook == false)
    }

    @Test("a polarity reversal from the exchange is also a far-end disconnect")
    func polarityReversal() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        try await rig.ringAndAnswer()
        try await Task.sleep(nanoseconds: 600_000_000)
        rig.emulator.send("hangup reversal")
        #expect(await rig.events.waitFor { $0 == .farEndDisconnect(.polarityReversal) } != nil)
    }

    @Test("flash gives dial tone, dialling the agent gives ringback, then the agent answers")
    func warmTransfer() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        try await rig.ringAndAnswer()
        try await rig.link.flash()
        #expect(await rig.events.waitFor { $0 == .flashDone(flashMs: 600) } != nil)
        #expect(await rig.events.waitFor { $0 == .callProgress(.dialTone) } != nil)
        try await rig.link.dial("2001")
        #expect(await rig.events.waitFor { $0 == .dialDone(digits: 4) } != nil)
        #expect(await rig.events.waitFor { $0 == .callProgress(.ringback) } != nil)
        #expect(await rig.events.waitFor { $0 == .callProgress(.answered) } != nil)
        #expect(!rig.events.all.contains(.farEndDisconnect(.loopCurrentDrop)), "the flash is not a hang-up")
    }

    @Test("a busy agent is reported as busy")
    func busyAgent() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        rig.emulator.send("agent busy")
        try await rig.ringAndAnswer()
        try await rig.link.flash(flashMs: 300)
        #expect(await rig.events.waitFor { $0 == .callProgress(.dialTone) } != nil)
        try await rig.link.dial("2002")
        #expect(await rig.events.waitFor { $0 == .callProgress(.busy) } != nil)
    }

    @Test("flashing while on-hook is refused with a reason a technician can read")
    func refusedCommand() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        await #expect(throws: BoardError.refused(command: "FLASH", reason: BoardError.nakReason(5))) {
            try await rig.link.flash()
        }
    }

    @Test("a board that stops answering makes a command fail after 5 tries with advice for the technician")
    func noAcknowledgement() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        rig.emulator.pause()
        defer { rig.emulator.resume() }
        do {
            _ = try await rig.link.status()
            Issue.record("a frozen board cannot acknowledge")
        } catch let error as BoardError {
            guard case let .noAcknowledgement(device, command, attempts, waitedMs) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(device == rig.emulator.ptyPath && command == "GET_STATUS" && attempts == 5)
            #expect(waitedMs >= 400 && waitedMs < 1000)
            #expect(error.description.contains("check the cable"))
        }
        #expect(rig.link.statistics.retransmits >= 4)
    }

    @Test("heartbeats stopping release the line to bypass after 1.5 s, and it is re-claimed when they return")
    func heartbeatLossAndRecovery() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        rig.link.setHeartbeatTimer(enabled: false)
        rig.link.heartbeat()
        let lastNs = DispatchTime.now().uptimeNanoseconds
        let bypass = await rig.events.waitFor(timeoutMs: 3000) { $0 == .bypass(engaged: true, reason: .watchdog) }
        #expect(bypass != nil)
        if let bypass {
            let reactionMs = Double(bypass.atNs - lastNs) / 1e6
            #expect(reactionMs >= 1450 && reactionMs < 2000, "bypass came \(reactionMs) ms after the last heartbeat")
        }
        rig.link.setHeartbeatTimer(enabled: true)
        let back = await rig.events.waitFor {
            if case .hostReturned = $0 { return true } else { return false }
        }
        if case .hostReturned(let silenceMs)? = back?.event { #expect(silenceMs >= 1500) } else { Issue.record("no hostReturned") }
        let claims = await rig.events.waitFor(count: 2) { $0 == .bypass(engaged: false, reason: .claimed) }
        #expect(claims != nil, "the idle line is taken back")
    }

    @Test("a board reset mid-call is surfaced, the call is over and the link says HELLO again")
    func boardResetMidCall() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        try await rig.ringAndAnswer()
        rig.emulator.send("reset")
        #expect(await rig.events.waitFor { $0 == .boardReset } != nil)
        let reconnected = await rig.events.waitFor(count: 2) { if case .connected = $0 { true } else { false } }
        #expect(reconnected != nil)
        let status = try await rig.link.status()
        #expect(status.inSession && status.bypassEngaged && !status.offHook,
                "after the reset the caller is with the human agent line")
    }

    @Test("garbage bytes on the line are dropped and counted and the link keeps working")
    func garbage() async throws {
        let rig = try await Rig.start()
        defer { rig.stop() }
        let before = rig.link.statistics.garbageBytesDropped
        rig.emulator.send("garbage 100")
        try await Task.sleep(nanoseconds: 50_000_000)
        // The reply's leading delimiter ends the garbage block, so it is counted by now.
        #expect(try await rig.link.status().inSession)
        #expect(rig.link.statistics.garbageBytesDropped - before == 100)
    }

    @Test("an unplugged device is reported and the link reconnects when it comes back")
    func unplugAndReconnect() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wl-board-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let device = dir.appendingPathComponent("board").path
        let rig = try await Rig.start(emulatorArguments: ["--link", device], devicePath: device)
        defer { rig.stop() }
        await rig.emulator.stopAndWait()
        #expect(await rig.events.waitFor { if case .linkLost = $0 { true } else { false } } != nil)
        await #expect(throws: BoardError.linkDown(device: device)) { try await rig.link.status() }
        try await Task.sleep(nanoseconds: 300_000_000)
        let replacement = try EmulatorProcess(arguments: ["--link", device])
        defer { replacement.stop() }
        let reconnected = await rig.events.waitFor(count: 2, timeoutMs: 5000) {
            if case .connected = $0 { true } else { false }
        }
        #expect(reconnected != nil)
        #expect(rig.link.statistics.reconnects == 1)
        #expect(try await rig.link.status().inSession)
    }
}
