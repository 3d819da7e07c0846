import Foundation
import Testing
import WarmlineAudio
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

extension EndToEndSecondLane {
    /// `warmline run` as one service group: live status over the control socket, systemd STATUS=, a doctor beside a
    /// running service, a missing board, SIGTERM mid-call. Real firmware emulators on ptys, ALSA's file plugin, SQLite.
    @Suite("Runtime service end to end")
    struct RuntimeServiceTests {
        /// A `warmline run` child with stdout in a file and, when asked, a systemd notify socket of its own.
        final class Service {
            let process = Process()
            let outputPath: String
            let notifyFD: Int32

            init(binary: String, arguments: [String], work: String, notify: Bool = false) throws {
                outputPath = work + "/run.out"
                _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
                _ = FileManager.default.createFile(atPath: outputPath + ".err", contents: nil)
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = arguments
                var environment = ProcessInfo.processInfo.environment
                environment.removeValue(forKey: "NOTIFY_SOCKET")
                if notify {
                    let path = work + "/notify.sock"
                    unlink(path)
                    notifyFD = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                    var address = sockaddr_un()
                    address.sun_family = sa_family_t(AF_UNIX)
                    withUnsafeMutableBytes(of: &address.sun_path) { raw in
                        for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
                    }
                    let fd = notifyFD
                    let bound = withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
                    }
                    #expect(bound == 0)
                    environment["NOTIFY_SOCKET"] = path
                } else {
                    notifyFD = -1
                }
                process.environment = environment
                process.standardOutput = FileHandle(forWritingAtPath: outputPath)
                process.standardError = FileHandle(forWritingAtPath: outputPath + ".err")
                try process.run()
            }

            var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

            /// Every notify datagram received so far (each `KEY=value` line on its own).
            private var received: [String] = []
            func notifications() -> [String] {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while notifyFD >= 0 {
                    let count = recv(notifyFD, &buffer, buffer.count, 0)
                    guard count > 0 else { break }
                    received += String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").map(String.init)
                }
                return received
            }

            func waitForExit(seconds: Double) async -> Bool {
                let deadline = MonotonicClock.seconds() + seconds
                while process.isRunning, MonotonicClock.seconds() < deadline { try? await Task.sleep(nanoseconds: 10_000_000) }
                return !process.isRunning
            }

            deinit {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                if notifyFD >= 0 { close(notifyFD) }
            }
        }

        /// Runs a `warmline` command to its end (bounded) and returns its exit status and stdout.
        static func command(_ binary: String, _ arguments: [String], work: String, seconds: Double = 30) async throws -> (Int32, String) {
            let out = work + "/command-\(UUID().uuidString).out"
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = FileHandle(forWritingAtPath: out)
            try process.run()
            let deadline = MonotonicClock.seconds() + seconds
            while process.isRunning, MonotonicClock.seconds() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            while process.isRunning { try await Task.sleep(nanoseconds: 10_000_000) }
            return (process.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
        }

        /// `warmline status --json --db DB` decoded (nil while no service answers).
        static func status(_ binary: String, database: String, work: String) async throws -> UnitStatus? {
            let (code, text) = try await command(binary, ["status", "--json", "--db", database], work: work)
            guard code == 0 else { return nil }
            return try JSONDecoder().decode(UnitStatus.self, from: Data(text.utf8))
        }

        static func runArguments(database: String, work: String, lines: [String], alsa: String) -> [String] {
            ["run", "--db", database, "--prompts", EndToEndRig.promptsDirectory, "--prompt-cache", EndToEndRig.promptCache,
             "--alsa-config", alsa, "--agent", "desk:201", "--no-speech"] + lines.flatMap { ["--line", $0] }
        }

        @Test("warmline status --json during a call shows the call on its line and the other line idle; STATUS= follows each change")
        func statusDuringCall() async throws {
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("runtime-status")
            let database = work + "/warmline.sqlite"
            let emulatorBinary = try EndToEndRig.emulatorBuilt.get()
            let boards = try (1...2).map { try BoardEmulator(binary: emulatorBinary, logPath: "\(work)/emulator\($0).log") }
            defer { boards.forEach { $0.stop() } }
            let caller = try FileCallerLine(script: CallerScript([.silence(ms: 120_000)]), directory: work + "/caller")
            try caller.config.text.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
            let service = try Service(binary: binary, arguments: Self.runArguments(
                database: database, work: work, lines: ["1:\(boards[0].ptyPath):null:null",
                                                        "2:\(boards[1].ptyPath):\(caller.captureDevice):\(caller.playbackDevice)"],
                alsa: work + "/alsa.conf"), work: work, notify: true)
            #expect(await EndToEnd.UnitCrashTests.eventually(60) { service.output.contains("2/2 line(s) up") || !service.process.isRunning },
                    "\(service.output)")
            #expect(await EndToEnd.UnitCrashTests.eventually(20) { boards.allSatisfy(\.lineIsWarmlines) })
            let idle = try #require(try await Self.status(binary, database: database, work: work), "status did not answer:\n\(service.output)")
            #expect(idle.lines.map(\.number) == [1, 2])
            #expect(idle.lines.allSatisfy { $0.board.state == .connected && $0.board.firmwareVersion == "1.0.0" && $0.call == nil })
            #expect(idle.pid == service.process.processIdentifier)
            #expect(idle.recognizer == "off", "run with --no-speech has no recogniser")
            #expect(idle.storeQueueDepth.map { $0 >= 0 } == true, "the store writer's queue is reported")

            boards[1].send("agent noanswer")
            boards[1].send("ring +15550402 \"Line Two\"")
            var during: UnitStatus?
            for _ in 0..<200 {
                during = try await Self.status(binary, database: database, work: work)
                _ = service.notifications()  // read as they come: a full notify queue drops datagrams (the unit never waits on it)
                if during?.lines.last?.call != nil { break }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            let call = try #require(during?.lines.last?.call, "no call on line 2 in the status:\n\(service.output)")
            #expect(call.callerID == "+15550402")
            #expect(call.language == "en")
            #expect(during?.lines.first?.call == nil, "line 1 never rang")
            #expect(during?.summary == "2/2 lines up, 1 call, 0 waiting")
            // the human form names the call on its line
            let (code, text) = try await Self.command(binary, ["status", "--db", database], work: work)
            #expect(code == 0)
            #expect(text.contains("L2  board") && text.contains("caller +15550402"), "\(text)")

            boards[1].send("hangup")
            #expect(await EndToEnd.UnitCrashTests.eventually(30) {
                _ = service.notifications()
                return service.output.contains("call over")
            }, "\(service.output)")
            let statuses = { service.notifications().filter { $0.hasPrefix("STATUS=") } }
            #expect(await EndToEnd.UnitCrashTests.eventually(5) { statuses().last == "STATUS=2/2 lines up, 0 calls, 0 waiting" }, "\(statuses())")
            let seen = statuses()
            #expect(seen.contains("STATUS=2/2 lines up, 1 call, 0 waiting"), "\(seen)")
            // each change once, in order: no repeats of an unchanged summary
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 != $1 }, "\(seen)")

            kill(service.process.processIdentifier, SIGTERM)
            #expect(await service.waitForExit(seconds: 15))
            #expect(service.process.terminationStatus == 0)
            // the socket and its lock are gone with the service
            #expect(!FileManager.default.fileExists(atPath: work + "/control.sock"))
            #expect(try await Self.status(binary, database: database, work: work) == nil)
        }

        @Test("doctor while the service runs checks through the control socket, and a second run is refused: no HELLO and no relay command reach the board")
        func doctorBesideService() async throws {
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("runtime-doctor")
            let board = try BoardEmulator(binary: try EndToEndRig.emulatorBuilt.get(), logPath: work + "/emulator.log")
            defer { board.stop() }
            let config = """
                database: "\(work)/warmline.sqlite"
                control_socket: "\(work)/control.sock"
                prompts_dir: "\(EndToEndRig.promptsDirectory)"
                prompt_cache_dir: "\(EndToEndRig.promptCache)"
                speech: false
                lines:
                  - number: 1
                    capture_device: "null"
                    playback_device: "null"
                    serial_device: "\(board.ptyPath)"

                """
            try config.write(toFile: work + "/warmline.yaml", atomically: true, encoding: .utf8)
            let service = try Service(binary: binary, arguments: ["run", "--config", work + "/warmline.yaml"], work: work)
            #expect(await EndToEnd.UnitCrashTests.eventually(60) { service.output.contains("1/1 line(s) up") || !service.process.isRunning },
                    "\(service.output)\n\((try? String(contentsOfFile: work + "/run.out.err", encoding: .utf8)) ?? "")")
            #expect(await EndToEnd.UnitCrashTests.eventually(20) { board.lineIsWarmlines })
            let before = board.log()
            #expect(before.components(separatedBy: "host HELLO").count == 2, "the service said HELLO once:\n\(before)")

            let (code, report) = try await Self.command(binary, ["doctor", "--config", work + "/warmline.yaml", "--json"], work: work)
            // a second later: anything the doctor sent would have reached the emulator's log by now
            try await Task.sleep(nanoseconds: 1_000_000_000)
            let after = board.log()
            #expect(after.components(separatedBy: "host HELLO").count == 2, "the doctor said HELLO on the service's port:\n\(after)")
            #expect(after.components(separatedBy: "bypass relay").count == before.components(separatedBy: "bypass relay").count,
                    "the doctor moved the relay:\n\(after)")
            struct Document: Decodable { var checks: [DoctorCheck] }
            let checks = try JSONDecoder().decode(Document.self, from: Data(report.utf8)).checks
            let link = try #require(checks.first { $0.name == "line 1 board link \(board.ptyPath)" }, "\(report)")
            #expect(link.status == .ok)
            #expect(link.detail.contains("firmware 1.0.0") && link.detail.contains("the port was not opened"), "\(link.detail)")
            let relay = try #require(checks.first { $0.name == "line 1 bypass relay" })
            #expect(relay.detail.contains("not toggled while the service runs"), "\(relay.detail)")
            #expect(checks.filter { $0.name.hasPrefix("line 1 ALSA") }.allSatisfy { $0.status == .skip })
            // the exit code follows the other checks (database, disk, prompts ...), not the service's lines
            #expect(code == (checks.contains { $0.status == .fail } ? 1 : 0))
            // a second `warmline run` on the same config finds the port held: it exits 1 saying so, and sent nothing
            let (second, said) = try await Self.command(binary, ["run", "--config", work + "/warmline.yaml"], work: work)
            #expect(second == 1, "\(said)")
            #expect(said.contains("a warmline service already serves this unit") && said.contains("pid \(service.process.processIdentifier)"),
                    "\(said)")
            #expect(board.log().components(separatedBy: "host HELLO").count == 2, "the second run said HELLO:\n\(board.log())")
            // the service still has the line
            #expect(board.lineIsWarmlines)
            #expect(service.process.isRunning)
            kill(service.process.processIdentifier, SIGTERM)
            #expect(await service.waitForExit(seconds: 15))
        }

        @Test("one board missing: the other line answers, status shows the missing one with its fix, and the board is picked up when it appears")
        func missingBoardDegradesOneLine() async throws {
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("runtime-missing")
            let database = work + "/warmline.sqlite"
            let emulatorBinary = try EndToEndRig.emulatorBuilt.get()
            let first = try BoardEmulator(binary: emulatorBinary, logPath: work + "/emulator1.log")
            defer { first.stop() }
            let caller = try FileCallerLine(script: CallerScript([.silence(ms: 3000)]), directory: work + "/caller")
            try caller.config.text.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
            let missingPath = work + "/ttyUSB1"
            let service = try Service(binary: binary, arguments: Self.runArguments(
                database: database, work: work, lines: ["1:\(first.ptyPath):\(caller.captureDevice):\(caller.playbackDevice)",
                                                        "2:\(missingPath):null:null"],
                alsa: work + "/alsa.conf"), work: work)
            #expect(await EndToEnd.UnitCrashTests.eventually(60) { service.output.contains("1/2 line(s) up") || !service.process.isRunning },
                    "\(service.output)")
            #expect(service.process.isRunning, "a missing board took the whole unit down")
            #expect(service.output.contains("board \(missingPath): no such device — check the USB cable"), "\(service.output)")
            let degraded = try #require(try await Self.status(binary, database: database, work: work))
            #expect(degraded.lines[0].board.state == .connected)
            #expect(degraded.lines[1].board.state == .missing)
            #expect(degraded.lines[1].board.problem?.contains("no such device") == true)
            #expect(degraded.lines[1].board.retryInSeconds != nil)
            #expect(degraded.lines[1].lastFault?.hasPrefix(missingPath) == true)
            let (_, text) = try await Self.command(binary, ["status", "--db", database], work: work)
            #expect(text.contains("board \(missingPath): no such device") && text.contains("retrying in"), "\(text)")

            // the healthy line answers a call meanwhile
            #expect(await EndToEnd.UnitCrashTests.eventually(20) { first.lineIsWarmlines })
            first.send("ring +15550501 \"One\"")
            #expect(await EndToEnd.UnitCrashTests.eventually(20) { first.log().contains("hook relay off-hook") }, "\(service.output)")
            first.send("hangup")

            // the board appears: the line comes up without a restart
            let second = try BoardEmulator(binary: emulatorBinary, logPath: work + "/emulator2.log")
            defer { second.stop() }
            try FileManager.default.createSymbolicLink(atPath: missingPath, withDestinationPath: second.ptyPath)
            #expect(await EndToEnd.UnitCrashTests.eventually(40) { second.lineIsWarmlines }, "line 2 never came up:\n\(service.output)")
            let recovered = try #require(try await Self.status(binary, database: database, work: work))
            #expect(recovered.lines[1].board.state == .connected)
            #expect(recovered.summary.hasPrefix("2/2 lines up"))
            #expect(service.output.contains("the board is back"), "\(service.output)")
            kill(service.process.processIdentifier, SIGTERM)
            #expect(await service.waitForExit(seconds: 15))
            #expect(service.process.terminationStatus == 0)
        }

        @Test("SIGTERM mid-call: the call ends logged (unit shutting down), the line goes to bypass, the log is flushed, exit 0")
        func sigtermMidCall() async throws {
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("runtime-sigterm")
            let database = work + "/warmline.sqlite"
            let board = try BoardEmulator(binary: try EndToEndRig.emulatorBuilt.get(), logPath: work + "/emulator.log")
            defer { board.stop() }
            let caller = try FileCallerLine(script: CallerScript([.silence(ms: 120_000)]), directory: work + "/caller")
            try caller.config.text.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
            let service = try Service(binary: binary, arguments: Self.runArguments(
                database: database, work: work, lines: ["1:\(board.ptyPath):\(caller.captureDevice):\(caller.playbackDevice)"],
                alsa: work + "/alsa.conf"), work: work)
            #expect(await EndToEnd.UnitCrashTests.eventually(60) { service.output.contains("1/1 line(s) up") }, "\(service.output)")
            #expect(await EndToEnd.UnitCrashTests.eventually(20) { board.lineIsWarmlines })
            board.send("agent noanswer")
            board.send("ring +15550601 \"Term Caller\"")
            #expect(await EndToEnd.UnitCrashTests.eventually(20) { service.output.contains("answered: caller +15550601") }, "\(service.output)")
            let releasedBefore = board.log().components(separatedBy: "released (line to agent)").count
            kill(service.process.processIdentifier, SIGTERM)
            #expect(await service.waitForExit(seconds: 15), "\(service.output)")
            #expect(service.process.terminationStatus == 0)
            #expect(service.output.contains("log flushed, lines released to bypass"), "\(service.output)")
            #expect(board.log().components(separatedBy: "released (line to agent)").count > releasedBefore, "\(board.log())")
            let calls = try StoreDatabase(readingAt: database).calls(matching: CallFilter())
            let record = try #require(calls.first?.call)
            #expect(record.callerID == "+15550601")
            #expect(record.endedAtMs != nil, "the call was left open")
            let ended = try EndToEndRig.events(database, callID: record.id, type: EventType.callEnded)
            #expect(ended.contains { $0.payload.contains("unit shutting down") }, "\(ended.map(\.payload))")
        }
    }
}
