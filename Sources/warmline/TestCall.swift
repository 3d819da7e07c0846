import ArgumentParser
import Foundation
import Logging
import WarmlineAudio
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

/// `warmline test-call`: one call on a line, scripted through the firmware emulator or placed by the technician on the
/// real line, with its transcript and a PASS/FAIL per expected step.
struct TestCall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-call",
        abstract: "Place a test call on a line and check what happened: greeting heard, menu node reached, hand-off and its reason.",
        discussion: """
            With --emulator, the line's board is the firmware emulator and the caller is scripted: --keys are pressed after the \
            safety sentence, --say is spoken (rendered with espeak-ng in --lang); the call uses a scratch database in --work-dir. \
            Without it, line N of the config answers on its real board and sound card and you call it from a phone \
            (stop the service first). Expectations: greeting (it began), safety (the safety sentence heard in full), node:NAME, \
            handoff (any), handoff:distress, handoff:person, \
            outcome:OUTCOME (reached_person, callback_promised, self_served, abandoned_in_menu, abandoned_waiting, bypassed, failed). Exit 0 when every expectation passes, 1 otherwise.
            """)

    @OptionGroup var config: ConfigOption

    @Option(help: ArgumentHelp("The line to call (a number from the config's lines).", valueName: "n"))
    var line = 1

    @Option(help: ArgumentHelp("Keys the caller presses, comma-separated, one after another (\"2,1\").", valueName: "keys"))
    var keys: String?

    @Option(help: ArgumentHelp("What the caller says, after the keys (rendered with espeak-ng).", valueName: "text"))
    var say: String?

    @Option(help: ArgumentHelp("The caller's language: their caller ID is from that country and --say is spoken in it.",
                               valueName: "lang"))
    var lang = "en"

    @Option(parsing: .singleValue, help: ArgumentHelp("An expected step (repeatable, or comma-separated).", valueName: "step"))
    var expect: [String] = []

    @Option(help: ArgumentHelp("The firmware host emulator: script the call without a board.", valueName: "path"))
    var emulator: String?

    @Option(help: ArgumentHelp("How the emulated agent answers a hand-off: answer, busy or noanswer.", valueName: "mode"))
    var agent = "answer"

    @Option(name: .customLong("work-dir"), help: ArgumentHelp("Scratch directory of an emulated call (database, audio).", valueName: "dir"))
    var workDirectory = "/tmp/warmline-test-call"

    @Option(help: ArgumentHelp("Seconds to wait for the call to end.", valueName: "s"))
    var timeout = 300

    /// Caller IDs that select each language through menu.yaml's language_by_caller_id.
    static let callerIDs = ["en": "+15550199", "uk": "+380441230199", "tr": "+902121230199"]

    func validate() throws {
        let known = ["answer", "busy", "noanswer"]
        guard known.contains(agent) else { throw ValidationError("--agent is '\(agent)'; it must be one of \(known.joined(separator: ", "))") }
        if let keys, keys.contains(where: { !"0123456789*#, ".contains($0) }) {
            throw ValidationError("--keys '\(keys)' holds something other than phone keys (0-9, * and #) and commas")
        }
        for step in expectations where TestCallExpectation(step) == nil {
            throw ValidationError("--expect '\(step)' is not a step; use greeting, safety, node:NAME, handoff, handoff:distress, "
                + "handoff:person or outcome:OUTCOME")
        }
    }

    var expectations: [String] {
        let given = expect.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        return given.isEmpty ? ["greeting"] : given
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            // The transcript says what the board did; the link's own notices (its close at the end) would repeat it.
            handler.logLevel = label.hasPrefix("warmline.board") ? .critical : .warning
            return handler
        }
        let unit = try config.load()
        guard let lineConfig = unit.lines.first(where: { $0.number == line }) else {
            throw CommandFailure.badInput("--line \(line): the config has lines \(unit.lines.map { String($0.number) }.joined(separator: ", "))")
        }
        guard unit.languages.contains(lang) else {
            throw CommandFailure.badInput("--lang \(lang): the config offers \(unit.languages.joined(separator: ", "))")
        }
        let outcome: (result: LineCallResult, database: String)
        if let emulator {
            outcome = try await emulatedCall(unit, emulator: emulator)
        } else {
            outcome = try await liveCall(unit, line: lineConfig)
        }
        let events = try StoreDatabase(readingAt: outcome.database).events(matching: EventFilter(callID: outcome.result.callID))
        ConsoleOutput.line("\n── test call on line \(line): \(outcome.result.outcome), \(outcome.result.endReason) ──")
        var failed = 0
        for step in expectations {
            guard let expectation = TestCallExpectation(step) else { continue }
            let verdict = expectation.check(result: outcome.result, events: events)
            if !verdict.passed { failed += 1 }
            ConsoleOutput.line("\(verdict.passed ? "PASS" : "FAIL")  \(step.padding(toLength: 18, withPad: " ", startingAt: 0))  \(verdict.detail)")
        }
        ConsoleOutput.line("call \(outcome.result.callID) in \(outcome.database): `warmline calls show \(outcome.result.callID) --db \(outcome.database)`")
        if failed > 0 { throw ExitCode.failure }
    }

    /// The scripted caller on the emulator: the unit's config, this line only, a scratch database.
    private func emulatedCall(_ unit: UnitConfig, emulator: String) async throws -> (result: LineCallResult, database: String) {
        guard FileManager.default.isExecutableFile(atPath: emulator) else {
            throw CommandFailure.badInput("--emulator \(emulator) is not an executable (build it: make -C Firmware emulator)")
        }
        let work = URL(fileURLWithPath: workDirectory).standardizedFileURL.path
        var options = DemoSession.Options(workDirectory: work, emulatorBinary: emulator, promptsDirectory: unit.promptsDirectory)
        options.promptCacheDirectory = unit.promptCacheDirectory
        options.speechEnabled = unit.speechEnabled
        options.callTimeoutSeconds = Double(timeout)
        var lineConfig = unit
        lineConfig.lines = unit.lines.filter { $0.number == line }
        options.unitConfig = lineConfig
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: options.databasePath + suffix) }
        var steps: [CallerStep] = [.silence(ms: 11_000)]
        for key in (keys ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !key.isEmpty {
            steps += [.dtmf(key), .silence(ms: 8000)]
        }
        if let say {
            if keys == nil { steps = [.silence(ms: 2500)] }
            steps += [.speech(try await Self.speak(say, language: lang, directory: work + "/caller-speech"))]
        }
        // The caller stays on the line long enough for a hand-off to be dialled, whispered and completed.
        steps.append(.silence(ms: 30_000))
        let caller = ScriptedCaller(label: "test call" + (keys.map { ", keys \($0)" } ?? "") + (say.map { ", says \"\($0)\"" } ?? ""),
                                    number: Self.callerIDs[lang] ?? "+15550199", name: "Test Call", agent: agent, steps: steps)
        ConsoleOutput.line("warmline test-call: line \(line) on the emulator, caller \(caller.number) (\(lang)); scratch database \(options.databasePath)")
        let session = DemoSession(options: options, transcript: { ConsoleOutput.line($0) })
        let agents = unit.call.handoff.targets.isEmpty ? [] : unit.call.handoff.targets
        guard let call = try await session.run(lines: [[caller]], agents: agents).first else {
            throw CommandFailure.runtime("the emulated call did not happen")
        }
        return (call.result, options.databasePath)
    }

    /// The real line: the unit answers line N on its board and sound card; the technician calls it.
    private func liveCall(_ unit: UnitConfig, line lineConfig: LineConfig) async throws -> (result: LineCallResult, database: String) {
        var config = unit
        config.lines = [lineConfig]
        let runner: UnitRunner
        do {
            runner = try UnitRunner(config: config, transcript: { ConsoleOutput.line($0) })
            try await runner.start()
        } catch {
            throw CommandFailure.runtime("line \(line) did not start: \(error) (is the service still running? `systemctl stop warmline`)")
        }
        ConsoleOutput.line("warmline test-call: line \(line) answers now; call it from a phone"
            + (keys.map { ", press \($0)" } ?? "") + (say.map { ", say \"\($0)\"" } ?? "") + " (waiting \(timeout) s)")
        let deadline = ContinuousClock.now + .seconds(timeout)
        while runner.lines.first?.results.isEmpty ?? true, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let result = runner.lines.first?.results.first
        await runner.stop()
        guard let result else { throw CommandFailure.runtime("no call on line \(line) within \(timeout) s") }
        return (result, config.databasePath)
    }

    /// `text` spoken by espeak-ng in `language`, band-limited to a phone line at 8 kHz.
    static func speak(_ text: String, language: String, directory: String) async throws -> [Int16] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let raw = directory + "/said-tts.wav"
        let line = directory + "/said-8000.wav"
        do {
            try await HelperTool.runSucceeding(["espeak-ng", "-v", language, "-s", "140", "-w", raw, text])
            try await HelperTool.runSucceeding(["sox", "-q", "-D", raw, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", line,
                                            "sinc", "300-3400", "pad", "0.2", "0.2"])
        } catch {
            throw CommandFailure.runtime("cannot render --say with espeak-ng and sox: \(error)")
        }
        return try WAVFile.read(path: line).samples
    }
}

/// One `--expect` step and how it is checked against the call's result and its events in the store.
enum TestCallExpectation {
    case greeting
    case safetyHeard
    case node(String)
    case handoff(reason: String?)
    case outcome(String)

    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("greeting", 1): self = .greeting
        case ("safety", 1): self = .safetyHeard
        case ("node", 2): self = .node(parts[1])
        case ("handoff", 1): self = .handoff(reason: nil)
        case ("handoff", 2) where ["distress", "person"].contains(parts[1]): self = .handoff(reason: parts[1])
        case ("outcome", 2): self = .outcome(parts[1])
        default: return nil
        }
    }

    /// Whether the call did it, and what the call did instead.
    func check(result: LineCallResult, events: [EventRecord]) -> (passed: Bool, detail: String) {
        let types = events.map(\.type)
        switch self {
        case .greeting:
            let played = events.filter { $0.type == EventType.promptPlayed }.compactMap { Self.field("prompt", in: $0.payload) }
            let began = played.first?.hasPrefix("safety") == true
            let full = types.contains("prompt.safety_heard")
            return (began, began ? "the greeting began with the safety sentence (\(played.first ?? ""))"
                        + (full ? ", heard in full" : ", cut short by the caller's hand-off") : "no greeting was played")
        case .safetyHeard:
            let full = types.contains("prompt.safety_heard")
            return (full, full ? "the safety sentence was heard in full" : "the safety sentence was not heard in full")
        case .node(let name):
            let nodes = events.filter { $0.type == EventType.menuNode }.compactMap { Self.field("node", in: $0.payload) }
            return (nodes.contains(name), "nodes reached: " + (nodes.isEmpty ? "none" : nodes.joined(separator: " → ")))
        case .handoff(let reason):
            // every hand-off is a handoff.started event whose kind is its reason (asked, distress, silent, menu_failure,
            // time_bound); an urgent upgrade logs a second one
            let started = events.filter { $0.type == EventType.handoffStarted }
            let kinds = started.compactMap { Self.field("kind", in: $0.payload) }
            let distress = types.contains(EventType.distressHandoff) || kinds.contains { $0 == "distress" || $0 == "silent" }
            let person = kinds.contains("asked")
            let reasons = started.compactMap { Self.field("reason", in: $0.payload) }
            let why: String = reasons.first ?? kinds.first.map { EventDescription.handoffReasonPhrase($0) } ?? "distress"
            let signals: String = events.first { $0.type == EventType.distressHandoff }.flatMap { Self.field("reasons", in: $0.payload) } ?? ""
            let detail: String
            if !started.isEmpty || distress {
                detail = "handed off: " + why + (distress ? " (" + signals + ")" : "")
            } else {
                detail = "no hand-off (outcome \(result.outcome))"
            }
            switch reason {
            case "distress"?: return (distress, detail)
            case "person"?: return (person && !distress, detail)
            default: return (!started.isEmpty || distress, detail)
            }
        case .outcome(let wanted):
            return (result.outcome == wanted, "outcome \(result.outcome): \(result.endReason)")
        }
    }

    /// A string field of a JSON payload.
    static func field(_ name: String, in payload: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return nil }
        return object[name].map { "\($0)" }
    }
}
