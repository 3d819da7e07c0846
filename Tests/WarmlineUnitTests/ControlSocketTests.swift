import Foundation
import Synchronization
import Testing
import WarmlineBoard
@testable import WarmlineUnit

@Suite("Control socket")
struct ControlSocketTests {
    static func sample(waiting: Int = 0) -> UnitStatus {
        var idle = LineStatus(number: 1, serialDevice: "/dev/ttyACM0")
        idle.board.state = .connected
        idle.board.firmwareVersion = "1.0.0"
        idle.relay = .claimed
        var busy = LineStatus(number: 2, serialDevice: "/dev/ttyACM1")
        busy.board.state = .connected
        busy.relay = .claimed
        busy.call = CallStatus(callID: "L2-1", callerID: "+15550101", language: "en", stage: "menu main", secondsInCall: 12,
                               distressScore: 0.5)
        var missing = LineStatus(number: 3, serialDevice: "/dev/ttyUSB1")
        missing.board.state = .missing
        missing.board.problem = "no such device"
        return UnitStatus(pid: getpid(), uptimeSeconds: 5, database: "/tmp/w.sqlite", lines: [idle, busy, missing], waiting: waiting)
    }

    @Test("a status request is answered with the unit's status, decoded field for field by the client")
    func statusRoundTrip() async throws {
        let scratch = try ScratchDirectory("control")
        defer { scratch.cleanUp() }
        let status = Self.sample(waiting: 2)
        let server = ControlServer(path: scratch.file("control.sock")) { request in
            request.command == .status ? ControlResponse(ok: true, status: status) : ControlResponse(ok: true)
        }
        try server.start()
        let client = ControlClient(path: scratch.file("control.sock"))
        #expect(try client.blockingStatus() == status)
        #expect(try await client.status() == status)
        #expect(client.serviceHoldsLock)
        await server.close()
    }

    @Test("the summary counts lines up, calls and waiting callers: \"2/3 lines up, 1 call, 2 waiting\"")
    func summary() {
        #expect(Self.sample(waiting: 2).summary == "2/3 lines up, 1 call, 2 waiting")
        var none = Self.sample()
        none.lines[1].call = nil
        #expect(none.summary == "2/3 lines up, 0 calls, 0 waiting")
    }

    @Test("a second server on the same socket is refused as busy, naming the process that holds it")
    func secondServerIsBusy() async throws {
        let scratch = try ScratchDirectory("control")
        defer { scratch.cleanUp() }
        let first = ControlServer(path: scratch.file("control.sock")) { _ in ControlResponse(ok: true) }
        try first.start()
        let second = ControlServer(path: scratch.file("control.sock")) { _ in ControlResponse(ok: true) }
        #expect(throws: ControlSocketError.busy(path: scratch.file("control.sock"), holderPID: getpid())) { try second.start() }
        // the first still answers
        #expect(try ControlClient(path: scratch.file("control.sock")).request(ControlRequest(command: .ping)).pid == getpid())
        await first.close()
    }

    @Test("the socket is mode 0660; closing removes it and its lock, and a client then hears nobody")
    func closeRemovesSocket() async throws {
        let scratch = try ScratchDirectory("control")
        defer { scratch.cleanUp() }
        let path = scratch.file("run/control.sock")
        let server = ControlServer(path: path) { _ in ControlResponse(ok: true) }
        try server.start()
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o660)
        await server.close()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: ControlServer.lockPath(for: path)))
        #expect(!ControlClient(path: path).serviceHoldsLock)
        do {
            _ = try await ControlClient(path: path).status()
            Issue.record("a closed socket answered")
        } catch {
            guard case .notRunning = error else { Issue.record("expected notRunning, got \(error)"); return }
            #expect(error.description.contains("systemctl status warmline"))
        }
    }

    @Test("a request in another protocol version, or not JSON at all, is answered with an error that says why")
    func badRequests() async throws {
        let scratch = try ScratchDirectory("control")
        defer { scratch.cleanUp() }
        let path = scratch.file("control.sock")
        let server = ControlServer(path: path) { _ in ControlResponse(ok: true) }
        try server.start()
        do {
            _ = try ControlClient(path: path).request(ControlRequest(command: .status, version: 99))
            Issue.record("version 99 was answered")
        } catch {
            #expect(error.description.contains("protocol version 99 asked") && error.description.contains("speaks version 1"), "\(error)")
        }
        // a raw client: garbage first, then a good request on the same connection
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = ControlServer.address(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(connected == 0)
        let request = Array("hello\n{\"version\":1,\"command\":\"ping\"}\n".utf8)
        #expect(request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == request.count)
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while answer.filter({ $0 == UInt8(ascii: "\n") }).count < 2 {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            answer += buffer[..<count]
        }
        let lines = String(decoding: answer, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let first = try JSONDecoder().decode(ControlResponse.self, from: Data(lines[0].utf8))
        #expect(!first.ok && first.error?.contains("not a control request") == true)
        let second = try JSONDecoder().decode(ControlResponse.self, from: Data(lines[1].utf8))
        #expect(second.ok && second.pid == getpid())
        await server.close()
    }

    @Test("the status publisher sends the summary only when it reads differently, in the order the changes happened")
    func publisherSendsChanges() {
        let sent = Mutex<[String]>([])
        let current = Mutex("1/1 lines up, 0 calls, 0 waiting")
        let publisher = StatusPublisher(changed: { text in sent.withLock { $0.append(text) } })
        publisher.read { current.withLock { $0 } }
        publisher.changed()
        publisher.changed()
        publisher.drain()
        current.withLock { $0 = "1/1 lines up, 1 call, 0 waiting" }
        publisher.changed()
        publisher.changed()
        publisher.drain()
        current.withLock { $0 = "1/1 lines up, 0 calls, 0 waiting" }
        publisher.changed()
        publisher.drain()
        #expect(sent.withLock { $0 } == ["1/1 lines up, 0 calls, 0 waiting", "1/1 lines up, 1 call, 0 waiting", "1/1 lines up, 0 calls, 0 waiting"])
    }

    @Test("a board that cannot be opened is described with its fix: no such device, permission, held by another process")
    func boardProblems() {
        #expect(BoardProblem.describe(BoardError.cannotOpen(device: "/dev/ttyUSB1", reason: "No such file or directory"), device: "/dev/ttyUSB1")
            .hasPrefix("no such device — check the USB cable"))
        #expect(BoardProblem.describe(BoardError.cannotOpen(device: "/dev/ttyUSB1", reason: "Permission denied"), device: "/dev/ttyUSB1")
            .contains("group dialout"))
        #expect(BoardProblem.describe(BoardError.portBusy(device: "/dev/ttyUSB1", holderPID: 4242), device: "/dev/ttyUSB1")
            .contains("pid 4242"))
    }

    @Test("a serial port one link holds is refused to a second link as busy, naming this process; the first is not disturbed")
    func serialPortIsLocked() async throws {
        let emulator = try DoctorEmulator()
        let first = BoardLink(config: BoardConfig(devicePath: emulator.ptyPath))
        defer { first.close() }
        _ = try await first.connect()
        #expect(DeviceLock.holder(of: emulator.ptyPath) == getpid())
        let second = BoardLink(config: BoardConfig(devicePath: emulator.ptyPath))
        defer { second.close() }
        do {
            _ = try await second.connect()
            Issue.record("a second link opened a held port")
        } catch {
            #expect(error as? BoardError == .portBusy(device: emulator.ptyPath, holderPID: getpid()))
        }
        // the first link still talks to its board
        _ = try await first.status()
        first.close()
        // the port owner thread closes the descriptor (and with it the lock) as it winds down: bounded poll
        var released = false
        for _ in 0..<200 where !released {
            released = DeviceLock.holder(of: emulator.ptyPath) == nil
            if !released { try await Task.sleep(nanoseconds: 10_000_000) }
        }
        #expect(released)
    }

    @Test("a unit whose only board is missing starts (the line retries), shows the line missing with its fix, and stops at once")
    func missingBoardAtStart() async throws {
        let scratch = try ScratchDirectory("unit-missing")
        defer { scratch.cleanUp() }
        var config = UnitConfig()
        var line = LineConfig()
        line.serialDevice = scratch.file("ttyUSB9")
        config.lines = [line]
        config.databasePath = scratch.file("w.sqlite")
        config.promptsDirectory = checkoutRoot + "/Prompts"
        // rendered once per machine (espeak-ng), kept between runs
        config.promptCacheDirectory = NSTemporaryDirectory() + "warmline-unit-tests-prompt-cache"
        config.speechEnabled = false
        config.controlSocketPath = scratch.file("control.sock")
        let transcript = Mutex<[String]>([])
        let unit = try UnitRunner(config: config, transcript: { text in transcript.withLock { $0.append(text) } })
        try await unit.start()
        #expect(unit.lines.isEmpty)
        let status = try await ControlClient(path: scratch.file("control.sock")).status()
        #expect(status.lines.count == 1)
        #expect(status.lines[0].board.state == .missing)
        // counted down when asked: 1 s at first, 0 once the machine took a second to get here
        #expect(status.lines[0].board.retryInSeconds.map { (0...1).contains($0) } == true)
        #expect(status.summary == "0/1 lines up, 0 calls, 0 waiting")
        #expect(transcript.withLock { $0 }.contains { $0.contains("no such device — check the USB cable") && $0.contains("retrying in 1 s") })
        let before = ContinuousClock.now
        await unit.stop()
        print("missing board: unit stopped in \(ContinuousClock.now - before)")
        // the retry sleeps 1, 2, 4 ... s: shut down mid-back-off, the service returns at once (bounded generously: this is
        // wall-clock time on a machine the whole test tier shares; the full back-off to its cap would take minutes)
        #expect(ContinuousClock.now - before < .seconds(30))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("control.sock")))
    }
}
