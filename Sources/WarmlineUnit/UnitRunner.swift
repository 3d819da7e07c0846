import Foundation
import Synchronization
import WarmlineAudio
import WarmlineBoard
import WarmlineCore
import WarmlineSpeech
import WarmlineStore
import WarmlineText

/// The whole unit: every configured line at once, one call per line, one store shared by all.
///
/// `start()` closes calls a killed run left open, loads the flow, connects each board and starts the lines;
/// `reload()` swaps menu and prompts between calls (a bad reload is refused and the old flow kept);
/// `stop()` ends calls in progress, releases every line to bypass and flushes the log.
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
    /// The running lines, in config order.
    public var lines: [LineRunner] { running.withLock { $0.lines } }
    /// The queue for a person that every line's waiting caller is ranked in.
    public let callQueue = SharedCallQueue()
    private let transcript: @Sendable (String) -> Void
    private let openAudio: AudioOpener
    /// The second pass all lines share (nil: speech or the recogniser is off in the config).
    public var recognizer: Recognizer? { running.withLock { $0.recognizer } }
    /// What `start()` brings up and `stop()` takes down.
    private struct Running {
        var lines: [LineRunner] = []
        var links: [BoardLink] = []
        var recognizer: Recognizer?
        /// The caller-data purge: at start, then every 24 h.
        var purgeTimer: DispatchSourceTimer?
    }
    private let running = Mutex(Running())

    /// Opens the store and loads the flow; nothing touches the board until `start()`.
    public init(config: UnitConfig, openAudio: AudioOpener? = nil, transcript: @escaping @Sendable (String) -> Void) throws {
        self.config = config
        // caller IDs and names reach the journal through here: control characters are shown escaped, never raw
        self.transcript = { transcript(TerminalText.escaped($0)) }
        store = try StoreDatabase(path: config.databasePath)
        writer = EventWriter(path: config.databasePath)
        flows = try FlowSource(promptsDirectory: config.promptsDirectory, cacheDirectory: config.promptCacheDirectory,
                               languages: config.languages)
        let overlay = try config.alsaConfigPath.map { try ALSAConfigOverlay(String(contentsOfFile: $0, encoding: .utf8)) }
        let sampleRate = config.sampleRate
        self.openAudio = openAudio ?? { line, onEvent in
            CallAudio(loop: try AudioLoop(captureDevice: line.captureDevice, playbackDevice: line.playbackDevice,
                                          format: AudioFormat(sampleRate: sampleRate), config: overlay,
                                          onEvent: onEvent))
        }
    }

    /// Closes interrupted calls, renders missing prompts, connects every board and starts every line.
    /// With `speechInBackground` the lines start at once (DTMF only) and each gets its keyword spotter when its
    /// model has loaded (about a second per line), so READY does not wait for the speech models.
    public func start(speechInBackground: Bool = false) async throws {
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
        try flows.renderAll()
        startRecognizer()
        var callConfig = config.call
        callConfig.framesPerSecond = config.sampleRate
        let zone = loadZone()
        for line in config.lines {
            let link = BoardLink(config: line.boardConfig)
            let info = try await link.connect()
            link.setHeartbeatTimer(enabled: true)  // until the line's thread starts, or the watchdog drops the line
            transcript("L\(line.number)           board \(line.serialDevice): \(info)")
            do {
                try await link.setBypass(false)
            } catch {
                transcript("L\(line.number)           board refused to give the line to Warmline (it stays in bypass): \(error)")
            }
            var settings = LineRunner.Settings(lineNumber: line.number, call: callConfig, tonePlan: config.resolvedTonePlan,
                                               whisperCacheDirectory: config.promptCacheDirectory + "/whisper")
            settings.answerAfterRings = line.answerAfterRings
            settings.zone = zone
            let runner = makeLine(line, settings: settings, link: link, withSpotter: !speechInBackground)
            running.withLock {
                $0.links.append(link)
                $0.lines.append(runner)
            }
        }
        let lines = lines
        for line in lines { line.start() }
        let retention = CallerDataRetention(store: store, retentionDays: config.retentionDays)
        let transcript = transcript
        running.withLock { $0.purgeTimer = retention.schedule(transcript: transcript) }
        if speechInBackground {
            Thread.detachNewThread { [self] in
                for line in lines {
                    guard let spotter = makeSpotter(line: line.settings.lineNumber) else { continue }
                    line.attachSpotter(spotter)
                    transcript("L\(line.settings.lineNumber)           keyword spotting on (model loaded)")
                }
            }
        }
    }

    /// Reloads menu and prompts for the next calls; on error the old flow stays and the error is thrown.
    public func reload() throws {
        try flows.reload()
        try flows.renderAll()
    }

    /// Ends calls in progress, releases every line to bypass, flushes the log and closes the links; blocks until done.
    public func stop() {
        let (lines, links, recognizer) = running.withLock {
            $0.purgeTimer?.cancel()
            return ($0.lines, $0.links, $0.recognizer)
        }
        for line in lines { line.requestStop() }
        for line in lines { line.waitUntilStopped() }
        recognizer?.stop()
        _ = writer.flush(timeoutMs: 5_000)
        writer.close()
        for link in links { link.close() }
    }

    /// `stop()` for async code: its waits (each line's thread, the recogniser, the log flush) run on a thread of their
    /// own while the calling task is suspended, so no thread of the concurrency pool is held.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                stop()
                continuation.resume()
            }
            thread.name = "warmline-shutdown"
            thread.start()
        }
    }

    /// The runner of one line over its connected link, with its keyword spotter unless that loads later.
    private func makeLine(_ line: LineConfig, settings: LineRunner.Settings, link: BoardLink, withSpotter: Bool) -> LineRunner {
        let opener = openAudio
        return LineRunner(settings: settings, link: link, store: store, writer: writer, flows: flows,
                          spotter: withSpotter ? makeSpotter(line: line.number) : nil,
                          callQueue: callQueue, recognizer: recognizer, openAudio: { try opener(line, $0) },
                          transcript: transcript)
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

