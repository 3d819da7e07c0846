import Foundation
import Testing
import WarmlineAudio
import WarmlineSimulation
import WarmlineUnit

extension EndToEndSecondLane {
    /// One `warmline run` serving 16 emulated lines (16 firmware emulators on ptys) on this 2-core machine.
    @Suite("Sixteen lines end to end")
    struct SixteenLinesTests {
        @Test("16 emulated lines in one warmline run all connect and are claimed, and a call on the last one is answered")
        func sixteenLines() async throws {
            let lineCount = 16
            let binary = try EndToEndRig.warmlineBinary()
            let work = try EndToEndRig.scratch("sixteen-lines")
            let emulatorBinary = try EndToEndRig.emulatorBuilt.get()
            let emulators = try (1...lineCount).map {
                try BoardEmulator(binary: emulatorBinary, logPath: "\(work)/emulator\($0).log", watchdogMs: EndToEndRig.callFlowWatchdogMs)
            }
            defer { emulators.forEach { $0.stop() } }
            // The last line gets a file-fed caller; the others never ring (ALSA's null device stands in).
            let caller = try FileCallerLine(script: CallerScript([.silence(ms: 3000)]), directory: work + "/caller")
            try caller.config.text.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
            var arguments = ["run", "--db", work + "/warmline.sqlite", "--prompts", EndToEndRig.promptsDirectory,
                             "--prompt-cache", EndToEndRig.promptCache, "--alsa-config", work + "/alsa.conf",
                             "--agent", "desk:201", "--no-speech"]
            for (index, emulator) in emulators.enumerated() {
                let number = index + 1
                let (capture, playback) = number == lineCount ? (caller.captureDevice, caller.playbackDevice) : ("null", "null")
                arguments += ["--line", "\(number):\(emulator.ptyPath):\(capture):\(playback)"]
            }
            let started = MonotonicClock.seconds()
            let child = try EndToEnd.UnitCrashTests.Child(binary: binary, arguments: arguments, outputPath: work + "/run.out")
            defer { if child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) } }
            let up = await EndToEnd.UnitCrashTests.eventually(60) { child.output.contains("\(lineCount) line(s) up") || !child.process.isRunning }
            let errors = (try? String(contentsOfFile: work + "/run.out.err", encoding: .utf8)) ?? ""
            #expect(up && child.process.isRunning, "warmline run did not bring \(lineCount) lines up:\n\(child.output)\n\(errors)")
            guard child.process.isRunning else { return }
            let upSeconds = MonotonicClock.seconds() - started
            let connected = child.output.components(separatedBy: "\n").filter { $0.contains(": protocol 1, firmware 1.0.0") && $0.contains(" board /") }
            #expect(connected.count == lineCount, "\(child.output)")
            // Every board hands its line over once it hears HELLO and heartbeats on an idle line.
            let claimed = await EndToEnd.UnitCrashTests.eventually(20) { emulators.allSatisfy(\.lineIsWarmlines) }
            #expect(claimed, "boards still in bypass: \(emulators.indices.filter { !emulators[$0].lineIsWarmlines }.map { $0 + 1 })")

            let last = emulators[lineCount - 1]
            last.send("ring +15550316 \"Line Sixteen\"")
            let answered = await EndToEnd.UnitCrashTests.eventually(20) { last.log().contains("hook relay off-hook") }
            #expect(answered, "line \(lineCount) was not answered:\n\(child.output)\n\(last.log())")
            #expect(await EndToEnd.UnitCrashTests.eventually(5) { child.output.contains("L\(lineCount)") && child.output.contains("OFF_HOOK acknowledged") },
                    "\(child.output)")
            print("end to end: \(lineCount) lines up in \(Int(upSeconds * 1000)) ms; a call on line \(lineCount) answered")
            last.send("hangup")

            kill(child.process.processIdentifier, SIGTERM)
            #expect(await child.waitForExit(seconds: 15), "warmline run did not stop:\n\(child.output)")
            #expect(child.process.terminationStatus == 0)
            #expect(child.output.contains("log flushed, lines released to bypass"), "\(child.output)")
        }
    }
}
