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
    /// The caller's language (caller ID guess or the default until they choose).
    public internal(set) var language: String
    /// How the call ended, or `.inProgress`.
    public internal(set) var outcome: CallEnding = .inProgress
    /// Frame the hand-off started at, if it did.
    public internal(set) var handoffStartedAtFrame: Int?
    /// Frame the caller reached a person (transfer completed or bypass relay) or had a callback recorded.
    public internal(set) var personOrCallbackAtFrame: Int?
    /// Frame a person took the call (the transfer completed); a callback or the bypass relay is not a person reached.
    public internal(set) var personReachedAtFrame: Int?
    /// Frame the safety sentence was first heard in full, if it was.
    public internal(set) var safetyHeardAtFrame: Int?

    var scorer: DistressScorer
    var now = 0
    var startFrame = 0
    var mode: Mode = .notStarted
    var nextPlaybackID = 1
    var playing: Playing?
    var paused: Paused?
    var queue: [QueuedPrompt] = []
    var speechStartFrame: Int?
    var digitBuffer = ""
    var inputDeadline: Int?
    var interDigitDeadline: Int?
    var stepDeadline: Int?
    var failures = 0
    var timeouts = 0
    var urgent = false
    var handoffReason = ""
    /// Why the hand-off started (the latest, most urgent reason), if it did.
    public internal(set) var handoffKind: HandoffReason?
    /// The whisper's opening for an urgent hand-off that is not the distress score (a silent caller).
    var urgentLead: String?
    var grantedPass: DayPassGrant?
    /// A provisional (fail-open) pass was granted in this call: an urgent hand-off follows even if the ledger refuses it.
    var provisionalGranted = false
    var passConfirmed = false
    var passOfferedAtStart = false
    var out: [CallAction] = []
    /// Safety prompts heard in full, as "language/id".
    var heardSafety: Set<String> = []
    // The silent caller: speech of barge-in length, keys, the "press 5 twice" prompt and the keys themselves.
    var callerSpoke = false
    var keysPressed = 0
    var speechSince: Int?
    var silentPromptPlayed = false
    var silentEntry = ""
    var silentEntryDeadline: Int?
    // The priority queue.
    var queueEnteredFrame: Int?
    var queuePosition = 1
    var announcements = 0
    var lastAnnouncedPosition: Int?
    var nextAnnounceFrame: Int?
    var nextRetryFrame: Int?
    var retryDue = false
    var callbackTaken = false

    /// A prompt waiting to play, in a language; `pauses` counts how often caller speech paused it.
    struct QueuedPrompt: Sendable, Equatable {
        var id: String
        var language: String
        var pauses = 0
    }

    /// A prompt (or whisper) being played.
    struct Playing: Sendable {
        var playbackID: Int
        var startedAt: Int
        var isWhisper: Bool
        var item: QueuedPrompt
    }

    /// A prompt caller speech paused: it restarts once they stop (or after the longest pause).
    struct Paused: Sendable {
        var item: QueuedPrompt
        var since: Int
        var resumeAt: Int?
    }

    /// Where the call is.
    enum Mode: Sendable, Equatable {
        case notStarted
        case language
        case menu(String)
        case announce(then: After)
        case dayPassConfirm(key: String, failOpen: Bool, reason: String, next: String, declineTo: String)
        case handoff(HandoffStep)
        case queue(QueueStep)
        case closing
        case ended
    }

    /// What follows an announcement.
    enum After: Sendable, Equatable {
        case node(String, long: Bool)
        case handoff(String)
        case grantReadback(next: String)
        case dayPassOffer(next: String, declineTo: String)
    }

    /// Where the warm hand-off is.
    enum HandoffStep: Sendable, Equatable {
        case announcing
        case waitingDialTone(target: Int)
        case ringing(target: Int, ringbackHeard: Bool)
        case whispering(target: Int)
        case returning(nextTarget: Int, flashing: Bool)
    }

    /// Where a queued caller is.
    enum QueueStep: Sendable, Equatable {
        case waiting
        case callbackReadback
        case releasing
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
    /// True while the caller waits in the priority queue (the unit ranks such calls across lines).
    public var isQueued: Bool { if case .queue = mode { true } else { false } }
    /// True while the caller is on hold and the line carries the consultation leg (the network paces the call).
    public var isOnHold: Bool { isOnConsultLeg || isReturning }
    /// Idempotency key of the day pass granted in this call, if one was.
    public var grantedDayPassKey: String? { grantedPass?.idempotencyKey }
    /// True once billing confirmed the pass granted in this call.
    public var dayPassIsConfirmed: Bool { passConfirmed }

    /// The language a caller probably speaks: the longest matching caller ID prefix, else the default.
    var guessedLanguage: (language: String, how: String) {
        let fallback = bundle.enabledLanguages.first ?? language
        guard bundle.enabledLanguages.count > 1, let callerID = context.callerID else { return (fallback, "default") }
        let match = bundle.flow.callerIDLanguages
            .filter { callerID.hasPrefix($0.prefix) && bundle.enabledLanguages.contains($0.language) }
            .max { $0.prefix.count < $1.prefix.count }
        return match.map { ($0.language, "caller ID \($0.prefix)") } ?? (fallback, "default")
    }

    /// The call is answered: the safety sentence first, or straight to a person if the call-start signals say distress.
    public mutating func start(atFrame frame: Int) -> [CallAction] {
        guard mode == .notStarted else { return [] }
        now = frame
        startFrame = frame
        let guess = guessedLanguage
        language = guess.language
        log(.callStarted(.init(callID: context.callID, callerID: context.callerID ?? "unknown", balance: context.balance.logValue,
                               languages: bundle.enabledLanguages.joined(separator: ","), language: "\(language) (\(guess.how))",
                               localTime: SpokenFormat.dateTime(context.startedAt, language: ""))))
        mode = .language  // a live call from here on: a distress hand-off at start may now act
        record(scorer.observeCallStart(context))
        if handoffStartedAtFrame == nil {
            queueSafety()
            startLanguageChoice()
        }
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
        case .speechStopped: speechStopped()
        case .promptFinished(let playbackID):
            if playing?.playbackID == playbackID { playbackEnded() }
        case .queuePosition(let position): queuePositionChanged(position)
        case .dayPassConfirmed(let key):
            if grantedPass?.idempotencyKey == key, !passConfirmed {
                passConfirmed = true
                log(.dayPassConfirmed(.init(key: key)))
            }
        case .dayPassRefusedByLedger(let key, let rule, let reason):
            // the pass was never written: the agent must not hear "day pass granted"
            if grantedPass?.idempotencyKey == key {
                grantedPass = nil
                log(.dayPassRefused(.init(rule: rule, reason: reason, key: key, stage: "ledger")))
            }
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

    /// True while the flash back to the caller is under way.
    var isReturning: Bool {
        if case .handoff(.returning(_, true)) = mode { true } else { false }
    }

    /// The earliest frame at which a timeout is due, so a unit may sleep until then.
    public var nextDeadlineFrame: Int? {
        guard mode != .ended, mode != .notStarted else { return nil }
        return deadlines().map(\.frame).min()
    }

    // MARK: - Time

    enum Deadline: Sendable {
        case prompt, pause, resume, input, interDigit, step, personBound, silentPrompt, silentHandoff, silentKeys
        case queueAnnounce, queueRetry, bypass
    }

    func deadlines() -> [(frame: Int, kind: Deadline)] {
        var due: [(frame: Int, kind: Deadline)] = []
        if let playing {
            let cap = playing.isWhisper ? config.handoff.whisperMaxMs : config.maxPromptMs
            due.append((playing.startedAt + config.frames(ms: cap), .prompt))
            if let speech = speechStartFrame, !playing.isWhisper {
                due.append((speech + config.frames(ms: config.speechBargeInMs), .pause))
            }
        }
        if let paused { due.append((paused.resumeAt ?? paused.since + config.frames(ms: config.maxPauseMs), .resume)) }
        if let inputDeadline { due.append((inputDeadline, .input)) }
        if let interDigitDeadline { due.append((interDigitDeadline, .interDigit)) }
        if let stepDeadline { due.append((stepDeadline, .step)) }
        if let silentEntryDeadline { due.append((silentEntryDeadline, .silentKeys)) }
        if handoffStartedAtFrame == nil, mode != .closing {
            due.append((startFrame + config.frames(ms: config.personBoundMs), .personBound))
            if isSilent {
                due.append((startFrame + config.frames(ms: config.silentHandoffMs), .silentHandoff))
                if !silentPromptPlayed, let heard = safetyHeardAtFrame {
                    // 8 s after the safety sentence, but early enough to be heard before the silent hand-off
                    let latest = startFrame + config.frames(ms: config.silentHandoffMs - 6000)
                    due.append((max(heard, min(heard + config.frames(ms: config.silentPromptMs), latest)), .silentPrompt))
                }
            }
        }
        if mode == .queue(.waiting) {
            if let nextAnnounceFrame { due.append((nextAnnounceFrame, .queueAnnounce)) }
            if let nextRetryFrame { due.append((nextRetryFrame, .queueRetry)) }
        }
        if case .queue(let step) = mode, step != .releasing, let entered = queueEnteredFrame {
            due.append((entered + config.frames(ms: config.queue.bypassAfterMs), .bypass))
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
        case .pause:
            pauseForSpeech()
        case .resume:
            resumePaused()
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
            startHandoff(.timeBound, reason: "caller still in the menu after \(config.personBoundMs / 1000) s, no person reached yet",
                         urgent: false)
        case .silentPrompt:
            silentPromptPlayed = true
            log(.silentCaller(.init(stage: "prompt", silentMs: "\((now - startFrame) * 1000 / max(1, config.framesPerSecond))")))
            // it matters more than the menu now playing: the menu waits, the safety sentence is already heard
            stopPlayback(keepSafety: true)
            queue.insert(QueuedPrompt(id: "silent_prompt", language: language), at: 0)
            if playing == nil, paused == nil { playNext() }
        case .silentHandoff:
            let seconds = config.silentHandoffMs / 1000
            log(.silentCaller(.init(stage: "handoff", silentMs: "\(config.silentHandoffMs)")))
            // a silent open line counts as distress in the log and the reports: someone who cannot speak freely
            log(.distressHandoff(.init(reasons: "silent_open_line=no speech or keys for \(seconds) s", score: formatted(scorer.score),
                                       threshold: formatted(scorer.config.handoffScore))))
            startHandoff(.silent, reason: "silent caller: open line, no speech or keys for \(seconds) s", urgent: true,
                         lead: "silent caller, open line, no speech or keys for \(seconds) s")
        case .silentKeys:
            silentEntryDeadline = nil
            let held = silentEntry
            silentEntry = ""
            for digit in held { routeDigit(digit, stopped: false) }
        case .queueAnnounce:
            if playing != nil || paused != nil {
                nextAnnounceFrame = now + config.frames(ms: 5000)
            } else {
                announceQueue(entering: false)
            }
        case .queueRetry:
            nextRetryFrame = nil
            if playing != nil || paused != nil { retryDue = true } else { retryTargets() }
        case .bypass:
            releaseToBypass(reason: "no person answered in \(config.queue.bypassAfterMs / 1000) s of queue")
        }
    }

    /// No speech of barge-in length and no key since the answer (a keyword counts as speech).
    var isSilent: Bool {
        guard !callerSpoke, keysPressed == 0 else { return false }
        if let since = speechSince, now - since >= config.frames(ms: config.speechBargeInMs) { return false }
        return true
    }

    // MARK: - Playback

    mutating func play(_ ids: [String]) {
        queue += ids.map { QueuedPrompt(id: $0, language: language) }
        if playing == nil, paused == nil { playNext() }
    }

    /// The prompt id for `id` in `language`: its keys-only variant where no keywords are spotted in that language.
    func variant(_ id: String, language: String) -> String {
        guard !config.speechLanguages.contains(language), bundle.catalogs[language]?.texts[id + "_keys"] != nil else { return id }
        return id + "_keys"
    }

    mutating func playNext() {
        guard !queue.isEmpty else { return }
        let next = queue.removeFirst()
        let id = nextPlaybackID
        nextPlaybackID += 1
        playing = Playing(playbackID: id, startedAt: now, isWhisper: false, item: next)
        let promptID = variant(next.id, language: next.language)
        out.append(.playPrompt(PromptRequest(playbackID: id, promptID: promptID, language: next.language,
                                             placeholders: placeholders(for: promptID, language: next.language))))
    }

    func isSafety(_ item: QueuedPrompt, in language: String) -> Bool {
        item.language == language && bundle.flow.safetyPrompts.contains(item.id)
    }

    /// True once every safety prompt was heard in full in `language`.
    func safetyHeard(in language: String) -> Bool {
        bundle.flow.safetyPrompts.allSatisfy { heardSafety.contains("\(language)/\($0)") }
    }

    /// The safety prompts of the caller's language that were not heard and are not pending go first in the queue.
    mutating func queueSafety() {
        let pending = queue + [playing?.item, paused?.item].compactMap { $0 }
        let missing = bundle.flow.safetyPrompts.filter { id in
            !heardSafety.contains("\(language)/\(id)") && !pending.contains { $0.id == id && $0.language == language }
        }
        queue.insert(contentsOf: missing.map { QueuedPrompt(id: $0, language: language) }, at: 0)
        if playing == nil, paused == nil { playNext() }
    }

    /// Stops whatever plays and drops the queue; true when something was stopped.
    /// With `keepSafety` a safety prompt of the caller's language not yet heard in full keeps playing (or stays queued).
    @discardableResult
    mutating func stopPlayback(keepSafety: Bool = false) -> Bool {
        speechStartFrame = nil
        let language = language
        if keepSafety {
            let safety = bundle.flow.safetyPrompts
            queue.removeAll { !($0.language == language && safety.contains($0.id)) }
            if let paused, !isSafety(paused.item, in: language) { self.paused = nil }
            if let playing, isSafety(playing.item, in: language) { return false }
        } else {
            queue.removeAll()
            paused = nil
        }
        guard playing != nil else { return false }
        playing = nil
        out.append(.stopPrompt)
        return true
    }

    /// Caller speech over a prompt: the sentence pauses and restarts when they stop; only a key or a keyword cancels.
    mutating func pauseForSpeech() {
        speechStartFrame = nil
        guard let current = playing, !current.isWhisper, current.item.pauses < config.maxPausesPerPrompt else { return }
        playing = nil
        out.append(.stopPrompt)
        var item = current.item
        item.pauses += 1
        paused = Paused(item: item, since: now, resumeAt: nil)
        log(.bargeIn(.init(by: "speech", speechMs: "\(config.speechBargeInMs)", then: "pause", prompt: item.id)))
    }

    mutating func resumePaused() {
        guard let paused else { return }
        self.paused = nil
        log(.promptResumed(.init(prompt: paused.item.id, pausedMs: "\((now - paused.since) * 1000 / max(1, config.framesPerSecond))")))
        queue.insert(paused.item, at: 0)
        if playing == nil { playNext() }
    }

    mutating func playbackEnded() {
        guard let ended = playing else { return }
        playing = nil
        speechStartFrame = nil
        if ended.isWhisper {
            whisperDone()
            return
        }
        if bundle.flow.safetyPrompts.contains(ended.item.id) {
            let wasHeard = safetyHeard(in: ended.item.language)
            heardSafety.insert("\(ended.item.language)/\(ended.item.id)")
            if !wasHeard, safetyHeard(in: ended.item.language) {
                safetyHeardAtFrame = safetyHeardAtFrame ?? now
                log(.safetyHeard(.init(language: ended.item.language, ms: "\((now - startFrame) * 1000 / max(1, config.framesPerSecond))")))
            }
        }
        if queue.isEmpty {
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
            case "expires_at":
                values[name] = (grantedPass?.expiresAt ?? context.lastDayPassExpiresAt).map { SpokenFormat.dateTime($0, language: language) }
            case "days": values[name] = "\(config.dayPass.cooldownDays)"
            case "minutes": values[name] = "\(config.callbackWithinMinutes)"
            case "position": values[name] = "\(queuePosition)"
            case "wait_minutes": values[name] = "\(estimatedWaitMinutes)"
            case "caller_number": values[name] = context.callerID
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

    mutating func log(_ payload: CallEventPayload) {
        out.append(.log(CallLogEvent(frame: now, payload)))
    }

    mutating func flush() -> [CallAction] {
        ensureProgress()
        defer { out.removeAll() }
        return out
    }

    /// Never stuck: a queued prompt plays, and a live call with nothing playing and nothing to wait for moves on.
    mutating func ensureProgress() {
        if mode != .ended, playing == nil, paused == nil, !queue.isEmpty { playNext() }
        var guardCount = 0
        while mode != .ended, mode != .notStarted, playing == nil, paused == nil, queue.isEmpty, inputDeadline == nil,
              interDigitDeadline == nil, stepDeadline == nil, silentEntryDeadline == nil, mode != .queue(.waiting),
              guardCount < 8 {
            guardCount += 1
            promptsDone()
        }
    }

    /// Ends the call from any state.
    mutating func end(_ outcome: CallEnding, reason: String, hangUp: Bool) {
        stopPlayback()
        if hangUp { out.append(.hangUp) }
        inputDeadline = nil
        interDigitDeadline = nil
        stepDeadline = nil
        silentEntryDeadline = nil
        self.outcome = outcome
        mode = .ended
        log(.callEnded(.init(reason: reason, outcome: outcome.logValue)))
    }
}

extension CallInput {
    /// Inputs the DSP and speech spotter derive from the line audio.
    var isCallerAudio: Bool {
        switch self {
        case .digit, .speechStarted, .speechStopped, .keyword, .voice: true
        case .tone, .promptFinished, .board, .queuePosition, .dayPassConfirmed, .dayPassRefusedByLedger: false
        }
    }
}

/// How the engine ended a call (the store derives the supervisor's `CallOutcome` from it and the unit's faults).
public enum CallEnding: Sendable, Equatable {
    /// Still going.
    case inProgress
    /// The caller reached a person (transfer completed to this target).
    case transferred(target: String)
    /// The caller left after a callback was recorded.
    case callbackRecorded
    /// The caller hung up (or the line dropped).
    case callerHungUp
    /// The caller chose to end the call from the menu.
    case callerChoseHangup
    /// No target answered in time (or none is configured): the line went to the bypass relay, the agent line.
    case releasedToBypass

    /// Short name for logs.
    public var logValue: String {
        switch self {
        case .inProgress: "in_progress"
        case .transferred: "transferred"
        case .callbackRecorded: "callback_recorded"
        case .callerHungUp: "caller_hung_up"
        case .callerChoseHangup: "caller_chose_hangup"
        case .releasedToBypass: "released_to_bypass"
        }
    }
}
