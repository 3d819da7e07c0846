import Foundation
import Testing
import WarmlineAudio
import WarmlineCore
import WarmlineSimulation
import WarmlineUnit

extension EndToEndSecondLane {
    /// The technician's day from the README, in a temporary prefix with emulated boards: install, edit, config check
    /// (clean, with warnings, with a broken menu.yaml), doctor with the dial test, and test calls by keys and by voice.
    @Suite("Deployment")
    struct DeploymentTests {
        /// One command as a technician runs it, and what it printed.
        struct Ran {
            var status: Int32
            var out: String
            var err: String
        }

        /// The session as the technician saw it (written to `deployment-session.txt` in the scratch directory).
        final class Session {
            var text = ""
            let root: String
            init(root: String) { self.root = root }

            func run(_ binary: String, _ arguments: [String], timeoutSeconds: Double = 300) async throws -> Ran {
                let out = root + "/.out", err = root + "/.err"
                _ = FileManager.default.createFile(atPath: out, contents: nil)
                _ = FileManager.default.createFile(atPath: err, contents: nil)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = arguments
                process.currentDirectoryURL = URL(fileURLWithPath: root)
                process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
                process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
                try process.run()
                let deadline = Date().addingTimeInterval(timeoutSeconds)
                // isRunning polling, not waitUntilExit(): the latter can hang on a Swift concurrency thread on Linux. An
                // async sleep, not usleep: the technician's session lasts a minute, and a blocked concurrency thread is one
                // of this 2-core machine's two (the other lane's board links then waited seconds for their acks).
                while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
                if process.isRunning { process.terminate() }
                let ran = Ran(status: process.terminationStatus,
                              out: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                              err: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
                let shown = ([binary.replacingOccurrences(of: root, with: "$ROOT")] + arguments).joined(separator: " ")
                    .replacingOccurrences(of: root, with: "$ROOT")
                text += "$ \(shown)\n" + ran.out + ran.err + "[exit \(ran.status)]\n\n"
                return ran
            }
        }

        @Test("install, config check, doctor with the dial test, and test calls by keys and by voice, in a temporary prefix")
        func technicianDeploysAUnit() async throws {
            let work = try EndToEndRig.scratch("deployment")
            let root = work + "/root"
            let session = Session(root: work)
            defer {
                // the session stays for the reader; the deployment (a copy of the model among it) does not
                try? session.text.write(toFile: work + "/deployment-session.txt", atomically: true, encoding: .utf8)
                for scratch in [root, work + "/call-keys", work + "/call-voice", work + "/call-unmet"] {
                    try? FileManager.default.removeItem(atPath: scratch)
                }
            }
            let built = try EndToEndRig.warmlineBinary()
            let emulatorBinary = try EndToEndRig.emulatorBuilt.get()

            // 1. install: everything under the prefix, the next steps in order
            let install = try await session.run(built, ["install", "--prefix", root, "--prompts", EndToEndRig.promptsDirectory,
                                                  "--model", EndToEndRig.repository + "/.cache/models/moonshine-base-en"])
            #expect(install.status == 0, "\(session.text)")
            let warmline = root + "/usr/local/bin/warmline"
            let configPath = root + "/etc/warmline/warmline.yaml"
            #expect(FileManager.default.isExecutableFile(atPath: warmline))
            #expect(install.out.contains("skipped user warmline (under --prefix nothing outside it is touched)"))
            #expect(install.out.contains("rendered prompts into \(root)/var/cache/warmline/prompts (en "))
            let steps = install.out.components(separatedBy: "next, in this order:").last ?? ""
            let order = ["edit", "config check", "doctor", "test-call", "enable"].map { steps.range(of: $0)?.lowerBound }
            #expect(order.allSatisfy { $0 != nil } && order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "\(install.out)")

            // 2. the fresh config has no hand-off targets: valid, with a warning; doctor is not ready
            let fresh = try await session.run(warmline, ["config", "check", "--config", configPath])
            #expect(fresh.status == 0)
            #expect(fresh.err.contains("warning: handoff.targets is empty"), "\(fresh.err)")

            // 3. the technician edits the config: the board, the sound card (ALSA file plugin here), the targets
            let emulator = try BoardEmulator(binary: emulatorBinary, logPath: work + "/emulator-doctor.log")
            defer { emulator.stop() }
            try String(repeating: "\0", count: 16_000).write(toFile: work + "/line1-in.raw", atomically: true, encoding: .utf8)
            let alsa = root + "/etc/warmline/asound.conf"
            try (ALSAConfigOverlay.fileCapture(name: "line1_in", rawInput: work + "/line1-in.raw")
                + ALSAConfigOverlay.filePlayback(name: "line1_out", wavOutput: work + "/line1-out.wav"))
                .write(toFile: alsa, atomically: true, encoding: .utf8)
            var config = try UnitConfigLoader().load(path: configPath)
            config.lines[0].serialDevice = emulator.ptyPath
            config.lines[0].captureDevice = "line1_in"
            config.lines[0].playbackDevice = "line1_out"
            config.alsaConfigPath = alsa
            config.call.handoff.targets = [HandoffTarget(name: "desk", dial: "201"), HandoffTarget(name: "supervisor", dial: "202")]
            try EffectiveConfigPrinter.yaml(config, comments: true).write(toFile: configPath, atomically: true, encoding: .utf8)

            let clean = try await session.run(warmline, ["config", "check", "--config", configPath])
            #expect(clean.status == 0, "\(clean.err)")
            #expect(!clean.err.contains("warning"), "\(clean.err)")
            #expect(clean.err.contains("OK (menu flow, prompts and keywords of en load)"))

            // a US tone plan with Europe's 112 is valid but wrong for callers: warned, not refused
            let warned = work + "/warned.yaml"
            var usConfig = config
            usConfig.tonePlan = "us"
            try EffectiveConfigPrinter.yaml(usConfig).write(toFile: warned, atomically: true, encoding: .utf8)
            let warning = try await session.run(warmline, ["config", "check", "--config", warned])
            #expect(warning.status == 0)
            #expect(warning.err.contains("warning: emergency_number is 112 but tone_plan 'us' is a network where callers dial 911"),
                    "\(warning.err)")

            // a broken menu.yaml is refused with its file and line, and so is a config that names a missing file
            let menu = root + "/usr/share/warmline/Prompts/menu.yaml"
            let shipped = try String(contentsOfFile: menu, encoding: .utf8)
            try shipped.replacingOccurrences(of: "next: after_day_pass", with: "next: after_day_pas")
                .write(toFile: menu, atomically: true, encoding: .utf8)
            let broken = try await session.run(warmline, ["config", "check", "--config", configPath])
            try shipped.write(toFile: menu, atomically: true, encoding: .utf8)
            #expect(broken.status == 2)
            #expect(broken.err.contains("\(menu):"), "\(broken.err)")
            #expect(broken.err.contains("after_day_pas"), "\(broken.err)")
            #expect(broken.out.isEmpty)
            let missing = try await session.run(warmline, ["doctor", "--config", work + "/no-such.yaml"])
            #expect(missing.status == 2 && missing.err.contains("\(work)/no-such.yaml:1: cannot read the config file (missing or not readable)"), "\(missing.err)")

            // 4. doctor with the dial test: the emulated board, the file-plugin sound card, the installed prompts and model
            let doctor = try await session.run(warmline, ["doctor", "--config", configPath, "--dial-test", "1"])
            #expect(doctor.status == 0, "\(doctor.out)\(doctor.err)")
            #expect(doctor.out.contains("hand-off targets"))
            #expect(doctor.out.contains("dial test: far end"), "\(doctor.out)")
            emulator.stop()

            // 5. test calls through the emulator: keys to a person, then "help me" handed off as distress
            let keys = try await session.run(warmline, ["test-call", "--config", configPath, "--line", "1", "--keys", "0",
                                                  "--expect", "greeting,safety,handoff:person", "--emulator", emulatorBinary,
                                                  "--work-dir", work + "/call-keys"])
            #expect(keys.status == 0, "\(keys.out)\(keys.err)")
            #expect(keys.out.contains("PASS  handoff:person") && keys.out.contains("PASS  safety"), "\(keys.out)")
            #expect(keys.out.contains("── test call on line 1: reached_person, transferred ──"), "\(keys.out)")
            let spoken = try await session.run(warmline, ["test-call", "--config", configPath, "--line", "1", "--say", "help me",
                                                    "--expect", "greeting,handoff:distress", "--emulator", emulatorBinary,
                                                    "--work-dir", work + "/call-voice"])
            #expect(spoken.status == 0, "\(spoken.out)\(spoken.err)")
            #expect(spoken.out.contains("PASS  handoff:distress"), "\(spoken.out)")
            // an expectation the call does not meet fails the command
            let unmet = try await session.run(warmline, ["test-call", "--config", configPath, "--line", "1", "--keys", "0",
                                                   "--expect", "handoff:distress", "--emulator", emulatorBinary,
                                                   "--work-dir", work + "/call-unmet"])
            #expect(unmet.status == 1 && unmet.out.contains("FAIL  handoff:distress"), "\(unmet.out)")
        }
    }
}
