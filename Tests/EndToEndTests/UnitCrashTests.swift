import Foundation
import Testing
import WarmlineAudio
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

extension EndToEnd {
    /// `warmline run` as a child process, killed with SIGKILL mid-call and restarted.
    @Suite("Unit crash end to end")
    struct UnitCrashTests {
        /// A `warmline run` child with its stdout in a file.
        final class Child {
            let process = Process()
            let outputPath: String

            init(binary: String, arguments: [String], outputPath: String) throws {
                self.outputPath = outputPath
                FileManager.default.createFile(atPath: outputPath, contents: nil)
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = arguments
                FileManager.default.createFile(atPath: outputPath + ".err", contents: nil)
                process.standardOutput = FileHandle(forWritingAtPath: outputPath)
                process.standardError = FileHandle(forWritingAtPath: outputPath + ".err")
                try process.run()
            }

            var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

            /// Polls (never `waitUntilExit` on a concurrency thread) until the child is gone or `seconds` pass.
            func waitForExit(seconds: Double) async -> Bool {
                let deadline = MonotonicClock.seconds() + seconds
                while process.isRunning, MonotonicClock.seconds() < deadline { try? await Task.sleep(nanoseconds: 10_000_000) }
                return !process.isRunning
            }

            deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        }

        /// Polls `condition` every 10 ms for up to `seconds`.
        static func eventually(_ seconds: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
            let deadline = MonotonicClock.seconds() + seconds
            while MonotonicClock.seconds() < deadline {
                if try condition() { return true }
                try? await Task.sleep(nanoseconds: 10_000_000)
            }
            return try condition()
        }

        @Test("SIGKILL mid-call: bypass within 1.5 s; after a restart the call is logged as interrupted and no second day pass is granted")
        func killedMidCall() async throws {
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("unit-crash")
            let database = work + "/warmline.sqlite"
            let emulator = try BoardEmulator(binary: try EndToEndRig.emulatorBuilt.get(), logPath: work + "/emulator.log")
            defer { emulator.stop() }
            let msisdn = "+15550301"
            try "msisdn,balance_minor,currency\n\(msisdn),0,USD\n".write(toFile: work + "/subscribers.csv", atomically: true, encoding: .utf8)
            _ = try StoreDatabase(path: database).importSubscribers(csvAt: work + "/subscribers.csv", nowMs: Int64(Date().timeIntervalSince1970 * 1000))
            // Offered the day pass first (zero balance), takes it, then asks for it again (2) and stays silent: the menu
            // times out into a hand-off whose agent never answers. On the second call the pass is not offered first (one
            // per cooldown): 1 reads the balance and 2 asks for the pass, which is refused.
            let line = try FileCallerLine(script: CallerScript([.silence(ms: 16_000), .dtmf("1"), .silence(ms: 14_000), .dtmf("2"),
                                                                .silence(ms: 120_000)]), directory: work + "/caller")
            try line.config.text.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
            let arguments = ["run", "--db", database, "--prompts", EndToEndRig.promptsDirectory, "--prompt-cache", EndToEndRig.promptCache,
                             "--alsa-config", work + "/alsa.conf", "--line", "1:\(emulator.ptyPath):\(line.captureDevice):\(line.playbackDevice)",
                             "--agent", "desk:201", "--no-speech"]

            var child = try Child(binary: binary, arguments: arguments, outputPath: work + "/run1.out")
            #expect(await Self.eventually(30) { child.output.contains("line(s) up") }, "first run never came up:\n\(child.output)")
            #expect(await Self.eventually(10) { emulator.log().contains("energised (line to Warmline)") }, "\(emulator.log())")
            emulator.send("agent noanswer")
            emulator.send("ring \(msisdn) \"Gus Hale\"")
            #expect(try await Self.eventually(30) { try EndToEndRig.dayPassCount(database, msisdn: msisdn) == 1 }, "\(child.output)")
            #expect(await Self.eventually(30) { emulator.log().contains("net: dialled") }, "no hand-off:\n\(child.output)")

            let releasedBefore = emulator.log().components(separatedBy: "released (line to agent)").count
            kill(child.process.processIdentifier, SIGKILL)
            let killedAt = MonotonicClock.seconds()
            let bypassed = await Self.eventually(3) { emulator.log().components(separatedBy: "released (line to agent)").count > releasedBefore }
            let bypassSeconds = MonotonicClock.seconds() - killedAt
            #expect(bypassed)
            print("end to end: SIGKILL -> emulator bypass in \(Int(bypassSeconds * 1000)) ms (watchdog 1500 ms)")
            #expect(bypassSeconds <= 1.5 + 0.2, "bypass \(bypassSeconds) s after SIGKILL (watchdog 1.5 s, 10 ms polling)")
            _ = await child.waitForExit(seconds: 2)
            let interruptedCall = try #require(try StoreDatabase(readingAt: database).calls(matching: CallFilter()).first?.call)
            #expect(interruptedCall.endedAtMs == nil)

            emulator.send("hangup")
            let claimsBefore = emulator.log().components(separatedBy: "energised (line to Warmline)").count
            child = try Child(binary: binary, arguments: arguments, outputPath: work + "/run2.out")
            #expect(await Self.eventually(30) { child.output.contains("line(s) up") }, "restart never came up:\n\(child.output)")
            // The board hands the line back to a returning host once the line is idle.
            #expect(await Self.eventually(10) {
                emulator.log().components(separatedBy: "energised (line to Warmline)").count > claimsBefore
            }, "the board never gave the line back:\n\(emulator.log())")
            let closed = try #require(try StoreDatabase(readingAt: database).call(id: interruptedCall.id))
            #expect(closed.outcome == WarmlineStore.CallOutcome.failed.rawValue)
            let ended = try EndToEndRig.events(database, callID: interruptedCall.id, type: EventType.callEnded)
            #expect(ended.contains { $0.payload.contains("interrupted") })

            // The same caller rings again and asks for the pass again: refused (one per cooldown), never granted twice.
            emulator.send("agent busy")
            emulator.send("ring \(msisdn) \"Gus Hale\"")
            #expect(try await Self.eventually(30) {
                try EndToEndRig.events(database, type: EventType.dayPassRefused).count == 1
            }, "\(child.output)")
            #expect(try EndToEndRig.dayPassCount(database, msisdn: msisdn) == 1)

            kill(child.process.processIdentifier, SIGTERM)
            #expect(await child.waitForExit(seconds: 8))
            #expect(child.process.terminationStatus == 0)
            #expect(child.output.contains("released to bypass"), "\(child.output)")
        }

        @Test("SIGTERM the moment the lines are up is not lost: the unit flushes, releases the line to bypass and exits 0")
        func stoppedRightAfterReady() async throws {
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("unit-stop")
            let emulator = try BoardEmulator(binary: try EndToEndRig.emulatorBuilt.get(), logPath: work + "/emulator.log")
            defer { emulator.stop() }
            let line = try FileCallerLine(script: CallerScript([.silence(ms: 1000)]), directory: work + "/caller")
            try line.config.text.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
            let arguments = ["run", "--db", work + "/warmline.sqlite", "--prompts", EndToEndRig.promptsDirectory,
                             "--prompt-cache", EndToEndRig.promptCache, "--alsa-config", work + "/alsa.conf",
                             "--line", "1:\(emulator.ptyPath):\(line.captureDevice):\(line.playbackDevice)", "--agent", "desk:201", "--no-speech"]
            let child = try Child(binary: binary, arguments: arguments, outputPath: work + "/run.out")
            #expect(await Self.eventually(30) { child.output.contains("line(s) up") }, "never came up:\n\(child.output)")
            kill(child.process.processIdentifier, SIGTERM)
            #expect(await child.waitForExit(seconds: 8), "SIGTERM right after READY was lost:\n\(child.output)")
            #expect(child.process.terminationStatus == 0)
            #expect(child.output.contains("log flushed, lines released to bypass"), "\(child.output)")
        }

        @Test("SIGHUP reloads menu and prompts and the unit goes on serving; SIGINT then stops it like SIGTERM")
        func reloadThenInterrupt() async throws {
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("unit-reload")
            let emulator = try BoardEmulator(binary: try EndToEndRig.emulatorBuilt.get(), logPath: work + "/emulator.log")
            defer { emulator.stop() }
            let line = try FileCallerLine(script: CallerScript([.silence(ms: 1000)]), directory: work + "/caller")
            try line.config.text.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
            let arguments = ["run", "--db", work + "/warmline.sqlite", "--prompts", EndToEndRig.promptsDirectory,
                             "--prompt-cache", EndToEndRig.promptCache, "--alsa-config", work + "/alsa.conf",
                             "--line", "1:\(emulator.ptyPath):\(line.captureDevice):\(line.playbackDevice)", "--agent", "desk:201", "--no-speech"]
            let child = try Child(binary: binary, arguments: arguments, outputPath: work + "/run.out")
            #expect(await Self.eventually(30) { child.output.contains("line(s) up") }, "never came up:\n\(child.output)")
            kill(child.process.processIdentifier, SIGHUP)
            #expect(await Self.eventually(30) { child.output.contains("SIGHUP: menu and prompts reloaded") }, "\(child.output)")
            #expect(child.process.isRunning, "SIGHUP stopped the unit:\n\(child.output)")
            kill(child.process.processIdentifier, SIGINT)
            #expect(await child.waitForExit(seconds: 8), "SIGINT was lost:\n\(child.output)")
            #expect(child.process.terminationStatus == 0)
            #expect(child.output.contains("log flushed, lines released to bypass"), "\(child.output)")
        }
    }
}
