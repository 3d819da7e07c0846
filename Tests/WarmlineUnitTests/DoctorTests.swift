import Foundation
import Testing
import WarmlineAudio
import WarmlineBoard
import WarmlineCore
@testable import WarmlineUnit

/// A unit on a bench: the emulator's pty, ALSA file/null plugin devices, a temp database and one rendered prompt.
struct DoctorBench {
    let scratch: ScratchDirectory
    var config = UnitConfig()
    let overlay: ALSAConfigOverlay

    /// A bench whose prompt is not rendered yet (`renderPrompts()` renders it).
    init(serialDevice: String) throws {
        scratch = try ScratchDirectory("doctor")
        try scratch.write("caller.raw", String(repeating: "\0", count: 3200))
        overlay = try ALSAConfigOverlay(
            ALSAConfigOverlay.fileCapture(name: "bench_in", rawInput: scratch.file("caller.raw"))
            + ALSAConfigOverlay.filePlayback(name: "bench_out", wavOutput: scratch.file("played.wav")))
        try scratch.write("Prompts/en/prompts.yaml", "greeting: \"Hello, this is the help line.\"\n")
        config.promptsDirectory = scratch.file("Prompts")
        config.promptCacheDirectory = scratch.file("cache")
        config.databasePath = scratch.file("db/warmline.sqlite")
        config.lines[0].captureDevice = "bench_in"
        config.lines[0].playbackDevice = "bench_out"
        config.lines[0].serialDevice = serialDevice
    }

    /// Renders the bench's one prompt into its cache.
    func renderPrompts() async throws {
        _ = try await PromptRenderer(cacheDirectory: config.promptCacheDirectory)
            .render(PromptCatalog.load(root: config.promptsDirectory, language: "en"))
    }

    func doctor() -> Doctor {
        var doctor = Doctor(config: config, configPath: scratch.file("warmline.yaml"), alsaOverlay: overlay)
        doctor.minimumFreeBytes = 1
        return doctor
    }
}

@Suite("Doctor", .serialized)
struct DoctorTests {
    @Test("against the firmware emulator, file-plugin ALSA devices and a temp database every check passes; only the loopback is skipped")
    func allPass() async throws {
        let emulator = try DoctorEmulator()
        defer { emulator.stop() }
        var bench = try DoctorBench(serialDevice: emulator.ptyPath)
        defer { bench.scratch.cleanUp() }
        try await bench.renderPrompts()
        bench.config.call.handoff.targets = [HandoffTarget(name: "desk", dial: "201")]
        let report = await bench.doctor().run()
        let byName = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.name, $0) })
        #expect(report.checks.map(\.name) == [
            "line 1 ALSA capture bench_in", "line 1 ALSA playback bench_out", "line 1 board link \(emulator.ptyPath)",
            "line 1 test tone loopback", "line 1 bypass relay", "database \(bench.config.databasePath)", "free disk",
            "prompts en", "keyword spotting", "hand-off targets", "clock and time zone",
        ])
        #expect(byName["hand-off targets"]?.detail.hasPrefix("desk (201); when all fail the caller waits in the queue") == true)
        #expect(report.checks.filter { $0.status != .ok }.map(\.name) == ["line 1 test tone loopback"], "\(report.text)")
        #expect(byName["line 1 test tone loopback"]?.status == .skip)
        #expect(byName["line 1 board link \(emulator.ptyPath)"]?.detail.contains("HELLO: protocol") == true)
        #expect(byName["line 1 ALSA capture bench_in"]?.detail.contains("8000 Hz") == true)
        #expect(byName["prompts en"]?.detail == "1 prompt files rendered and verified at 8000 Hz")
        #expect(report.passed && report.exitCode == 0)
    }

    @Test("a config with no hand-off targets is not ready: the targets check fails with the key to add")
    func noTargetsFails() throws {
        let bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        let check = bench.doctor().handoffCheck()
        #expect(check.status == .fail)
        #expect(check.detail.hasPrefix("none configured: a caller who asks for a person or is in distress would go straight to the bypass"))
        #expect(check.fix?.contains("add handoff.targets") == true)
        #expect(!DoctorReport(configPath: "w.yaml", checks: [check]).passed)
    }

    @Test("the dial test seizes the emulated line, hears dial tone, dials the first target, hears ringback and the answer, hangs up")
    func dialTestAgainstEmulator() async throws {
        let emulator = try DoctorEmulator()
        defer { emulator.stop() }
        var bench = try DoctorBench(serialDevice: emulator.ptyPath)
        defer { bench.scratch.cleanUp() }
        bench.config.call.handoff.targets = [HandoffTarget(name: "desk", dial: "201"), HandoffTarget(name: "backup", dial: "202")]
        let checks = await bench.doctor().dialTest(lineNumber: 1)
        #expect(checks.map(\.name) == ["line 1 dial test: off-hook", "line 1 dial test: dial tone", "line 1 dial test: dial",
                                       "line 1 dial test: far end", "line 1 dial test: answer", "line 1 dial test: hang up"],
                "\(checks)")
        #expect(checks.allSatisfy { $0.status == .ok }, "\(checks)")
        #expect(checks.first { $0.name.hasSuffix("dial") }?.detail == "dialled desk (201)")
        #expect(checks.first { $0.name.hasSuffix("far end") }?.detail.hasPrefix("ringback") == true)
        // hung up: the emulated network is idle again, with no call left on the line
        var status = try emulator.status()
        for _ in 0..<100 where !status.contains("net=idle") {
            try await Task.sleep(for: .milliseconds(50))
            status = try emulator.status()
        }
        #expect(status.contains("net=idle") && status.contains(" hook=0 "), "\(status)")
    }

    @Test("with the board's progress reports off, the dial test hears the emulated line's dial tone and ringback through CallProgressDetector on the capture device")
    func dialTestHearsTonesInAudio() async throws {
        let scratch = try ScratchDirectory("dial-audio")
        defer { scratch.cleanUp() }
        let fifo = scratch.file("line1.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let emulator = try DoctorEmulator(arguments: ["--audio", fifo, "--tones", "eu"])
        defer { emulator.stop() }
        try emulator.send("agent noanswer")
        var bench = try DoctorBench(serialDevice: emulator.ptyPath)
        defer { bench.scratch.cleanUp() }
        bench.config.tonePlan = "eu"
        bench.config.call.handoff.targets = [HandoffTarget(name: "desk", dial: "201", ringTimeoutMs: 15_000)]
        // The FIFO holds up to 4 s of the emulator's audio from before the seizure (64 KiB of 8 kHz samples); on a loaded
        // machine the capture opens late and reads that silence first. The wait is audio time, so it must cover it.
        bench.config.call.handoff.dialToneWaitMs = 9_000
        var doctor = bench.doctor()
        doctor.progressFromBoard = false
        doctor.alsaOverlay = try ALSAConfigOverlay(ALSAConfigOverlay.fileCapture(name: "bench_in", rawInput: fifo))
        let checks = await doctor.dialTest(lineNumber: 1)
        let dialTone = checks.first { $0.name.hasSuffix("dial tone") }
        #expect(dialTone?.status == .ok && dialTone?.detail.contains("CallProgressDetector on the capture device") == true, "\(checks)")
        let farEnd = checks.first { $0.name.hasSuffix("far end") }
        #expect(farEnd?.status == .ok && farEnd?.detail.hasPrefix("ringback (CallProgressDetector") == true, "\(checks)")
        // the tones are the plan's: a US plan on the same line hears no dial tone in 425 Hz
        let usEmulator = try DoctorEmulator(arguments: ["--audio", fifo, "--tones", "eu"])
        defer { usEmulator.stop() }
        emulator.stop()
        var usBench = try DoctorBench(serialDevice: usEmulator.ptyPath)
        defer { usBench.scratch.cleanUp() }
        usBench.config.tonePlan = "us"
        usBench.config.call.handoff.targets = bench.config.call.handoff.targets
        usBench.config.call.handoff.dialToneWaitMs = 1500
        var usDoctor = usBench.doctor()
        usDoctor.progressFromBoard = false
        usDoctor.alsaOverlay = doctor.alsaOverlay
        let usChecks = await usDoctor.dialTest(lineNumber: 1)
        #expect(usChecks.first { $0.name.hasSuffix("dial tone") }?.status == .fail, "\(usChecks)")
    }

    @Test("a busy first target fails the dial test's far-end step with what to check; no targets or an unknown line fail at once")
    func dialTestFailures() async throws {
        let emulator = try DoctorEmulator()
        defer { emulator.stop() }
        var bench = try DoctorBench(serialDevice: emulator.ptyPath)
        defer { bench.scratch.cleanUp() }
        #expect(await bench.doctor().dialTest(lineNumber: 1).map(\.detail) == ["no hand-off targets to dial"])
        bench.config.call.handoff.targets = [HandoffTarget(name: "desk", dial: "201")]
        #expect(await bench.doctor().dialTest(lineNumber: 7).first?.detail.hasPrefix("no line 7 in the config") == true)
        try emulator.send("agent busy")
        let checks = await bench.doctor().dialTest(lineNumber: 1)
        let farEnd = checks.first { $0.name.hasSuffix("far end") }
        #expect(farEnd?.status == .fail && farEnd?.detail.hasPrefix("busy") == true, "\(checks)")
        #expect(farEnd?.fix?.contains("201 is busy or not reachable") == true)
    }

    @Test("a serial path with no board fails the link check with the fix, skips the relay, and exits non-zero")
    func badSerialPath() async throws {
        let bench = try DoctorBench(serialDevice: "/dev/warmline-no-such-board")
        defer { bench.scratch.cleanUp() }
        let checks = await bench.doctor().boardChecks(bench.config.lines[0])
        #expect(checks.map(\.status) == [.fail, .skip, .skip])
        #expect(checks[0].detail.contains("/dev/warmline-no-such-board"))
        #expect(checks[0].fix?.contains("serial_device of line 1") == true)
        let report = DoctorReport(configPath: "w.yaml", checks: checks)
        #expect(!report.passed && report.exitCode == 1)
        #expect(report.text.contains("      fix: check serial_device of line 1"))
    }

    @Test("the bypass relay is toggled, read back, and left as the board had it")
    func bypassRestored() async throws {
        let emulator = try DoctorEmulator()
        defer { emulator.stop() }
        let bench = try DoctorBench(serialDevice: emulator.ptyPath)
        defer { bench.scratch.cleanUp() }
        let checks = await bench.doctor().boardChecks(bench.config.lines[0])
        #expect(checks[2].status == .ok, "\(checks[2])")
        // What the doctor found at its own HELLO is what it must leave. (Reading it first over another link raced the
        // board's host-loss timer on a loaded machine: that link's close could engage bypass before the doctor came.)
        let leftOn = checks[2].detail.hasSuffix("left on (bypass)")
        #expect(leftOn || checks[2].detail.hasSuffix("left off"), "\(checks[2].detail)")
        // A new HELLO would reset the board's bypass request, so read the relay from the emulator itself.
        #expect(try emulator.status().contains(" bypass=\(leftOn ? 1 : 0) "))
    }

    @Test("an ALSA device that does not exist fails with the device named and where to look")
    func missingAudioDevice() throws {
        var bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        bench.config.lines[0].captureDevice = "no_such_pcm"
        let check = bench.doctor().audioCheck(bench.config.lines[0], .capture)
        #expect(check.status == .fail)
        #expect(check.detail.contains("no_such_pcm"))
        #expect(check.fix?.contains("arecord -L") == true)
    }

    @Test("prompts not rendered yet fail with the render command as the fix")
    func unrenderedPrompts() throws {
        let bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        let check = bench.doctor().promptCheck("en")
        #expect(check.status == .fail)
        #expect(check.detail == "1 of 1 prompt files missing or bad (greeting)")
        #expect(check.fix?.hasPrefix("run `warmline prompts render --prompts \(bench.config.promptsDirectory)") == true)
    }

    @Test("a recorded prompt needs no rendered file, and a recording at the wrong rate fails with the file and the sox command")
    func recordedPrompts() throws {
        let bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        let recording = bench.config.promptsDirectory + "/en/recorded/greeting.wav"
        try FileManager.default.createDirectory(atPath: bench.config.promptsDirectory + "/en/recorded", withIntermediateDirectories: true)
        func tone(rate: Int) throws -> Int32 {
            try ChildProcess.run(["sox", "-n", "-r", "\(rate)", "-c", "1", "-b", "16", recording, "synth", "0.5", "sine", "440"]).status
        }
        #expect(try tone(rate: 16000) == 0)
        let bad = bench.doctor().promptCheck("en")
        #expect(bad.status == .fail)
        #expect(bad.detail == "\(recording): 16000 Hz mono 16-bit PCM; recorded prompts must be 8000 Hz mono 16-bit PCM "
            + "(sox in.wav -r 8000 -c 1 -b 16 greeting.wav)")
        #expect(try tone(rate: 8000) == 0)
        let good = bench.doctor().promptCheck("en")
        #expect(good.status == .ok)
        #expect(good.detail == "0 prompt files rendered and verified at 8000 Hz, 1 recorded")
    }

    @Test("a clock before 2024 fails, an unknown zone fails, a sane clock passes with the zone's offset and next change")
    func clock() throws {
        var bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        var doctor = bench.doctor()
        doctor.now = { Date(timeIntervalSince1970: 0) }
        #expect(doctor.clockCheck().status == .fail)
        #expect(doctor.clockCheck().detail == "the clock reads year 1970")
        doctor.now = { Date(timeIntervalSince1970: 1_760_000_000) }
        doctor.config.timeZone = "Europe/Kyiv"
        #expect(doctor.clockCheck().status == .ok)
        #expect(doctor.clockCheck().detail.hasSuffix("(Europe/Kyiv, UTC+03:00; next change 2025-10-26 01:00 UTC to UTC+02:00)"))
        bench.config.timeZone = "Nowhere/Atlantis"
        #expect(bench.doctor().clockCheck().status == .fail)
    }

    @Test("keyword spotting is skipped when speech is off and fails when the model is missing")
    func keywordSpotting() throws {
        var bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        bench.config.speechEnabled = false
        #expect(bench.doctor().keywordSpottingCheck().status == .skip)
        bench.config.speechEnabled = true
        var doctor = bench.doctor()
        doctor.keywordModelPath = bench.scratch.file("no-model")
        #expect(doctor.keywordSpottingCheck().status == .fail)
        #expect(doctor.keywordSpottingCheck().fix?.contains("speech: false") == true)
    }

    @Test("a keywords.yaml that is there but malformed fails the keyword check with file, line and the fix")
    func malformedKeywordsFail() throws {
        var bench = try DoctorBench(serialDevice: "/dev/null")
        defer { bench.scratch.cleanUp() }
        bench.config.speechEnabled = true
        let file = try bench.scratch.write("Prompts/en/keywords.yaml", "language: en\nmodel: [oops\n")
        var doctor = bench.doctor()
        doctor.keywordModelPath = bench.scratch.path  // a model directory that exists: only the keywords file is wrong
        let check = doctor.keywordSpottingCheck()
        #expect(check.status == .fail)
        #expect(check.detail.contains("speech en: ERROR — \(file):"), "\(check.detail)")
        #expect(check.fix?.contains("warmline speech check") == true)
    }

    @Test("run warns loudly at start-up for a malformed keywords.yaml, naming the language and file; the shipped files give no warning")
    func runWarnsOnMalformedKeywords() throws {
        let scratch = try ScratchDirectory("keywords")
        defer { scratch.cleanUp() }
        let file = try scratch.write("Prompts/en/keywords.yaml", "language: en\nkeywords: {distress: {help: loud}\n")
        var config = UnitConfig()
        config.promptsDirectory = scratch.file("Prompts")
        let warnings = UnitRunner.keywordWarnings(config)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("unit: WARNING: \(file):") == true, "\(warnings)")
        #expect(warnings.first?.contains("spoken distress detection is OFF for 'en' callers") == true)
        config.speechEnabled = false
        #expect(UnitRunner.keywordWarnings(config).isEmpty)
        config.speechEnabled = true
        config.promptsDirectory = checkoutRoot + "/Prompts"
        config.languages = ["en", "uk", "tr"]
        #expect(UnitRunner.keywordWarnings(config).isEmpty)
    }
}
