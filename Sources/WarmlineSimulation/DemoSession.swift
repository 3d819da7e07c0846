import Foundation
import Synchronization
import WarmlineAudio
import WarmlineCore
import WarmlineStore
import WarmlineText
import WarmlineUnit

/// Scripted callers on emulated lines: one firmware emulator per line, Warmline on every line through libasound2's
/// file plugin (each caller's audio is the capture file, played as fast as the CPU allows until the call waits on
/// the board, then in real time), and a real SQLite store. `make demo` and the end-to-end tests run this.
public final class DemoSession: Sendable {
    /// Where things are.
    public struct Options: Sendable {
        /// Scratch directory (caller audio, recordings, emulator logs, prompt cache).
        public var workDirectory: String
        /// The firmware host emulator binary.
        public var emulatorBinary: String
        /// The repository's Prompts directory.
        public var promptsDirectory: String
        /// Rendered prompt cache (kept between runs: only changed texts are re-rendered).
        public var promptCacheDirectory: String
        /// The SQLite database.
        public var databasePath: String
        /// Keyword spotting on.
        public var speechEnabled = true
        /// Longest a call may take, wall clock, before the session gives up on it.
        public var callTimeoutSeconds: Double = 60
        /// The unit's own config to run the lines with (`warmline test-call`); nil: the defaults, with night hours off.
        public var unitConfig: UnitConfig?
        /// The tools the lines render whispers with (a slow renderer in the tests).
        public var whisperTools = PromptRenderTools()
        /// Callers in real time all through (many lines at once), not as fast as the CPU allows between board waits.
        public var realTimeCallers = false
        /// The emulated boards' heartbeat watchdog (nil: the firmware's 1500 ms, as the demo runs). Tests of call flows
        /// set a long one: on a machine shared with every other suite a host starved for 1.5 s lost the call to the
        /// agent line, which is the board doing its job, not the flow under test.
        public var boardWatchdogMs: Int?

        /// Options under `workDirectory`, with the database and prompt cache inside it.
        public init(workDirectory: String, emulatorBinary: String, promptsDirectory: String) {
            self.workDirectory = workDirectory
            self.emulatorBinary = emulatorBinary
            self.promptsDirectory = promptsDirectory
            promptCacheDirectory = workDirectory + "/prompt-cache"
            databasePath = workDirectory + "/warmline.sqlite"
        }
    }

    /// One call as the session saw it.
    public struct Call: Sendable {
        /// Line number.
        public var line: Int
        /// Who called.
        public var caller: ScriptedCaller
        /// How it ended.
        public var result: LineCallResult
    }

    /// The options in force.
    public let options: Options
    /// The emulators, one per line (valid while `run` runs; tests use them to break a board mid-call).
    public var emulators: [BoardEmulator] { running.withLock { $0.emulators } }
    /// The unit serving the lines (valid while `run` runs; fault drills read its store writer and recogniser).
    public var unit: UnitRunner? { running.withLock { $0.unit } }
    private struct Running {
        var emulators: [BoardEmulator] = []
        var unit: UnitRunner?
    }
    private let running = Mutex(Running())
    private let transcript: @Sendable (String) -> Void

    /// A session printing its transcript through `transcript`.
    public init(options: Options, transcript: @escaping @Sendable (String) -> Void) {
        self.options = options
        // scripted caller IDs and names are shown as a terminal would receive them from a real network: escaped
        self.transcript = { transcript(TerminalText.escaped($0)) }
    }

    /// Places `callers[i]` on line i+1 in order, all lines at once; returns every call when all are over.
    /// `during` runs (on its own task) while the calls are placed, with the session, e.g. to kill a board mid-call.
    public func run(lines callers: [[ScriptedCaller]], agents: [HandoffTarget] = [HandoffTarget(name: "desk", dial: "201"),
                                                                                   HandoffTarget(name: "supervisor", dial: "202")])
        async throws -> [Call] {
        try FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
        try importSubscribers(callers.flatMap { $0 })
        let emulators = try callers.indices.map { index in
            try BoardEmulator(binary: options.emulatorBinary, logPath: "\(options.workDirectory)/emulator-line\(index + 1).log",
                              watchdogMs: options.boardWatchdogMs)
        }
        running.withLock { $0.emulators = emulators }
        defer { for emulator in emulators { emulator.stop() } }
        var config = options.unitConfig ?? UnitConfig()
        config.databasePath = options.databasePath
        config.controlSocketPath = UnitConfig.controlSocket(besideDatabase: options.databasePath)
        config.promptsDirectory = options.promptsDirectory
        config.promptCacheDirectory = options.promptCacheDirectory
        config.speechEnabled = options.speechEnabled
        config.call.handoff.targets = agents
        if options.unitConfig == nil {
            config.timeZone = TimeZone.current.identifier
            // The scripted callers must end the same way at any hour: night hours weigh on the wall clock, so the
            // demo leaves them out (at 23:00 the frantic-keys caller became a second distress hand-off).
            config.call.distress.nightWeight = 0
        }
        config.lines = emulators.enumerated().map { index, emulator in
            var line = LineConfig()
            line.number = index + 1
            line.serialDevice = emulator.ptyPath
            line.captureDevice = "caller_in"
            line.playbackDevice = "caller_out"
            return line
        }
        let slots = callers.indices.map { _ in CallerSlot() }
        let work = options.workDirectory
        let sampleRate = config.sampleRate
        let realTime = options.realTimeCallers
        let unit = try UnitRunner(config: config, openAudio: { line, onEvent in
            let slot = slots[line.number - 1]
            guard let (caller, index) = slot.current else {
                throw BoardEmulatorError(description: "line \(line.number) was answered with no scripted caller")
            }
            let fileLine = try FileCallerLine(script: CallerScript(caller.steps),
                                              directory: "\(work)/line\(line.number)/call\(index + 1)")
            slot.keep(fileLine)
            let emulator = emulators[line.number - 1]
            return CallAudio(loop: try fileLine.makeLoop(onEvent: onEvent),
                             pacing: FileFedPacing(callerFrames: fileLine.frames(), rate: sampleRate, alwaysRealTime: realTime,
                                                   onCallerAudioEnd: { emulator.send("hangup") }))
        }, whisperTools: options.whisperTools, transcript: transcript)
        try await unit.start()
        running.withLock { $0.unit = unit }
        let calls: Result<[Call], any Error>
        do {
            calls = .success(try await placeCalls(callers, unit: unit, emulators: emulators, slots: slots))
        } catch {
            calls = .failure(error)
        }
        running.withLock { $0.unit = nil }
        await unit.stop()
        return try calls.get()
    }

    private func placeCalls(_ callers: [[ScriptedCaller]], unit: UnitRunner, emulators: [BoardEmulator],
                            slots: [CallerSlot]) async throws -> [Call] {
        let timeout = options.callTimeoutSeconds
        let transcript = transcript
        return try await withThrowingTaskGroup(of: [Call].self) { group in
            for (index, lineCallers) in callers.enumerated() {
                let emulator = emulators[index]
                let slot = slots[index]
                group.addTask {
                    // A line whose board answered HELLO late (a loaded machine) joins the unit after start: wait for it.
                    let joinBy = MonotonicClock.seconds() + 60
                    var joined = unit.lines.first { $0.settings.lineNumber == index + 1 }
                    while joined == nil {
                        guard MonotonicClock.seconds() < joinBy else {
                            throw BoardEmulatorError(description: "line \(index + 1) never came up (its board did not answer HELLO within 60 s)")
                        }
                        try await Task.sleep(nanoseconds: 20_000_000)
                        joined = unit.lines.first { $0.settings.lineNumber == index + 1 }
                    }
                    guard let runner = joined else { return [] }
                    var calls: [Call] = []
                    for (number, caller) in lineCallers.enumerated() {
                        slot.set(caller, index: number)
                        transcript("L\(index + 1)           ── caller \(number + 1): \(caller.label) (\(caller.number), agent will \(caller.agent)) ──")
                        emulator.send("agent \(caller.agent)")
                        // A ring while the board still has the line in bypass goes to the agent line, not to Warmline:
                        // wait for the board to hand the line over (at start, or after a call released to bypass).
                        let claimBy = MonotonicClock.seconds() + 20
                        while !emulator.lineIsWarmlines {
                            guard MonotonicClock.seconds() < claimBy else {
                                throw BoardEmulatorError(description: "line \(index + 1): the board never gave the line to Warmline")
                            }
                            try await Task.sleep(nanoseconds: 20_000_000)
                        }
                        emulator.send("ring \(caller.number) \"\(caller.name)\"")
                        let deadline = MonotonicClock.seconds() + timeout
                        while runner.results.count <= number {
                            guard MonotonicClock.seconds() < deadline else {
                                throw BoardEmulatorError(description: "line \(index + 1): call \(number + 1) (\(caller.label)) did not end within \(Int(timeout)) s")
                            }
                            try await Task.sleep(nanoseconds: 20_000_000)
                        }
                        calls.append(Call(line: index + 1, caller: caller, result: runner.results[number]))
                        // The caller (or the agent's caller) hangs up and the network goes idle before the next ring.
                        emulator.send("hangup")
                        try await Task.sleep(nanoseconds: 300_000_000)
                    }
                    return calls
                }
            }
            var all: [Call] = []
            for try await calls in group { all += calls }
            return all.sorted { ($0.line, $0.result.callID) < ($1.line, $1.result.callID) }
        }
    }

    /// The demo's seven callers: a balance check, a zero-balance day pass, a hang-up, "please, someone is hurting me", frantic keys,
    /// a caller who says "Hello?" over the safety sentence, and a silent caller.
    public static func demoCallers(speechDirectory: String) throws -> [[ScriptedCaller]] {
        let help = try CallerSpeech.render("please, someone is hurting me", directory: speechDirectory)
        let hello = try CallerSpeech.render("Hello? Hello?", directory: speechDirectory)
        // Every caller first hears the safety sentence (about 9 s): a key pressed during it acts after it.
        let balance = ScriptedCaller(label: "balance check", number: "+15550101", name: "Ana Lopez", balanceMinor: 1250,
                                     steps: [.silence(ms: 11_000), .dtmf("1"), .silence(ms: 7000)])
        let dayPass = ScriptedCaller(label: "zero balance, offered the emergency day pass first, takes it", number: "+15550102",
                                     name: "Ben Okafor", balanceMinor: 0,
                                     steps: [.silence(ms: 16_000), .dtmf("1"), .silence(ms: 12_000)])
        let hangUp = ScriptedCaller(label: "hangs up during the greeting", number: "+15550105", name: "Eve Park",
                                    steps: [.silence(ms: 1200), .hangUp])
        let distress = ScriptedCaller(label: "says \"please, someone is hurting me\"", number: "+15550103", name: "Cara Diaz",
                                      steps: [.silence(ms: 2500), .speech(help), .silence(ms: 40_000)])
        let frantic = ScriptedCaller(label: "presses keys frantically", number: "+15550104", name: "Dan Ivanov",
                                     agent: "busy",
                                     steps: [.silence(ms: 1000), .dtmf("73", toneMs: 80, gapMs: 60), .silence(ms: 150),
                                             .dtmf("3838", toneMs: 80, gapMs: 60), .silence(ms: 150), .dtmf("7", toneMs: 80, gapMs: 60),
                                             .silence(ms: 6000), .dtmf("1"), .silence(ms: 8000), .dtmf("1"), .silence(ms: 8000)])
        let helloCaller = ScriptedCaller(label: "says \"Hello? Hello?\" over the safety sentence, then presses 0", number: "+15550106",
                                         name: "Fay Moreno", steps: [.silence(ms: 400), .speech(hello), .silence(ms: 14_000), .dtmf("0"),
                                                                     .silence(ms: 15_000)])
        let silent = ScriptedCaller(label: "silent caller: never speaks, never presses", number: "+15550107", name: "Gus Lee",
                                    steps: [.silence(ms: 40_000)])
        return [[balance, dayPass, hangUp], [distress, frantic], [helloCaller, silent]]
    }

    private func importSubscribers(_ callers: [ScriptedCaller]) throws {
        let rows = callers.compactMap { caller in caller.balanceMinor.map { "\(caller.number),\($0),USD" } }
        guard !rows.isEmpty else { return }
        let csv = options.workDirectory + "/subscribers.csv"
        try (["msisdn,balance_minor,currency"] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let store = try StoreDatabase(path: options.databasePath)
        let country = UnitConfig().call.dayPass.country
        _ = try store.importSubscribers(csvAt: csv, nowMs: Int64(Date().timeIntervalSince1970 * 1000),
                                        normaliseNumber: { try PhoneNumber.normalise($0, country: country).get() })
    }
}

/// The caller a line answers next, and the file line kept alive while its call runs.
private final class CallerSlot: Sendable {
    private struct Slot {
        var caller: (ScriptedCaller, Int)?
        var kept: FileCallerLine?
    }
    private let slot = Mutex(Slot())

    var current: (ScriptedCaller, Int)? { slot.withLock { $0.caller } }
    func set(_ caller: ScriptedCaller, index: Int) { slot.withLock { $0.caller = (caller, index) } }
    func keep(_ line: FileCallerLine) { slot.withLock { $0.kept = line } }
}
