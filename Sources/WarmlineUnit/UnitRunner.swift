import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import WarmlineAudio
import WarmlineBoard
import WarmlineCore
import WarmlineSpeech
import WarmlineStore
import WarmlineText

/// The whole unit: every configured line at once, one call per line, one store shared by all.
///
/// A `ServiceGroup` (swift-service-lifecycle) runs the unit's parts: the store writer, the recogniser, one service per
/// line and the control socket, started in that order and shut down in reverse. `start()` closes calls a killed run
/// left open, loads the flow and brings the group up (a line whose board is missing retries with back-off while the
/// others run); `reload()` swaps menu and prompts between calls (a bad reload is refused and the old flow kept);
/// `stop()` shuts the group down gracefully: calls in progress end, every line goes to bypass, the log is flushed.
public final class UnitRunner: Sendable {
    /// Opens a call's audio on a line; the default opens the line's configured ALSA devices.
    public typealias AudioOpener = @Sendable (LineConfig, @escaping (AudioLoopEvent) -> Void) throws -> CallAudio

    /// The configuration in force.
    public let config: UnitConfig
    /// The shared store.
    public let store: StoreDatabase
    /// The shared event writer (off the audio path).
    public let writer: EventWriter
    /// Menu and prompts.
    public let flows: FlowSource
    /// The running lines, in config order (a line whose board is missing joins once the board answers).
    public var lines: [LineRunner] {
        let running = running.withLock { $0.lines }
        return config.lines.compactMap { running[$0.number] }
    }
    /// Each configured line's live status, in config order (what `warmline status` shows).
    public let lineStatus: [LineStatusCell]
    /// The queue for a person that every line's waiting caller is ranked in.
    public let callQueue: SharedCallQueue
    private let transcript: @Sendable (String) -> Void
    private let openAudio: AudioOpener
    private let whisperTools: PromptRenderTools
    private let publisher: StatusPublisher
    /// The second pass all lines share (nil: speech or the recogniser is off in the config).
    public var recognizer: Recognizer? { running.withLock { $0.recognizer } }
    /// What `start()` brings up and `stop()` takes down.
    private struct Running {
        var lines: [Int: LineRunner] = [:]
        var recognizer: Recognizer?
        /// The caller-data purge: at start, then every 24 h.
        var purgeTimer: DispatchSourceTimer?
        var group: ServiceGroup?
        var groupRun: Task<Void, Never>?
        var startedAt: Double?
        var speechInBackground = false
        var zone: TimeZoneRules = .fixed(offsetSeconds: 0, name: "UTC")
        /// The fallback whisper every line plays when its own is late (one copy, read by all).
        var whisperFallback: [Int16] = []
        var stopped = false
    }
    private let running = Mutex(Running())
    /// Loads keyword models one line at a time after start-up (READY does not wait for them).
    private let spotterLoader = DispatchQueue(label: "warmline.spotter-loader")

    /// Opens the store and loads the flow; nothing touches the board until `start()`. `statusChanged` gets the unit's
    /// one-line summary each time it changes ("2/2 lines up, 1 call, 0 waiting": systemd's STATUS=).
    /// `whisperTools` render the agent's whispers (espeak-ng and sox from PATH unless told otherwise).
    public init(config: UnitConfig, openAudio: AudioOpener? = nil, statusChanged: (@Sendable (String) -> Void)? = nil,
                whisperTools: PromptRenderTools = PromptRenderTools(), transcript: @escaping @Sendable (String) -> Void) throws {
        self.config = config
        self.whisperTools = whisperTools
        // caller IDs and names reach the journal through here: control characters are shown escaped, never raw
        self.transcript = { transcript(TerminalText.escaped($0)) }
        let publisher = StatusPublisher(changed: statusChanged)
        self.publisher = publisher
        callQueue = SharedCallQueue(onChange: { publisher.changed() })
        lineStatus = config.lines.map { LineStatusCell(number: $0.number, serialDevice: $0.serialDevice, onChange: { publisher.changed() }) }
        store = try StoreDatabase(path: config.databasePath)
        writer = EventWriter(path: config.databasePath)
        flows = try FlowSource(promptsDirectory: config.promptsDirectory, cacheDirectory: config.promptCacheDirectory,
                               languages: config.languages)
        let overlay = try config.alsaConfigPath.map { try ALSAConfigOverlay(String(contentsOfFile: $0, encoding: .utf8)) }
        let sampleRate = config.sampleRate
        self.openAudio = openAudio ?? { line, onEvent in
            CallAudio(loop: try AudioLoop(captureDevice: line.captureDevice, playbackDevice: line.playbackDevice,
                                          format: AudioFormat(sampleRate: sampleRate), config: overlay,
                                          onEvent: onEvent),
                      pacing: LivePacing(rate: sampleRate))
        }
        publisher.read { [weak self] in self?.status().summary }
    }

    /// The unit's live status: every line, the queue, the process.
    public func status() -> UnitStatus {
        let startedAt = running.withLock { $0.startedAt }
        let recognizerState: String
        switch recognizer?.status {
        case nil: recognizerState = "off"
        case .starting?: recognizerState = "starting"
        case .ready?: recognizerState = "ready"
        case .restarting?: recognizerState = "restarting"
        case .unavailable?: recognizerState = "unavailable"
        }
        return UnitStatus(pid: getpid(), uptimeSeconds: startedAt.map { Int(MonotonicClock.seconds() - $0) } ?? 0,
                          database: config.databasePath, lines: lineStatus.map(Self.counted), waiting: callQueue.count,
                          storeQueueDepth: writer.status.pendingCount, recognizer: recognizerState)
    }

    /// A line's status with the seconds left until its missing board's next attempt, counted now.
    private static func counted(_ cell: LineStatusCell) -> LineStatus {
        var line = cell.current
        if let due = line.board.retryAtMs {
            line.board.retryInSeconds = Int(max(0, (due - LineRunner.nowMs() + 999) / 1000))
        }
        return line
    }

    /// Closes interrupted calls, renders missing prompts and brings the service group up; returns once every line is
    /// up or known missing (a missing board is retried in the background) and the control socket listens.
    /// With `speechInBackground` the lines start at once (DTMF only) and each gets its keyword spotter when its
    /// model has loaded (about a second per line), so READY does not wait for the speech models.
    /// With `controlSocket` false no control socket is opened (a harness that runs several units at once).
    /// `extraServices` join the group (e.g. the billing sync) and stop with it.
    public func start(speechInBackground: Bool = false, controlSocket: Bool = true, extraServices: [any Service] = []) async throws {
        // Past a file-size limit write() must fail with EFBIG (the store holds its events and the line fails safe);
        // the default SIGXFSZ would kill the unit mid-call.
        signal(SIGXFSZ, SIG_IGN)
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        for call in try CallerHistory.closeInterruptedCalls(store: store, nowMs: nowMs) {
            transcript("unit: call \(call.id) (line \(call.line), caller \(call.callerID ?? "withheld")) was interrupted by a restart: logged as failed")
            _ = writer.enqueue(callID: call.id, frameTime: 0, type: EventType.callEnded,
                               payload: CallEventEncoder.json(["reason": "interrupted: the unit stopped during the call", "outcome": "failed"]))
        }
        for warning in Self.keywordWarnings(config) {
            transcript(warning)
            FileHandle.standardError.write(Data("warmline run: \(TerminalText.escaped(warning))\n".utf8))
        }
        try await flows.renderAll()
        let whisperFallback = await renderWhisperFallback()
        startRecognizer()
        let zone = loadZone()
        running.withLock {
            $0.zone = zone
            $0.whisperFallback = whisperFallback
            $0.speechInBackground = speechInBackground
            $0.startedAt = MonotonicClock.seconds()
        }
        let gate = StartupGate(parts: config.lines.count + (controlSocket ? 1 : 0))
        var services: [any Service] = [EventWriterService(writer: writer)]
        if let recognizer { services.append(RecognizerService(recognizer: recognizer)) }
        for (index, line) in config.lines.enumerated() {
            services.append(LineService(line: line, unit: self, status: lineStatus[index], started: gate.part(index)))
        }
        services += extraServices
        if controlSocket {
            let server = ControlServer(path: config.controlSocketPath) { [weak self] request in
                guard let self else { return ControlResponse(ok: false, error: "the service is stopping") }
                switch request.command {
                case .ping: return ControlResponse(ok: true)
                case .status: return ControlResponse(ok: true, status: status())
                }
            }
            services.append(ControlService(server: server, transcript: transcript, started: gate.part(config.lines.count)))
        }
        var logger = Logger(label: "warmline.services")
        logger.logLevel = .warning
        // Each service returns only once the group shuts down; one that returns early (or throws) shuts the group down.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                                                                                    failureTerminationBehavior: .gracefullyShutdownGroup) },
            logger: logger))
        let transcript = transcript
        let run = Task {
            do { try await group.run() } catch { transcript("unit: service group ended: \(error)") }
        }
        running.withLock {
            $0.group = group
            $0.groupRun = run
        }
        let retention = CallerDataRetention(store: store, retentionDays: config.retentionDays)
        running.withLock { $0.purgeTimer = retention.schedule(transcript: transcript) }
        await gate.wait()
        publisher.changed()
    }

    /// Brings one line up over its connected link (called by its `LineService`): claims the line, starts its thread.
    func bringUp(_ line: LineConfig, link: BoardLink, info: BoardInfo, status: LineStatusCell, afterMissing: Bool) async -> LineRunner {
        link.setHeartbeatTimer(enabled: true)  // until the line's thread starts, or the watchdog drops the line
        transcript("L\(line.number)           board \(line.serialDevice): \(info)" + (afterMissing ? " (the board is back: line coming up)" : ""))
        status.update {
            $0.board.state = .connected
            $0.board.firmwareVersion = info.firmwareVersion
            $0.board.protocolVersion = info.protocolVersion
            $0.board.problem = nil
            $0.board.retryInSeconds = nil
            $0.board.retryAtMs = nil
            $0.relay = info.bypassEngaged ? .bypass : .claimed
        }
        do {
            try await link.setBypass(false)
        } catch {
            transcript("L\(line.number)           board refused to give the line to Warmline (it stays in bypass): \(error)")
        }
        var callConfig = config.call
        callConfig.framesPerSecond = config.sampleRate
        let (zone, inBackground, whisperFallback) = running.withLock { ($0.zone, $0.speechInBackground, $0.whisperFallback) }
        var settings = LineRunner.Settings(lineNumber: line.number, call: callConfig, tonePlan: config.resolvedTonePlan,
                                           whisperCacheDirectory: config.promptCacheDirectory + "/whisper")
        settings.answerAfterRings = line.answerAfterRings
        settings.zone = zone
        settings.whisperFallback = whisperFallback
        settings.whisperTools = whisperTools
        let runner = makeLine(line, settings: settings, link: link, status: status, withSpotter: !inBackground)
        running.withLock { $0.lines[line.number] = runner }
        runner.start()
        if inBackground {
            let transcript = transcript
            spotterLoader.async { [self] in
                guard let spotter = makeSpotter(line: line.number) else { return }
                runner.attachSpotter(spotter)
                transcript("L\(line.number)           keyword spotting on (model loaded)")
            }
        }
        return runner
    }

    /// The fallback whisper, rendered at start (nil samples: an agent whose whisper is late hears nothing, and the
    /// transcript says so once now).
    private func renderWhisperFallback() async -> [Int16] {
        var settings = PromptRenderSettings()
        settings.sampleRate = config.sampleRate
        let renderer = PromptRenderer(cacheDirectory: config.promptCacheDirectory + "/whisper", settings: settings)
        do {
            return try await LineRunner.whisperClip(LineRunner.whisperFallbackText, id: "whisper-fallback", language: "en", renderer: renderer)
        } catch {
            transcript("unit: WARNING: the fallback whisper could not be rendered (\(error)): an agent whose whisper is late hears nothing")
            return []
        }
    }

    /// Reloads menu and prompts for the next calls; on error the old flow stays and the error is thrown.
    public func reload() async throws {
        try flows.reload()
        try await flows.renderAll()
    }

    /// Shuts the service group down gracefully and suspends until it has: the control socket closes, each line ends
    /// its call ("unit shutting down") and goes to bypass, the recogniser stops, the log is flushed and closed.
    /// Never blocks a thread of the concurrency pool. Without `start()` it flushes and closes the log.
    public func stop() async {
        let (group, run, timer, first) = running.withLock { state in
            defer { state.stopped = true }
            return (state.group, state.groupRun, state.purgeTimer, !state.stopped)
        }
        timer?.cancel()
        if let group {
            // Every line ends its call and releases its relay at once: the group then stops the line services one by
            // one (reverse order), each finding its thread already ending (16 lines one after another overran 5 s).
            for line in lines { line.requestStop() }
            await group.triggerGracefulShutdown()
            await run?.value
        } else if first {
            let writer = writer
            let recognizer = recognizer
            await onOwnThread("warmline-shutdown") {
                recognizer?.stop()
                _ = writer.flush(timeoutMs: 5_000)
                writer.close()
            }
        }
    }

    /// Prints one transcript line for line `number`.
    func say(line number: Int, _ text: String) { transcript("L\(number)           \(text)") }

    /// The runner of one line over its connected link, with its keyword spotter unless that loads later.
    private func makeLine(_ line: LineConfig, settings: LineRunner.Settings, link: BoardLink, status: LineStatusCell,
                          withSpotter: Bool) -> LineRunner {
        let opener = openAudio
        return LineRunner(settings: settings, link: link, store: store, writer: writer, flows: flows,
                          spotter: withSpotter ? makeSpotter(line: line.number) : nil,
                          callQueue: callQueue, recognizer: recognizer, openAudio: { try opener(line, $0) },
                          status: status, transcript: transcript)
    }

    /// The configured zone's rules; unreadable rules leave the lines on UTC (calls still served) and say so.
    private func loadZone() -> TimeZoneRules {
        do {
            return try ZoneInfo.load(config.timeZone)
        } catch {
            transcript("unit: \(error): wall times and day-pass expiry are read in UTC until this is fixed")
            return .fixed(offsetSeconds: 0, name: "UTC")
        }
    }

    /// Starts the shared recogniser worker (it loads in the background; until it is ready, and whenever it is not, the
    /// lines decide on PocketSphinx alone) and says in the transcript when it is ready or why it is not.
    private func startRecognizer() {
        guard config.speechEnabled, config.recognizer.enabled else {
            transcript("unit: recogniser off in the config: spoken requests are decided by PocketSphinx alone")
            return
        }
        let settings = config.recognizer
        let model = settings.modelDirectory.map { RecognizerModel(directory: $0, library: settings.library) }
            ?? RecognizerModel(directory: RecognizerModel.locate().directory, library: settings.library)
        var configuration = Recognizer.Configuration(model: model, workerPath: settings.workerPath ?? Recognizer.defaultWorkerPath())
        configuration.maxResidentMB = settings.maxResidentMB
        configuration.maxCPUPercent = settings.maxCPUPercent
        // the English matcher's verify phrasings: the worker scores them when a transcript is no request
        let keywords = "\(config.promptsDirectory)/en/keywords.yaml"
        if FileManager.default.fileExists(atPath: keywords) { configuration.keywordsFile = keywords }
        let recognizer = Recognizer(configuration: configuration)
        running.withLock { $0.recognizer = recognizer }
        let transcript = transcript
        Thread.detachNewThread {
            let status = recognizer.waitUntilSettled(timeoutMs: recognizer.configuration.startTimeoutMs)
            switch status {
            case .ready(let loadMs):
                transcript("unit: recogniser ready (Moonshine base-en, loaded in \(loadMs) ms): spoken requests are confirmed by transcript")
            default:
                transcript("unit: recogniser \(status): spoken requests are decided by PocketSphinx alone")
            }
        }
    }

    /// The spotter of the first enabled language that has a keyword model (it listens while the caller is in that
    /// language); nil with speech off or no model in any language.
    /// One loud line per language whose keywords.yaml is there but malformed: spoken distress goes unheard on it.
    static func keywordWarnings(_ config: UnitConfig) -> [String] {
        guard config.speechEnabled else { return [] }
        return config.languages.compactMap { language in
            let status = SpeechStatus.check(keywordsFile: "\(config.promptsDirectory)/\(language)/keywords.yaml", language: language).status
            guard case .broken(_, let reason) = status else { return nil }
            return "unit: WARNING: \(reason): spoken distress detection is OFF for '\(language)' callers until the file is fixed "
                + "(`warmline speech check`); keys still work"
        }
    }

    private func makeSpotter(line: Int) -> sending KeywordSpotter? {
        guard config.speechEnabled else { return nil }
        var reasons: [String] = []
        for language in config.languages {
            let file = "\(config.promptsDirectory)/\(language)/keywords.yaml"
            do {
                let list = try KeywordList.load(file: file)
                guard list.model != nil else {
                    reasons.append("\(language): \(list.noModelReason ?? "no model")")
                    continue
                }
                return try KeywordSpotter(keywords: list, recognizer: list.matcher == nil ? nil : recognizer)
            } catch {
                reasons.append("\(language): \(error)")
            }
        }
        transcript("L\(line)           keyword spotting off (DTMF only): \(reasons.joined(separator: "; "))")
        return nil
    }
}

/// Sends the unit's one-line summary each time it changes (systemd's STATUS=): a line thread that changes something
/// only queues a look at it, so the audio loop never waits for the summary or the notify socket.
final class StatusPublisher: Sendable {
    private struct State {
        var last: String?
        var summary: (@Sendable () -> String?)?
    }
    private let state = Mutex(State())
    private let send: (@Sendable (String) -> Void)?
    /// Serial: summaries go out in the order the changes happened.
    private let queue = DispatchQueue(label: "warmline.status")

    init(changed: (@Sendable (String) -> Void)?) { send = changed }

    /// How the summary is read (set once the unit exists).
    func read(_ summary: @escaping @Sendable () -> String?) { state.withLock { $0.summary = summary } }

    /// Something changed: the summary is read on the publisher's queue and sent when it reads differently from the last.
    func changed() {
        guard let send else { return }
        queue.async { [self] in
            let summary = state.withLock { $0.summary }
            guard let text = summary?() else { return }
            let isNew = state.withLock { state in
                guard state.last != text else { return false }
                state.last = text
                return true
            }
            if isNew { send(text) }
        }
    }

    /// Waits until every change queued so far has been looked at (tests).
    func drain() { queue.sync {} }
}
