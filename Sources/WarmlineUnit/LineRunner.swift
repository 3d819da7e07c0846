import Foundation
import WarmlineAudio
import WarmlineBoard
import WarmlineCore
import WarmlineDSP
import WarmlineSpeech
import WarmlineStore
import WarmlineText

/// The audio of one call, opened when the line is answered.
public struct CallAudio {
    /// The duplex loop over the line's PCMs.
    public var loop: AudioLoop
    /// Frames of caller audio there are (a scripted caller); nil for a live line.
    public var callerFrames: Int64?
    /// Called once when the scripted caller's audio is over (the demo hangs the caller up on the emulator).
    public var onCallerAudioEnd: (@Sendable () -> Void)?

    /// Makes call audio.
    public init(loop: AudioLoop, callerFrames: Int64? = nil, onCallerAudioEnd: (@Sendable () -> Void)? = nil) {
        self.loop = loop
        self.callerFrames = callerFrames
        self.onCallerAudioEnd = onCallerAudioEnd
    }
}

/// How one call on a line ended, as the store and the tests see it.
public struct LineCallResult: Sendable, Equatable {
    /// The store's call id.
    public var callID: String
    /// Caller ID, when the network sent one.
    public var callerID: String?
    /// The store's outcome (`handed_off`, `self_served`, `abandoned`, `callback`, `failed`).
    public var outcome: String
    /// Why it ended, in words.
    public var endReason: String
    /// Audio frames the call lasted.
    public var frames: Int
}

/// Runs one phone line: board link, ALSA loop, DSP, call engine and store, one call at a time.
///
/// Its own thread waits for rings while idle (the link thread sends heartbeats) and runs the audio loop during a
/// call (the loop sends heartbeats every period). Board commands and store writes never block the loop: they run on
/// tasks and queues, and their results come back through the inbox as inputs at the next period.
// @unchecked: stop flag, liveness, results and the spotters are under `stateLock`; `thread` is set once by `start()`
// before the line's thread runs; store writes run on `storeQueue` and report back through the inbox.
public final class LineRunner: @unchecked Sendable {
    /// Everything a line needs besides its board link.
    public struct Settings: Sendable {
        /// Line number as printed on the unit.
        public var lineNumber: Int
        /// Rings counted before answering.
        public var answerAfterRings: Int = 1
        /// Call behaviour.
        public var call: CallConfig
        /// Tone plan for call-progress detection.
        public var tonePlan: TonePlan?
        /// The unit's time zone for wall times in the call (offsets looked up per instant, DST included).
        public var zone: TimeZoneRules = .fixed(offsetSeconds: 0, name: "UTC")
        /// Where whisper audio is rendered.
        public var whisperCacheDirectory: String
        /// The board reports the agent's answer (CALL_PROGRESS answered): caller audio on hold is then ignored.
        public var boardAnswerSupervision = true

        /// Settings for line `lineNumber`.
        public init(lineNumber: Int, call: CallConfig, tonePlan: TonePlan?, whisperCacheDirectory: String) {
            self.lineNumber = lineNumber
            self.call = call
            self.tonePlan = tonePlan
            self.whisperCacheDirectory = whisperCacheDirectory
        }
    }

    /// This line's settings.
    public let settings: Settings
    private let link: BoardLink
    private let store: StoreDatabase
    private let writer: EventWriter
    private let flows: FlowSource
    private var spotter: KeywordSpotterThread?
    /// Spotters replaced by `attachSpotter` (a call in progress may still use one); stopped with the line.
    private var retiredSpotters: [KeywordSpotterThread] = []
    private var spottersStopped = false
    private let openAudio: (@escaping (AudioLoopEvent) -> Void) throws -> CallAudio
    /// The unit's queue for a person, shared with the other lines.
    let callQueue: SharedCallQueue
    private let transcript: @Sendable (String) -> Void
    private let inbox = LineInbox()
    private let storeQueue: DispatchQueue
    private let stateLock = NSLock()
    private var stopRequested = false
    private var aliveAt = MonotonicClock.seconds()
    private var finishedCalls: [LineCallResult] = []
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    /// A line over a connected `link`; `openAudio` opens the call's loop at answer time.
    public init(settings: Settings, link: BoardLink, store: StoreDatabase, writer: EventWriter, flows: FlowSource,
                spotter: KeywordSpotter?, callQueue: SharedCallQueue = SharedCallQueue(),
                openAudio: @escaping (@escaping (AudioLoopEvent) -> Void) throws -> CallAudio,
                transcript: @escaping @Sendable (String) -> Void) {
        self.callQueue = callQueue
        self.settings = settings
        self.link = link
        self.store = store
        self.writer = writer
        self.flows = flows
        self.spotter = spotter.map { KeywordSpotterThread(spotter: $0) }
        self.openAudio = openAudio
        self.transcript = transcript
        storeQueue = DispatchQueue(label: "warmline.line\(settings.lineNumber).store")
    }

    /// Starts the line's thread and the board event pump.
    public func start() {
        let events = link.events
        let inbox = inbox
        Task.detached { for await event in events { inbox.post(.board(event)) } }
        let thread = Thread { [self] in
            runLine()
            done.signal()
        }
        thread.name = "warmline-line\(settings.lineNumber)"
        thread.stackSize = 4 << 20
        self.thread = thread
        thread.start()
    }

    /// Asks the line to stop: a call in progress ends now (logged as ended by shutdown).
    public func requestStop() { stateLock.withLock { stopRequested = true } }

    /// Waits for the line's thread to end (after `requestStop()`).
    public func waitUntilStopped() { done.wait() }

    /// Calls finished so far, oldest first.
    public var results: [LineCallResult] { stateLock.withLock { finishedCalls } }

    private var shouldStop: Bool { stateLock.withLock { stopRequested } }

    /// Seconds since the line's thread last showed progress (an idle wait or an audio period): the systemd watchdog
    /// is fed only while every line answers.
    public var secondsSinceAlive: Double { MonotonicClock.seconds() - stateLock.withLock { aliveAt } }

    private func markAlive() { stateLock.withLock { aliveAt = MonotonicClock.seconds() } }

    // MARK: - Idle

    private func runLine() {
        link.setHeartbeatTimer(enabled: true)
        var rings = 0
        var callerID: String?
        var ringCountReachedAt: Double?
        while !shouldStop {
            markAlive()
            for message in inbox.wait(timeoutMs: 20) {
                guard case .board(let event) = message else { continue }
                switch event {
                case .ring(let count, _):
                    rings = count
                    say("ring \(count)" + (callerID.map { " from \($0)" } ?? ""))
                    if count >= settings.answerAfterRings, ringCountReachedAt == nil { ringCountReachedAt = MonotonicClock.seconds() }
                case .callerID(let number, let name, _):
                    callerID = number
                    say("caller ID \(number)" + (name.isEmpty ? "" : " \"\(name)\""))
                case .ringEnded(let count):
                    say("ringing stopped after \(count) rings, not answered")
                    rings = 0; callerID = nil; ringCountReachedAt = nil
                case .bypass(let engaged, let reason):
                    say("bypass relay \(engaged ? "engaged (line goes to the agent line)" : "released (Warmline has the line)"), reason \(reason.rawValue)")
                    // The board gives the line back only when asked: claim it again once the host is healthy.
                    if engaged, reason != .host { dispatchBoard("SET_BYPASS off") { try await $0.setBypass(false) } }
                case .connected(let info):
                    say("board connected: \(info)")
                case .linkLost(let reason):
                    say("board link lost: \(reason)")
                default:
                    break
                }
            }
            // Caller ID arrives 500 ms after the first ring: wait for it up to 1 s past the ring count.
            if let reached = ringCountReachedAt,
               callerID != nil || rings > settings.answerAfterRings || MonotonicClock.seconds() - reached > 1.0 {
                let result = runCall(callerID: callerID, ringCountReachedAt: reached)
                stateLock.withLock { finishedCalls.append(result) }
                if result.outcome == WarmlineStore.CallOutcome.bypassed {
                    // the agent line has the caller; the board takes the line back once that call is over
                    say("the agent line has the caller; the line comes back to Warmline when that call ends")
                    dispatchBoard("SET_BYPASS off (when idle)") { try await $0.setBypass(false) }
                }
                rings = 0; callerID = nil; ringCountReachedAt = nil
                link.setHeartbeatTimer(enabled: true)
            }
        }
        releaseToBypass()
        stopSpotters()
    }

    /// Ends the line's spotter threads (after the last call); one attached later is stopped at once.
    private func stopSpotters() {
        let threads = stateLock.withLock {
            spottersStopped = true
            return (spotter.map { [$0] } ?? []) + retiredSpotters
        }
        for thread in threads { thread.stop() }
    }

    private func releaseToBypass() {
        let link = link
        let released = DispatchSemaphore(value: 0)
        Task.detached {
            try? await link.onHook()
            try? await link.setBypass(true)
            released.signal()
        }
        if released.wait(timeout: .now() + 1.5) == .timedOut { say("board did not confirm bypass in 1.5 s") }
        else { say("line released to bypass") }
    }

    // MARK: - One call

    private func runCall(callerID: String?, ringCountReachedAt: Double) -> LineCallResult {
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let callID = "L\(settings.lineNumber)-\(nowMs)-\(UInt32.random(in: 0...0xFFFF))"
        var call = CallState(runner: self, callID: callID, callerID: callerID, startedAtMs: nowMs)
        dispatchBoard("OFF_HOOK", since: ringCountReachedAt) { try await $0.offHook() }
        _ = writer.enqueue(callID: callID, frameTime: 0, type: EventType.callRing,
                           payload: StoreEventName.json(["caller_id": callerID ?? "unknown", "line": "\(settings.lineNumber)"]))
        do {
            try call.prepare()
        } catch {
            say("cannot start the call: \(error)")
            return call.finish(reason: "cannot start: \(error)", outcome: WarmlineStore.CallOutcome.failed)
        }
        var pendingPlayback: [AudioLoopEvent] = []
        let audio: CallAudio
        do {
            audio = try openAudio { pendingPlayback.append($0) }
        } catch {
            say("cannot open the line's audio: \(error)")
            return call.finish(reason: "audio failed: \(error)", outcome: WarmlineStore.CallOutcome.failed)
        }
        var callerAudioEnded = false
        var pace = Pace(rate: settings.call.framesPerSecond)
        // The audio loop sends the heartbeats from here on (a stalled loop means bypass); until now the link's timer
        // did, so preparing the call and opening the audio on a loaded machine leaves no gap for the watchdog.
        link.setHeartbeatTimer(enabled: false)
        link.heartbeat()
        do {
            var lastPeriodEnd = MonotonicClock.seconds()
            try audio.loop.run { period, player in
                link.serviceTick()
                markAlive()
                let frame = Int(period.startFrame)
                let periodStart = MonotonicClock.seconds()
                let events = pendingPlayback
                pendingPlayback.removeAll()
                call.playbackEvents(events, player: &player)
                let afterPlayback = MonotonicClock.seconds()
                call.messages(inbox.drain(), atFrame: frame, player: &player)
                let afterMessages = MonotonicClock.seconds()
                call.heard(period.samples, atFrame: frame, waitForSpeech: audio.callerFrames != nil, player: &player)
                let afterHeard = MonotonicClock.seconds()
                call.advance(toFrame: frame + period.samples.count, player: &player)
                let end = MonotonicClock.seconds()
                // A live line reports a period that took too long (a file-fed call may wait on the spotter by design).
                if audio.callerFrames == nil, end - lastPeriodEnd > 0.3 {
                    call.say(String(format: "slow period: %.0f ms (device %.0f, playback %.0f, messages %.0f, DSP+speech %.0f, engine %.0f)",
                                    (end - lastPeriodEnd) * 1000, (periodStart - lastPeriodEnd) * 1000, (afterPlayback - periodStart) * 1000,
                                    (afterMessages - afterPlayback) * 1000, (afterHeard - afterMessages) * 1000, (end - afterHeard) * 1000))
                }
                lastPeriodEnd = end
                if let callerFrames = audio.callerFrames, !callerAudioEnded, Int64(frame) >= callerFrames + Int64(settings.call.framesPerSecond / 2) {
                    callerAudioEnded = true
                    call.say("caller's script is over")
                    audio.onCallerAudioEnd?()
                }
                if shouldStop { call.endByFault("unit shutting down (SIGTERM)") }
                if call.isOver { return .hangUp }
                // Waiting on the board or the network is wall-clock time: a file-fed call slows to real time then.
                pace.step(frame: frame, realTime: call.waitsOnBoard || callerAudioEnded)
                return .proceed
            }
        } catch {
            call.say("audio loop failed: \(error)")
            call.endByFault("audio failed: \(error)")
        }
        return call.finish(reason: nil, outcome: nil)
    }

    // MARK: - Helpers the call uses

    /// Prints one transcript line for this line.
    func say(_ text: String) { transcript("L\(settings.lineNumber)           \(TerminalText.escaped(text))") }

    /// Prints one transcript line stamped with call time.
    func say(_ text: String, frame: Int) {
        let ms = frame * 1000 / max(1, settings.call.framesPerSecond)
        transcript(String(format: "L%d %3d:%02d.%03d  %@", settings.lineNumber, ms / 60_000, ms / 1000 % 60, ms % 1000,
                          TerminalText.escaped(text)))
    }

    /// Sends a board command on a task; its result comes back through the inbox.
    func dispatchBoard(_ name: String, since: Double? = nil, _ command: @escaping @Sendable (BoardLink) async throws -> Void) {
        let link = link
        let inbox = inbox
        let started = since ?? MonotonicClock.seconds()
        Task.detached {
            do {
                try await command(link)
                inbox.post(.commandDone(name: name, error: nil, seconds: MonotonicClock.seconds() - started))
            } catch {
                inbox.post(.commandDone(name: name, error: "\(error)", seconds: MonotonicClock.seconds() - started))
            }
        }
    }

    /// Runs a store write off the audio path; its note comes back through the inbox.
    func dispatchStore(_ work: @escaping @Sendable (StoreDatabase) throws -> String) {
        let store = store
        let inbox = inbox
        storeQueue.async {
            do { inbox.post(.storeDone(note: try work(store))) } catch { inbox.post(.storeDone(note: "store write failed: \(error)")) }
        }
    }

    /// Runs a store write off the audio path; its note, and an input for the call when there is one, come back through the inbox.
    func dispatchStoreWrite(_ work: @escaping @Sendable (StoreDatabase) throws -> (note: String, input: CallInput?)) {
        let store = store
        let inbox = inbox
        storeQueue.async {
            do {
                let (note, input) = try work(store)
                inbox.post(.storeDone(note: note))
                if let input { inbox.post(.callInput(input)) }
            } catch {
                inbox.post(.storeDone(note: "store write failed: \(error)"))
            }
        }
    }

    /// Runs a store lookup off the audio path; an input it finds comes back through the inbox.
    func dispatchStoreInput(_ work: @escaping @Sendable (StoreDatabase) throws -> CallInput?) {
        let store = store
        let inbox = inbox
        storeQueue.async {
            do {
                if let input = try work(store) { inbox.post(.callInput(input)) }
            } catch {
                inbox.post(.storeDone(note: "store lookup failed: \(error)"))
            }
        }
    }

    /// Renders a whisper on its own thread; the samples come back through the inbox.
    func renderWhisper(playbackID: Int, text: String, language: String) {
        let inbox = inbox
        let renderer = PromptRenderer(cacheDirectory: settings.whisperCacheDirectory)
        let thread = Thread {
            let catalog = WarmlineAudio.PromptCatalog(language: language, prompts: ["whisper": text])
            let samples: [Int16]? = {
                do {
                    _ = try renderer.render(catalog)
                    return try WarmlineAudio.WAVFile.read(path: renderer.path(language: language, id: "whisper", text: text)).samples
                } catch {
                    return nil
                }
            }()
            inbox.post(.whisperReady(playbackID: playbackID, samples: samples))
        }
        thread.start()
    }

    var storeDatabase: StoreDatabase { store }
    var eventWriter: EventWriter { writer }
    var flowSource: FlowSource { flows }
    /// The keyword spotter calls answered from now on use (nil: DTMF and voice features only).
    var keywordSpotter: KeywordSpotterThread? { stateLock.withLock { spotter } }

    /// Gives the line a keyword spotter loaded after it started; calls answered from now on use it.
    public func attachSpotter(_ spotter: KeywordSpotter) {
        let thread = KeywordSpotterThread(spotter: spotter)
        let lineStopped = stateLock.withLock {
            if let old = self.spotter { retiredSpotters.append(old) }
            self.spotter = thread
            return spottersStopped
        }
        if lineStopped { thread.stop() }
    }
    /// Sends a heartbeat if one is due (while the loop waits on the spotter).
    func serviceTick() { link.serviceTick() }
}

/// Holds a file-fed loop to real time while the call waits on the wall-clock world (board, network).
struct Pace {
    let rate: Int
    private var anchor: (frame: Int, seconds: Double)?

    init(rate: Int) { self.rate = rate }

    mutating func step(frame: Int, realTime: Bool) {
        guard realTime else { anchor = nil; return }
        let now = MonotonicClock.seconds()
        guard let anchor else { self.anchor = (frame, now); return }
        let ahead = Double(frame - anchor.frame) / Double(rate) - (now - anchor.seconds)
        if ahead > 0.001 { usleep(UInt32(ahead * 1_000_000)) }
    }
}
