/// The state machine of one call: events stamped in audio frames in, actions out. Pure and deterministic.
///
/// Feed it `start(atFrame:)` once the line is answered, then `handle(_:atFrame:)` for every event and
/// `advance(toFrame:)` at least once per audio period so timeouts fire on audio time. Frames never go back.
public struct CallEngine: Sendable {
    /// The flow and prompts the call runs on.
    public let bundle: FlowBundle
    /// Timeouts, hand-off targets, day pass policy, distress weights.
    public let config: CallConfig
    /// What the unit knew about the caller at answer time.
    public let context: CallContext
    /// The caller's language (the default until they choose).
    public internal(set) var language: String
    /// How the call ended, or `.inProgress`.
    public internal(set) var outcome: CallOutcome = .inProgress
    /// Frame the hand-off started at, if it did.
    public internal(set) var handoffStartedAtFrame: Int?
    /// Frame the caller reached a person (transfer completed) or was offered a callback.
    public internal(set) var personOrCallbackAtFrame: Int?

    var scorer: DistressScorer
    var now = 0
    var startFrame = 0
    var mode: Mode = .notStarted
    var nextPlaybackID = 1
    var playing: Playing?
    var queue: [(id: String, language: String)] = []
    var speechStartFrame: Int?
    var digitBuffer = ""
    var inputDeadline: Int?
    var interDigitDeadline: Int?
    var stepDeadline: Int?
    var failures = 0
    var timeouts = 0
    var urgent = false
    var handoffReason = ""
    var grantedPass: DayPassGrant?
    var out: [CallAction] = []

    /// A prompt (or whisper) being played.
    struct Playing: Sendable {
        var playbackID: Int
        var startedAt: Int
        var isWhisper: Bool
    }

    /// Where the call is.
    enum Mode: Sendable, Equatable {
        case notStarted
        case language
        case menu(String)
        case announce(then: After)
        case dayPassConfirm(key: String, failOpen: Bool, reason: String, next: String)
        case handoff(HandoffStep)
        case callbackOffer
        case closing
        case ended
    }

    /// What follows an announcement.
    enum After: Sendable, Equatable {
        case node(String, long: Bool)
        case handoff(String)
        case grantReadback(next: String)
    }

    /// Where the warm hand-off is.
    enum HandoffStep: Sendable, Equatable {
        case announcing
        case waitingDialTone(target: Int)
        case ringing(target: Int, ringbackHeard: Bool)
        case whispering(target: Int)
        case returning(nextTarget: Int, flashing: Bool)
    }

    /// A call engine for one call; nothing happens until `start(atFrame:)`.
    public init(bundle: FlowBundle, config: CallConfig, context: CallContext) {
        self.bundle = bundle
        self.config = config
        self.context = context
        language = bundle.enabledLanguages.first ?? "en"
        scorer = DistressScorer(config: config.distress, framesPerSecond: config.framesPerSecond)
    }

    /// True once the call is over; later events are ignored.
    public var isEnded: Bool { mode == .ended }
    /// Current distress score.
    public var distressScore: Double { scorer.score }
    /// Every distress signal that fired, in order.
    public var distressFirings: [DistressFiring] { scorer.firings }
    /// True when the call is (or was) handed off as urgent: the unit should serve it before others.
    public var isUrgent: Bool { urgent }

    /// The call is answered: greet, or go straight to a person if the call-start signals already say distress.
    public mutating func start(atFrame frame: Int) -> [CallAction] {
        guard mode == .notStarted else { return [] }
        now = frame
        startFrame = frame
        log(.callStarted, ["call_id": context.callID, "caller_id": context.callerID ?? "unknown",
                           "balance": context.balance.logValue,
                           "languages": bundle.enabledLanguages.joined(separator: ","),
                           "local_time": SpokenFormat.dateTime(context.startedAt, language: "")])
        record(scorer.observeCallStart(context))
        if mode == .notStarted { startLanguageChoice() }
        return flush()
    }

    /// Fire every timeout due up to `frame` (call once per audio period at least).
    public mutating func advance(toFrame frame: Int) -> [CallAction] {
        runDeadlines(upTo: frame)
        return flush()
    }

    /// One event at its audio frame; timeouts due before it fire first.
    public mutating func handle(_ input: CallInput, atFrame frame: Int) -> [CallAction] {
        runDeadlines(upTo: frame)
        guard mode != .ended, mode != .notStarted else { return flush() }
        if isOnConsultLeg, input.isCallerAudio, input != .speechStarted {
            // after the flash the line carries the agent's side: their voice and keys are not the caller's
            return flush()
        }
        switch input {
        case .board(let event): board(event)
        case .tone(let tone): toneHeard(tone)
        case .digit(let digit): digitPressed(digit)
        case .keyword(let hit): keywordHeard(hit)
        case .voice(let features): record(scorer.observeVoice(features, atFrame: now))
        case .speechStarted: speechStarted()
        case .speechStopped: speechStartFrame = nil
        case .promptFinished(let playbackID):
            if playing?.playbackID == playbackID { playbackEnded() }
        }
        return flush()
    }

    /// True while the caller is on hold and the audio is the consultation leg to an agent.
    var isOnConsultLeg: Bool {
        switch mode {
        case .handoff(.waitingDialTone), .handoff(.ringing), .handoff(.whispering): true
        default: false
        }
    }

    /// The earliest frame at which a timeout is due, so a unit may sleep until then.
    public var nextDeadlineFrame: Int? {
        guard mode != .ended, mode != .notStarted else { return nil }
        return deadlines().map(\.frame).min()
    }

    // MARK: - Time

    enum Deadline: Sendable { case prompt, bargeIn, input, interDigit, step, personBound }

    func deadlines() -> [(frame: Int, kind: Deadline)] {
        var due: [(frame: Int, kind: Deadline)] = []
        if let playing {
            let cap = playing.isWhisper ? config.handoff.whisperMaxMs : config.maxPromptMs
            due.append((playing.startedAt + config.frames(ms: cap), .prompt))
            if let speech = speechStartFrame, !playing.isWhisper {
                due.append((speech + config.frames(ms: config.speechBargeInMs), .bargeIn))
            }
        }
        if let inputDeadline { due.append((inputDeadline, .input)) }
        if let interDigitDeadline { due.append((interDigitDeadline, .interDigit)) }
        if let stepDeadline { due.append((stepDeadline, .step)) }
        if handoffStartedAtFrame == nil, mode != .closing {
            due.append((startFrame + config.frames(ms: config.personBoundMs), .personBound))
        }
        return due
    }

    mutating func runDeadlines(upTo frame: Int) {
        while mode != .ended, mode != .notStarted,
              let next = deadlines().min(by: { $0.frame < $1.frame }), next.frame <= frame {
            now = max(now, next.frame)
            fire(next.kind)
        }
        now = max(now, frame)
    }

    mutating func fire(_ deadline: Deadline) {
        switch deadline {
        case .prompt:
            playbackEnded()
        case .bargeIn:
            log(.bargeIn, ["by": "speech", "speech_ms": "\(config.speechBargeInMs)"])
            speechStartFrame = nil
            stopPlayback()
            playbackEnded()
        case .input:
            inputDeadline = nil
            inputTimedOut()
        case .interDigit:
            interDigitDeadline = nil
            menuDigitsComplete()
        case .step:
            stepDeadline = nil
            handoffStepTimedOut()
        case .personBound:
            startHandoff(reason: "no person reached after \(config.personBoundMs / 1000) s of call time",
                         urgent: false)
        }
    }

    // MARK: - Playback

    mutating func play(_ ids: [String]) {
        queue += ids.map { (id: $0, language: language) }
        if playing == nil { playNext() }
    }

    mutating func playNext() {
        guard !queue.isEmpty else { return }
        let next = queue.removeFirst()
        let id = nextPlaybackID
        nextPlaybackID += 1
        playing = Playing(playbackID: id, startedAt: now, isWhisper: false)
        out.append(.playPrompt(PromptRequest(playbackID: id, promptID: next.id, language: next.language,
                                             placeholders: placeholders(for: next.id, language: next.language))))
    }

    /// Stops whatever plays and drops the queue; true when something was playing.
    @discardableResult
    mutating func stopPlayback() -> Bool {
        queue.removeAll()
        speechStartFrame = nil
        guard playing != nil else { return false }
        playing = nil
        out.append(.stopPrompt)
        return true
    }

    mutating func playbackEnded() {
        let wasWhisper = playing?.isWhisper ?? false
        playing = nil
        speechStartFrame = nil
        if wasWhisper {
            whisperDone()
        } else if queue.isEmpty {
            promptsDone()
        } else {
            playNext()
        }
    }

    func placeholders(for id: String, language: String) -> [String: String] {
        guard let text = bundle.catalogs[language]?.texts[id] else { return [:] }
        var values: [String: String] = [:]
        for name in PromptCatalog.placeholders(in: text) {
            switch name {
            case "emergency_number": values[name] = config.emergencyNumber
            case "balance": values[name] = context.balance.minorUnits.map { SpokenFormat.amount(minorUnits: $0, language: language) }
            case "expires_at": values[name] = grantedPass.map { SpokenFormat.dateTime($0.expiresAt, language: language) }
            case "days": values[name] = "\(config.dayPass.cooldownDays)"
            case "minutes": values[name] = "\(config.callbackWithinMinutes)"
            default: break
            }
        }
        return values
    }

    // MARK: - Helpers

    /// Unit wall time now (call start plus audio time since).
    var wallNow: WallTime {
        context.startedAt.adding(seconds: Int64((now - startFrame) / max(1, config.framesPerSecond)))
    }

    mutating func log(_ type: CallLogEventType, _ payload: [String: String] = [:]) {
        out.append(.log(CallLogEvent(frame: now, type: type, payload: payload)))
    }

    mutating func flush() -> [CallAction] {
        ensureProgress()
        defer { out.removeAll() }
        return out
    }

    /// Never stuck: a live call with nothing playing and nothing to wait for moves on as if its prompts ended.
    mutating func ensureProgress() {
        var guardCount = 0
        while mode != .ended, mode != .notStarted, playing == nil, queue.isEmpty, inputDeadline == nil,
              interDigitDeadline == nil, stepDeadline == nil, guardCount < 8 {
            guardCount += 1
            promptsDone()
        }
    }

    /// Ends the call from any state.
    mutating func end(_ outcome: CallOutcome, reason: String, hangUp: Bool) {
        stopPlayback()
        if hangUp { out.append(.hangUp) }
        inputDeadline = nil
        interDigitDeadline = nil
        stepDeadline = nil
        self.outcome = outcome
        mode = .ended
        log(.callEnded, ["reason": reason, "outcome": outcome.logValue])
    }
}

extension CallInput {
    /// Inputs the DSP and speech spotter derive from the line audio.
    var isCallerAudio: Bool {
        switch self {
        case .digit, .speechStarted, .speechStopped, .keyword, .voice: true
        case .tone, .promptFinished, .board: false
        }
    }
}

/// How a call ended.
public enum CallOutcome: Sendable, Equatable {
    /// Still going.
    case inProgress
    /// The caller reached a person (transfer completed to this target).
    case transferred(target: String)
    /// Every target failed; a callback was recorded.
    case callbackRecorded
    /// The caller hung up (or the line dropped).
    case callerHungUp
    /// The caller chose to end the call from the menu.
    case callerChoseHangup

    /// Short name for logs.
    public var logValue: String {
        switch self {
        case .inProgress: "in_progress"
        case .transferred: "transferred"
        case .callbackRecorded: "callback_recorded"
        case .callerHungUp: "caller_hung_up"
        case .callerChoseHangup: "caller_chose_hangup"
        }
    }
}
