import Foundation
import Logging
import Synchronization
import WarmlineAudio
import WarmlineBoard
import WarmlineCore
import WarmlineDSP
import WarmlineSpeech
import WarmlineStore
import WarmlineText

/// The audio of one call, opened when the line is answered, and how its loop keeps time.
public struct CallAudio {
    /// The duplex loop over the line's PCMs.
    public var loop: AudioLoop
    /// How the loop keeps time: the sound card for a live line (`LivePacing`), the harness's own for a file-fed caller.
    public var pacing: any CallPacing

    /// Makes call audio (live pacing unless told otherwise).
    public init(loop: AudioLoop, pacing: any CallPacing = LivePacing()) {
        self.loop = loop
        self.pacing = pacing
    }
}

/// How one call on a line ended, as the store and the tests see it.
public struct LineCallResult: Sendable, Equatable {
    /// The store's call id.
    public var callID: String
    /// Caller ID, when the network sent one.
    public var callerID: String?
    /// The store's outcome (a `CallOutcome` raw value: `reached_person`, `self_served`, `abandoned_in_menu`, ...).
    public var outcome: String
    /// Why it ended, in words.
    public var endReason: String
    /// Audio frames the call lasted.
    public var frames: Int
    /// A fault ended the call and Warmline gave the caller to the bypass relay (the line is reclaimed once healthy).
    public var releasedByFault = false
}

/// Runs one phone line: board link, ALSA loop, DSP, call engine and store, one call at a time.
///
/// Its own thread waits for rings while idle (the link thread sends heartbeats) and runs the audio loop during a
/// call (the loop sends heartbeats every period). Board commands and store writes never block the loop: they run on
/// tasks and queues, and their results come back through the inbox as inputs at the next period.
public final class LineRunner: Sendable {
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
        /// The tools the whisper is rendered with (espeak-ng and sox from PATH).
        public var whisperTools = PromptRenderTools()
        /// Call audio the agent waits for the whisper's clip before the fallback plays instead.
        public var whisperRenderWaitMs = 1500
        /// The fallback whisper (`LineRunner.whisperFallbackText`, rendered at start; one copy shared by every line).
        public var whisperFallback: [Int16] = []

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
    private let recognizer: Recognizer?
    private let openAudio: @Sendable (@escaping (AudioLoopEvent) -> Void) throws -> CallAudio
    /// The unit's queue for a person, shared with the other lines.
    let callQueue: SharedCallQueue
    private let transcript: @Sendable (String) -> Void
    /// The transcript through swift-log, with the line (and the call and event) as metadata.
    private let transcriptLog: Logging.Logger
    private let inbox = LineInbox()
    private let storeQueue: DispatchQueue
    /// What `warmline status` shows of this line (board, relay, call, last fault).
    public let status: LineStatusCell
    /// What the line's thread, the unit and the watchdog share.
    private struct State {
        var spotter: KeywordSpotterThread?
        /// Spotters replaced by `attachSpotter` (a call in progress may still use one); stopped with the line.
        var retiredSpotters: [KeywordSpotterThread] = []
        var spottersStopped = false
        var stopRequested = false
        var aliveAt = MonotonicClock.seconds()
        var finishedCalls: [LineCallResult] = []
        /// The last SET_BYPASS sent: the next one waits for it, so "on" then "off" reach the board in that order.
        var bypassCommand: Task<Void, Never>?
    }
    private let state: Mutex<State>
    /// Resumed when the line's thread has ended (after `requestStop()`); one waiter at most.
    private let ended = LineEnd()

    /// A line over a connected `link`; `openAudio` opens the call's loop at answer time.
    public init(settings: Settings, link: BoardLink, store: StoreDatabase, writer: EventWriter, flows: FlowSource,
                spotter: sending KeywordSpotter?, callQueue: SharedCallQueue = SharedCallQueue(), recognizer: Recognizer? = nil,
                openAudio: @escaping @Sendable (@escaping (AudioLoopEvent) -> Void) throws -> CallAudio,
                status: LineStatusCell? = nil, transcript: @escaping @Sendable (String) -> Void) {
        self.status = status ?? LineStatusCell(number: settings.lineNumber, serialDevice: link.config.devicePath)
        self.recognizer = recognizer
        self.callQueue = callQueue
        self.settings = settings
        self.link = link
        self.store = store
        self.writer = writer
        self.flows = flows
        var spotterThread: KeywordSpotterThread?
        if let spotter { spotterThread = KeywordSpotterThread(spotter: spotter) }
        state = Mutex(State(spotter: spotterThread))
        self.openAudio = openAudio
        self.transcript = transcript
        transcriptLog = TranscriptLog.logger(line: settings.lineNumber, sink: transcript)
        storeQueue = DispatchQueue(label: "warmline.line\(settings.lineNumber).store")
    }

    /// Starts the line's thread and hands it the board's events: from now on straight from the link's port owner
    /// (no task between a ring and the line), after the few that came before (from the link's stream, in order).
    public func start() {
        let order = BoardEventOrder(inbox: inbox, writer: writer, line: settings.lineNumber)
        link.deliverEvents { order.live($0) }
        let events = link.events
        Task.detached {
            for await event in events { order.earlier(event) }
            order.earlierDone()
        }
        let thread = Thread { [self] in
            runLine()
            ended.finish()
        }
        thread.name = "warmline-line\(settings.lineNumber)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Asks the line to stop: a call in progress ends now (logged as ended by shutdown).
    public func requestStop() { state.withLock { $0.stopRequested = true } }

    /// Waits for the line's thread to end (after `requestStop()`); blocks the calling thread (tests, not async code).
    public func waitUntilStopped() { ended.wait() }

    /// Asks the line to stop and suspends until its thread has ended: the call in progress ended ("unit shutting
    /// down"), the line released to bypass, its spotters stopped. Holds no thread of the concurrency pool meanwhile.
    public func stop() async {
        requestStop()
        await ended.value()
    }

    /// Calls finished so far, oldest first.
    public var results: [LineCallResult] { state.withLock { $0.finishedCalls } }

    private var shouldStop: Bool { state.withLock { $0.stopRequested } }

    /// Seconds since the line's thread last showed progress (an idle wait or an audio period): the systemd watchdog
    /// is fed only while every line answers.
    public var secondsSinceAlive: Double { MonotonicClock.seconds() - state.withLock { $0.aliveAt } }

    private func markAlive() { state.withLock { $0.aliveAt = MonotonicClock.seconds() } }

    // MARK: - Idle

    private func runLine() {
        link.setHeartbeatTimer(enabled: true)
        var rings = 0
        var callerID: String?
        var ringCountReachedAt: Double?
        // Why Warmline keeps this line in bypass (a fault it has not recovered from); nil while it serves the line.
        var heldInBypass: String?
        while !shouldStop {
            markAlive()
            // The store cannot write: callers go straight to the agent line until it can (checked every 20 ms).
            if heldInBypass == nil, let fault = storeFault() {
                heldInBypass = "the event store cannot write (\(fault))"
                status.update {
                    $0.heldInBypass = heldInBypass
                    $0.lastFault = heldInBypass
                    $0.lastFaultAtMs = Self.nowMs()
                }
                say("fail safe: \(heldInBypass ?? ""): SET_BYPASS on, the agent line takes the calls until it can")
                dispatchBypass(true, "SET_BYPASS on (fail safe)")
            } else if let reason = heldInBypass, storeFault() == nil {
                heldInBypass = nil
                status.update { $0.heldInBypass = nil }
                say("healthy again after \(reason): SET_BYPASS off, the board gives the line back once it is idle")
                dispatchBypass(false, "SET_BYPASS off (when idle)")
            }
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
                    status.update { $0.relay = engaged ? .bypass : .claimed }
                    say("bypass relay \(engaged ? "engaged (line goes to the agent line)" : "released (Warmline has the line)"), reason \(reason.rawValue)")
                    // The board gives the line back only when asked: claim it again once the host is healthy.
                    if engaged, reason != .host, heldInBypass == nil { dispatchBypass(false, "SET_BYPASS off") }
                    // A board that reconnected forgets it was asked for bypass: ask again while the fault lasts.
                    if !engaged, heldInBypass != nil { dispatchBypass(true, "SET_BYPASS on (fail safe)") }
                case .connected(let info):
                    say("board connected: \(info)")
                    status.update {
                        $0.board.state = .connected
                        $0.board.firmwareVersion = info.firmwareVersion
                        $0.board.protocolVersion = info.protocolVersion
                        $0.board.problem = nil
                        $0.relay = info.bypassEngaged ? .bypass : .claimed
                    }
                case .linkLost(let reason):
                    say("board link lost: \(reason)")
                    status.update {
                        $0.board.state = .lost
                        $0.board.problem = reason
                        $0.relay = .unknown
                        $0.lastFault = "board link lost: \(reason)"
                        $0.lastFaultAtMs = Self.nowMs()
                    }
                default:
                    break
                }
            }
            // Caller ID arrives 500 ms after the first ring: wait for it up to 1 s past the ring count.
            if heldInBypass != nil, ringCountReachedAt != nil {
                // a ring that raced the relay: the agent line answers it, Warmline does not
                say("not answering: the line is held in bypass (\(heldInBypass ?? ""))")
                rings = 0; callerID = nil; ringCountReachedAt = nil
            }
            if let reached = ringCountReachedAt,
               callerID != nil || rings > settings.answerAfterRings || MonotonicClock.seconds() - reached > 1.0 {
                let result = runCall(callerID: callerID, ringCountReachedAt: reached)
                state.withLock { $0.finishedCalls.append(result) }
                status.update {
                    $0.call = nil
                    $0.callsFinished += 1
                }
                if result.releasedByFault {
                    // the agent line has the caller; the line is asked back once nothing stands in the way
                    heldInBypass = "a fault in the call (\(result.endReason))"
                    status.update {
                        $0.heldInBypass = heldInBypass
                        $0.lastFault = "call \(result.callID) ended by fault: \(result.endReason)"
                        $0.lastFaultAtMs = Self.nowMs()
                    }
                } else if result.outcome == WarmlineStore.CallOutcome.bypassed.rawValue {
                    // the agent line has the caller; the board takes the line back once that call is over
                    say("the agent line has the caller; the line comes back to Warmline when that call ends")
                    dispatchBypass(false, "SET_BYPASS off (when idle)")
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
        let threads = state.withLock {
            $0.spottersStopped = true
            return ($0.spotter.map { [$0] } ?? []) + $0.retiredSpotters
        }
        for thread in threads { thread.stop() }
    }

    /// Puts the line on hook and on the bypass relay (the line's own thread waits up to 1.5 s for the board).
    private func releaseToBypass() {
        let link = link
        let released = DispatchSemaphore(value: 0)
        Task.detached {
            try? await link.onHook()
            try? await link.setBypass(true)
            released.signal()
        }
        if released.wait(timeout: .now() + 1.5) == .timedOut { say("board did not confirm bypass in 1.5 s") }
        else {
            say("line released to bypass")
            status.update { $0.relay = .bypass }
        }
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: - One call

    private func runCall(callerID: String?, ringCountReachedAt: Double) -> LineCallResult {
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let callID = "L\(settings.lineNumber)-\(nowMs)-\(UInt32.random(in: 0...0xFFFF))"
        var call = CallState(runner: self, callID: callID, callerID: callerID, startedAtMs: nowMs)
        dispatchBoard("OFF_HOOK", .offHook, since: ringCountReachedAt)
        _ = writer.enqueue(callID: callID, frameTime: 0, type: EventType.callRing,
                           payload: CallEventEncoder.json(["caller_id": callerID ?? "unknown", "line": "\(settings.lineNumber)"]))
        do {
            try call.prepare()
        } catch {
            say("cannot start the call: \(error)")
            return call.finish(reason: "cannot start: \(error)", outcome: .failed)
        }
        var pendingPlayback: [AudioLoopEvent] = []
        let audio: CallAudio
        do {
            audio = try openAudio { pendingPlayback.append($0) }
        } catch {
            say("cannot open the line's audio: \(error)")
            return call.finish(reason: "audio failed: \(error)", outcome: .failed)
        }
        status.update { $0.call = call.liveStatus() }
        var pacing = audio.pacing
        let waitsForSpeech = pacing.waitsForSpeech, reportsSlowPeriods = pacing.reportsSlowPeriods
        var speechWatch = keywordSpotter == nil ? nil : recognizer.map {
            RecognizerWatch(recognizer: $0, everyFrames: settings.call.framesPerSecond / 5)
        }
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
                call.heard(period.samples, atFrame: frame, waitForSpeech: waitsForSpeech, player: &player)
                let afterHeard = MonotonicClock.seconds()
                call.advance(toFrame: frame + period.samples.count, player: &player)
                let end = MonotonicClock.seconds()
                // A live line reports a period that took too long (a file-fed call may wait on the spotter by design).
                if reportsSlowPeriods, end - lastPeriodEnd > 0.3 {
                    call.say(String(format: "slow period: %.0f ms (device %.0f, playback %.0f, messages %.0f, DSP+speech %.0f, engine %.0f)",
                                    (end - lastPeriodEnd) * 1000, (periodStart - lastPeriodEnd) * 1000, (afterPlayback - periodStart) * 1000,
                                    (afterMessages - afterPlayback) * 1000, (afterHeard - afterMessages) * 1000, (end - afterHeard) * 1000))
                }
                lastPeriodEnd = end
                // A store that cannot write: the caller goes to a person now. A recogniser worker that died is not a
                // fault of the line: the supervisor restarts it, and meanwhile PocketSphinx alone hears the caller.
                if let fault = storeFault() { call.endByFault("the event store cannot write (\(fault))") }
                if let lost = speechWatch?.lostWorker(atFrame: frame) {
                    call.say("speech recogniser worker stopped (\(lost)): spoken requests are heard by PocketSphinx alone until it is back")
                }
                if shouldStop { call.endByFault("unit shutting down (SIGTERM)") }
                // what `warmline status` shows of the call, once a second of call audio
                if frame % max(1, settings.call.framesPerSecond) < period.samples.count {
                    let live = call.liveStatus()
                    status.refresh { $0.call = live }
                }
                if call.isOver { return .hangUp }
                if let note = pacing.periodEnded(atFrame: frame, waitsOnBoard: call.waitsOnBoard) { call.say(note) }
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
    func say(_ text: String) { transcriptLog.info("\("L\(settings.lineNumber)           \(TerminalText.escaped(text))")") }

    /// Prints one transcript line stamped with call time.
    func say(_ text: String, frame: Int, callID: String? = nil, event: String? = nil) {
        let ms = frame * 1000 / max(1, settings.call.framesPerSecond)
        var metadata: Logging.Logger.Metadata = [:]
        if let callID { metadata[TranscriptLog.callIDKey] = "\(callID)" }
        if let event { metadata[TranscriptLog.eventKey] = "\(event)" }
        transcriptLog.info("\(String(format: "L%d %3d:%02d.%03d  %@", settings.lineNumber, ms / 60_000, ms / 1000 % 60, ms % 1000, TerminalText.escaped(text)))",
                           metadata: metadata)
    }

    /// Sends a board command on a task; its result comes back through the inbox.
    /// Sends a board command from the line's thread without waiting (no task: the link's port owner writes it and
    /// posts the answer to the inbox); `since` is when the need arose (the ring count, for OFF_HOOK).
    func dispatchBoard(_ name: String, _ command: BoardCommand, since: Double? = nil) {
        let inbox = inbox
        let started = since ?? MonotonicClock.seconds()
        link.submit(command) { result in
            let seconds = MonotonicClock.seconds() - started
            switch result {
            case .success: inbox.post(.commandDone(name: name, error: nil, seconds: seconds))
            case .failure(let error): inbox.post(.commandDone(name: name, error: "\(error)", seconds: seconds))
            }
        }
    }

    /// Sends SET_BYPASS after every earlier SET_BYPASS of this line (each on its own task, they could overtake);
    /// its result comes back through the inbox.
    func dispatchBypass(_ engaged: Bool, _ name: String) {
        let link = link
        let inbox = inbox
        let started = MonotonicClock.seconds()
        state.withLock {
            let previous = $0.bypassCommand
            $0.bypassCommand = Task.detached {
                await previous?.value
                do {
                    try await link.setBypass(engaged)
                    inbox.post(.commandDone(name: name, error: nil, seconds: MonotonicClock.seconds() - started))
                } catch {
                    inbox.post(.commandDone(name: name, error: "\(error)", seconds: MonotonicClock.seconds() - started))
                }
            }
        }
    }

    /// Runs a store write off the audio path; its note comes back through the inbox (a failure fails the call safe).
    func dispatchStore(_ work: @escaping @Sendable (StoreDatabase) throws -> String) {
        let store = store
        let inbox = inbox
        storeQueue.async {
            do { inbox.post(.storeDone(note: try work(store))) } catch { inbox.post(.storeFailed(note: "store write failed: \(error)")) }
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
                inbox.post(.storeFailed(note: "store write failed: \(error)"))
            }
        }
    }

    /// Why the event store cannot write, once it is a fault rather than a moment's lock held by another writer.
    func storeFault() -> StoreFault? {
        let status = writer.status
        guard let fault = status.fault else { return nil }
        // a lock held past three attempts (each waits 200 ms for it) is a fault; a shorter one is ordinary contention
        if fault == .locked, status.retryAttempts < 3 { return nil }
        return fault
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

    /// What the agent hears when the whisper's own clip is late or cannot be rendered.
    public static let whisperFallbackText = "A caller from Warmline is being put through to you now."

    /// Renders a whisper on a task (espeak-ng and sox through swift-subprocess): the audio thread never waits for the
    /// tools; the samples come back through the inbox (nil: rendering failed; the wait is bounded in `CallState`).
    func renderWhisper(playbackID: Int, text: String, language: String) {
        let inbox = inbox
        let renderer = PromptRenderer(cacheDirectory: settings.whisperCacheDirectory, tools: settings.whisperTools)
        let (transcript, line, id) = (transcriptLog, settings.lineNumber, whisperClipID)
        Task.detached {
            let samples: [Int16]?
            do {
                samples = try await Self.whisperClip(text, id: id, language: language, renderer: renderer)
            } catch {
                transcript.info("\("L\(line)           whisper could not be rendered: \(TerminalText.escaped("\(error)"))")")
                samples = nil
            }
            inbox.post(.whisperReady(playbackID: playbackID, samples: samples))
        }
    }

    /// Renders a whisper into the cache ahead of the agent's answer (a failure is met again, and said, at the answer).
    func prepareWhisper(text: String, language: String) {
        let renderer = PromptRenderer(cacheDirectory: settings.whisperCacheDirectory, tools: settings.whisperTools)
        let id = whisperClipID
        Task.detached { _ = try? await Self.whisperClip(text, id: id, language: language, renderer: renderer) }
    }

    /// The line's own cache id for its whisper: rendering one removes the file of the line's last whisper, never the
    /// clip another line is about to play.
    private var whisperClipID: String { "whisper-line\(settings.lineNumber)" }

    /// The samples of `text` said in `language` under cache id `id`, rendered unless the cache has them.
    static func whisperClip(_ text: String, id: String, language: String, renderer: PromptRenderer) async throws -> [Int16] {
        _ = try await renderer.render(PromptCatalog(language: language, prompts: [id: text]))
        return try renderer.verify(path: renderer.path(language: language, id: id, text: text)).samples
    }

    var storeDatabase: StoreDatabase { store }
    var eventWriter: EventWriter { writer }
    var flowSource: FlowSource { flows }
    /// The keyword spotter calls answered from now on use (nil: DTMF and voice features only).
    var keywordSpotter: KeywordSpotterThread? { state.withLock { $0.spotter } }

    /// Gives the line a keyword spotter loaded after it started; calls answered from now on use it.
    public func attachSpotter(_ spotter: sending KeywordSpotter) {
        let thread = KeywordSpotterThread(spotter: spotter)
        let lineStopped = state.withLock {
            if let old = $0.spotter { $0.retiredSpotters.append(old) }
            $0.spotter = thread
            return $0.spottersStopped
        }
        if lineStopped { thread.stop() }
    }
    /// Sends a heartbeat if one is due (while the loop waits on the spotter).
    func serviceTick() { link.serviceTick() }
}

/// Notices the shared recogniser's worker dying during a call (a planned replacement at its memory limit is not a fault).
struct RecognizerWatch {
    let recognizer: Recognizer
    /// Call frames between looks (the recogniser's lock is shared with every line: one look per heartbeat period).
    let everyFrames: Int
    private var workerPID: Int32?
    private var nextLookFrame = 0

    init(recognizer: Recognizer, everyFrames: Int) {
        self.recognizer = recognizer
        self.everyFrames = max(1, everyFrames)
        workerPID = recognizer.statistics.workerPID
    }

    /// Why the worker this call had is gone, once; nil while it runs (or while no worker was running to lose).
    mutating func lostWorker(atFrame frame: Int) -> String? {
        guard frame >= nextLookFrame else { return nil }
        nextLookFrame = frame + everyFrames
        let statistics = recognizer.statistics
        defer { workerPID = statistics.workerPID }
        guard let known = workerPID, statistics.workerPID != known else { return nil }
        let reason = statistics.lastStopReason ?? "worker \(known) is gone"
        // the supervisor's wording for a worker it put down on purpose (RecognizerWorkerProcess / Recognizer)
        return reason.contains("replaced at") ? nil : reason
    }
}

/// The end of a line's thread, awaited by async code (`LineRunner.stop()`) or waited for by a thread (tests).
final class LineEnd: Sendable {
    private struct State {
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)

    /// The thread has ended: every waiter resumes.
    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
        done.signal()
    }

    /// Suspends until `finish()` (at once when it already happened).
    func value() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock {
                if $0.finished { return true }
                $0.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Blocks the calling thread until `finish()` (not for async code).
    func wait() {
        done.wait()
        done.signal()
    }
}
