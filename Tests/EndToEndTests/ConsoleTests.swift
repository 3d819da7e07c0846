import Foundation
import Testing

extension EndToEnd {
    /// `warmline console`: the technician is the caller; keys typed on stdin reach the line as DTMF through its real
    /// capture path (the microphone FIFO read by the ALSA file plugin), with ALSA's null plugin as microphone and speaker.
    @Suite("Console")
    struct ConsoleTests {
        /// Runs the console, typing `keys` once its output shows `when`; stdin stays open until it exits.
        static func console(_ keys: String, when: String, work: String) throws -> (status: Int32, out: String) {
            let config = work + "/warmline.yaml"
            try """
                prompts_dir: "\(EndToEndRig.promptsDirectory)"
                prompt_cache_dir: "\(EndToEndRig.promptCache)"
                database: "\(work)/unused.sqlite"
                # keys only: no recogniser worker loading beside the line on a loaded test machine
                recognizer:
                  enabled: false
                handoff:
                  targets:
                    - name: desk
                      dial: "201"

                """.write(toFile: config, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try EndToEndRig.warmlineBinary())
            process.arguments = ["console", "--config", config, "--emulator", try EndToEndRig.emulatorBuilt.get(),
                                 "--microphone", "null", "--speaker", "null", "--work-dir", work + "/console"]
            let input = Pipe()
            let output = work + "/console.out"
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            process.standardInput = input
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            var typed = false
            while process.isRunning && Date() < deadline {
                if !typed && ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains(when) {
                    try input.fileHandleForWriting.write(contentsOf: Data(keys.utf8))
                    typed = true
                }
                usleep(20_000)
            }
            if process.isRunning { process.terminate() }
            try? input.fileHandleForWriting.close()
            return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
        }

        @Test("a 0 typed at the console is heard as a DTMF 0 and hands the call to the desk")
        func keyReachesTheMenu() throws {
            let work = try EndToEndRig.scratch("console-key")
            let run = try Self.console("0", when: "play safety_person", work: work)
            #expect(run.status == 0, "\(run.out)")
            #expect(run.out.contains("heard: key 0"), "\(run.out)")
            #expect(run.out.contains("reason=caller asked for a person (pressed 0)"), "\(run.out)")
            #expect(run.out.contains("console: call over: reached_person"), "\(run.out)")
        }

        @Test("q hangs up: the call ends as abandoned in the menu, with no hand-off")
        func quitHangsUp() throws {
            let work = try EndToEndRig.scratch("console-quit")
            let run = try Self.console("q", when: "play safety_danger", work: work)
            #expect(run.status == 0, "\(run.out)")
            #expect(run.out.contains("console: you hang up"), "\(run.out)")
            #expect(!run.out.contains("handoff_started"), "\(run.out)")
            #expect(run.out.contains("console: call over: abandoned"), "\(run.out)")
        }
    }
}
