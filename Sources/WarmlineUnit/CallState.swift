import Foundation
import WarmlineAudio
import WarmlineBoard
import WarmlineCore
import WarmlineSpeech
import WarmlineStore

/// One call on a line: the engine, what the line hears, and the engine's actions carried out (on the line's thread).
struct CallState {
    unowned let runner: LineRunner
    let callID: String
    let callerID: String?
    let startedAtMs: Int64
    private var engine: CallEngine?
    private var generation: FlowSource.Generation?
    private var listener: LineListener?
    private var spotterBaseFrame = 0
    /// The spotter this call uses, fixed at the answer (one loaded later serves the next call).
    private var spotter: KeywordSpotterThread?
    private var currency = "USD"
    private var startActions: [CallAction] = []
    private var lastFrame = 0
    private var frameNow = 0
    /// Last clip tag of each playing prompt or whisper: its `finished` event ends the playback.
    private var lastClipOf: [String: Int] = [:]
    private var pendingBoardCommands = 0
    private var fault: String?
    private var grantExpiresAt: WallTime?
    private var hungUp = false
    /// The line was handed to the bypass relay (the agent line): never put on hook by Warmline.
    private(set) var releasedToBypass = false
    /// Unit time the call joined the queue for a person (milliseconds since the epoch), while it waits there.
    private var queuedSinceMs: Int64?
    /// Next call frame at which a pending day pass's billing confirmation is looked up.
    private var nextPassCheckFrame: Int?
    /// The language the line's keyword spotter listens for (nil: no spotter).
    private var spotterLanguage: String?
    private var callbackRecorded = false
    /// Call frames of the hand-off's milestones, for the transcript's timing line.
    private var firstFlashFrame: Int?
    private var firstDialFrame: Int?
    private var agentAnsweredFrame: Int?
    /// Flashes sent: an odd count means the caller is on hold and the board is on the consultation leg.
    private var flashCount = 0
    /// The whisper being rendered for the agent, and the call frame by which its clip must be here (else the fallback).
    private var pendingWhisper: (playbackID: Int, dueFrame: Int)?

    init(runner: LineRunner, callID: String, callerID: String?, startedAtMs: Int64) {
        self.runner = runner
        self.callID = callID
        self.callerID = callerID
        self.startedAtMs = startedAtMs
    }

    /// Looks the caller up, builds the engine and writes the call row.
    mutating func prepare() throws {
        let generation = runner.flowSource.current
        self.generation = generation
        let found = try CallerHistory.context(store: runner.storeDatabase, callID: callID, callerID: callerID,
                                              nowMs: startedAtMs, zone: runner.settings.zone, country: runner.settings.call.dayPass.country)
        currency = found.currency ?? currency
        listener = LineListener(sampleRate: runner.settings.call.framesPerSecond, tonePlan: runner.settings.tonePlan)
        spotter = runner.keywordSpotter
        spotterLanguage = spotter?.language
        // the last caller's open sentence and level stay with their call
        spotter?.startCall()
        spotterBaseFrame = spotter?.submittedFrames ?? 0
        var callConfig = runner.settings.call
        // prompts that invite speech play their keys-only variant wherever no keywords are spotted
        callConfig.speechLanguages = spotterLanguage.map { [$0] } ?? []
        var engine = CallEngine(bundle: generation.bundle, config: callConfig, context: found.context)
        say("answered: caller \(callerID ?? "withheld"), balance \(found.context.balance.logValue)"
            + (found.context.lastDayPassGrantedAt.map { ", last day pass at \($0.secondsSinceEpoch)" } ?? "")
            + ", \(found.context.earlierCallsAt.count) earlier calls this hour"
            + (spotter != nil ? ", keyword spotting on" : ", keyword spotting off"), frame: 0)
        startActions = engine.start(atFrame: 0)
        self.engine = engine
        // Through the event writer: on a full or read-only disk the row is held with the events, not lost.
        if runner.eventWriter.enqueueCall(CallRecord(id: callID, line: runner.settings.lineNumber, callerID: callerID,
                                                     startedAtMs: startedAtMs, answeredAtMs: startedAtMs)) == nil {
            say("the event log's memory bound is full: this call's row could not be queued", frame: 0)
        }
    }

    /// The caller is on hold while the board dials or the agent is whispered to.
    var onHold: Bool { flashCount % 2 == 1 && !hungUp }

    var isOver: Bool { fault != nil || (engine?.isEnded ?? true) }

    /// True while the call waits on the board or the network (a hand-off in progress, a command unacknowledged).
    var waitsOnBoard: Bool {
        guard let engine, !engine.isEnded else { return pendingBoardCommands > 0 }
        return pendingBoardCommands > 0 || engine.isOnHold
    }

    func say(_ text: String, frame: Int, event: String? = nil) { runner.say(text, frame: frame, callID: callID, event: event) }
    func say(_ text: String) { runner.say(text, frame: frameNow, callID: callID) }

    // MARK: - Inputs

    mutating func playbackEvents(_ events: [AudioLoopEvent], player: inout PromptPlayer) {
        if !startActions.isEmpty {
            let actions = startActions
            startActions = []
            perform(actions, player: &player)
        }
        for event in events {
            guard case .prompt(.finished(let tag, _)) = event, let playbackID = lastClipOf.removeValue(forKey: tag) else { continue }
            handle(.promptFinished(playbackID: playbackID), at: frameNow, player: &player)
        }
    }

    mutating func messages(_ messages: [LineMessage], atFrame frame: Int, player: inout PromptPlayer) {
        frameNow = frame
        for message in messages {
            switch message {
            case .board(let event):
                board(event, player: &player)
            case .commandDone(let name, let error, let seconds):
                pendingBoardCommands = max(0, pendingBoardCommands - 1)
                if let error {
                    say("board: \(name) failed after \(Int(seconds * 1000)) ms: \(error)")
                    if name == "OFF_HOOK" {
                        offHookFailed = true
                        endByFault("board did not answer OFF_HOOK: \(error)")
                    }
                } else {
                    say("board: \(name) acknowledged \(Int(seconds * 1000)) ms after it was asked for")
                }
            case .whisperReady(let playbackID, let samples):
                guard pendingWhisper?.playbackID == playbackID else {
                    say("whisper clip came after its wait was over: not played")
                    continue
                }
                pendingWhisper = nil
                if let samples, !samples.isEmpty {
                    let tag = "#\(playbackID)/whisper"
                    lastClipOf[tag] = playbackID
                    player.enqueue([PromptClip(id: tag, samples: samples)])
                } else {
                    playWhisperFallback(playbackID, because: "whisper could not be rendered", atFrame: frame, player: &player)
                }
            case .storeDone(let note):
                say("store: \(note)")
            case .storeFailed(let note):
                say("store: \(note)")
                endByFault(note)
            case .callInput(let input):
                handle(input, at: frame, player: &player)
            }
        }
    }

    private mutating func board(_ event: WarmlineBoard.BoardEvent, player: inout PromptPlayer) {
        switch event {
        case .farEndDisconnect(let cause):
            say("board: caller hung up (\(cause.rawValue))")
            handle(.board(.farEndDisconnect), at: frameNow, player: &player)
        case .flashDone(let ms):
            say("board: flash of \(ms) ms done")
            handle(.board(.flashDone), at: frameNow, player: &player)
        case .dialDone(let digits):
            say("board: dialled \(digits) digits")
        case .callProgress(let progress):
            say("board: call progress \(progress.rawValue)")
            switch progress {
            case .dialTone: handle(.tone(.dialTone), at: frameNow, player: &player)
            case .ringback: handle(.tone(.ringback), at: frameNow, player: &player)
            case .busy: handle(.tone(.busy), at: frameNow, player: &player)
            case .answered:
                if agentAnsweredFrame == nil { agentAnsweredFrame = frameNow }
                handle(.board(.agentAnswered), at: frameNow, player: &player)
            case .unknown: break
            }
        case .boardReset:
            endByFault("board reset: the line went to bypass", releaseLine: false)
        case .bypass(let engaged, let reason) where engaged:
            endByFault("bypass engaged (\(reason.rawValue)): the line went to the agent line", releaseLine: false)
        case .linkLost(let reason):
            // the board's watchdog drops the relay once the heartbeats stop reaching it
            endByFault("board link lost: \(reason)", releaseLine: false)
        default:
            break
        }
    }

    mutating func heard(_ samples: UnsafeBufferPointer<Int16>, atFrame frame: Int, waitForSpeech: Bool, player: inout PromptPlayer) {
        frameNow = frame
        guard var listener else { return }
        var inputs = listener.process(samples)
        self.listener = listener
        if let spotter {
            // the spotter follows the caller's language: in another one its decoder hears no speech at all
            let spotted = engine?.language == spotterLanguage
            spotter.submit(Array(samples), isSpeech: spotted && listener.isSpeaking, keyTone: listener.heardKeyTone, patient: waitForSpeech)
            // A file-fed call waits for the spotter each period: the same hits at the same frames every run.
            if waitForSpeech { spotter.waitUntilIdle { runner.serviceTick() } }
            inputs += spotter.collect().map { LineListener.timed($0, baseFrame: spotterBaseFrame) }
            // one line per transcript: every candidate it turned down, what the caller said and why
            let turnedDown = spotter.collectRejected()
            var groups: [(key: String, frame: Int, phrases: [String], first: SpottedKeyword)] = []
            for turned in turnedDown {
                let key = "\(turned.decidedAtFrame)|\(turned.verdict ?? "")|\(turned.confirmedBy ?? "")"
                if let index = groups.firstIndex(where: { $0.key == key }) {
                    if !groups[index].phrases.contains(turned.hit.phrase) { groups[index].phrases.append(turned.hit.phrase) }
                } else {
                    groups.append((key, turned.decidedAtFrame - spotterBaseFrame, [turned.hit.phrase], turned))
                }
            }
            for group in groups {
                let turned = group.first
                say("second pass: not a request (first-pass candidates " + group.phrases.map { "'\($0)'" }.joined(separator: ", ") + "): "
                    + (turned.verdict ?? "turned down") + (turned.confirmedBy.map { "; caller said: '\($0)'" } ?? ""), frame: group.frame)
                _ = runner.eventWriter.enqueue(callID: callID, frameTime: Int64(max(0, group.frame)), type: EventType.speechKeyword,
                                               payload: CallEventEncoder.json(["phrase": group.phrases.joined(separator: ", "),
                                                                             "class": turned.hit.keywordClass.rawValue,
                                                                             "accepted": "no (\(turned.verdict ?? "second pass"))",                                                                             "transcript": turned.confirmedBy ?? ""]))
            }
        }
        for timed in inputs {
            // On hold the capture is the consultation leg; with the board's answer supervision the caller's own
            // audio (a file line keeps playing it) must not count as the agent's voice.
            if onHold, runner.settings.boardAnswerSupervision, !timed.input.isTone { continue }
            switch timed.input {
            case .digit(let digit): say("heard: key \(digit)" + (timed.note.map { " (\($0))" } ?? ""), frame: timed.frame)
            case .keyword(let hit):
                say("heard: \"\(hit.phrase)\" (\(hit.keywordClass.rawValue), confidence \(String(format: "%.2f", hit.confidence))"
                    + (timed.note.map { ", \($0)" } ?? "") + ")", frame: timed.frame)
            case .voice(let features) where timed.note != nil:
                say("heard: raised voice, \(timed.note ?? "") (\(String(format: "%.1f", features.loudnessDB)) dB)", frame: timed.frame)
            case .tone(let tone): say("heard: \(tone.rawValue) tone", frame: timed.frame)
            default: break
            }
            handle(timed.input, at: timed.frame, player: &player)
        }
    }

    mutating func advance(toFrame frame: Int, player: inout PromptPlayer) {
        guard var engine, !isOver else { return }
        lastFrame = max(lastFrame, frame)
        whisperLate(atFrame: frame, player: &player)
        let actions = engine.advance(toFrame: lastFrame)
        self.engine = engine
        perform(actions, player: &player)
        rankInQueue(player: &player)
        checkPassConfirmation()
    }

    /// The agent is not left in silence by a slow renderer: past the wait (audio time) the short fallback plays instead.
    private mutating func whisperLate(atFrame frame: Int, player: inout PromptPlayer) {
        guard let pending = pendingWhisper, frame >= pending.dueFrame else { return }
        pendingWhisper = nil
        playWhisperFallback(pending.playbackID, because: "whisper not rendered within \(runner.settings.whisperRenderWaitMs) ms of call audio",
                            atFrame: frame, player: &player)
    }

    /// Plays the fallback whisper for `playbackID` (or, without one, ends the whisper so the transfer completes).
    private mutating func playWhisperFallback(_ playbackID: Int, because reason: String, atFrame frame: Int, player: inout PromptPlayer) {
        let fallback = runner.settings.whisperFallback
        guard !fallback.isEmpty else {
            say("\(reason) and no fallback clip: the agent hears nothing")
            handle(.promptFinished(playbackID: playbackID), at: frame, player: &player)
            return
        }
        say("\(reason): the agent hears the fallback \"\(LineRunner.whisperFallbackText)\"")
        let tag = "#\(playbackID)/whisper-fallback"
        lastClipOf[tag] = playbackID
        player.enqueue([PromptClip(id: tag, samples: fallback)])
    }

    /// A queued call takes its place in the unit's queue (across lines) and hears when it moves up.
    private mutating func rankInQueue(player: inout PromptPlayer) {
        guard let engine, !engine.isEnded, engine.isQueued else {
            if queuedSinceMs != nil {
                runner.callQueue.remove(callID: callID)
                queuedSinceMs = nil
            }
            return
        }
        let joined = queuedSinceMs ?? Int64(Date().timeIntervalSince1970 * 1000)
        queuedSinceMs = joined
        let position = runner.callQueue.position(callID: callID, urgent: engine.isUrgent, joinedAtMs: joined)
        handle(.queuePosition(position), at: lastFrame, player: &player)
    }

    /// While a granted pass waits for billing, its confirmation is looked up every 5 s of call time (off the audio path).
    private mutating func checkPassConfirmation() {
        guard let engine, let key = engine.grantedDayPassKey, !engine.dayPassIsConfirmed else { return }
        let rate = runner.settings.call.framesPerSecond
        guard let due = nextPassCheckFrame else {
            nextPassCheckFrame = lastFrame + 5 * rate
            return
        }
        guard lastFrame >= due else { return }
        nextPassCheckFrame = lastFrame + 5 * rate
        runner.dispatchStoreInput { store in
            try store.isDayPassConfirmed(idempotencyKey: key) ? .dayPassConfirmed(key: key) : nil
        }
    }

    private mutating func handle(_ input: CallInput, at frame: Int, player: inout PromptPlayer) {
        guard var engine, !isOver else { return }
        lastFrame = max(lastFrame, frame)
        let actions = engine.handle(input, atFrame: lastFrame)
        self.engine = engine
        perform(actions, player: &player)
    }

    // MARK: - Actions

    private mutating func perform(_ actions: [CallAction], player: inout PromptPlayer) {
        for action in actions {
            switch action {
            case .playPrompt(let request): play(request, player: &player)
            case .stopPrompt:
                if player.isPlaying { say("stop prompt (\(player.queuedIDs.first ?? "?") cut)") }
                player.stop()
                lastClipOf.removeAll()
            case .flash(let ms):
                // the whisper is rendered while the board dials: by the agent's answer it is usually in the cache
                if flashCount == 0, let engine { runner.prepareWhisper(text: engine.whisperPreview, language: "en") }
                flashCount += 1
                if firstFlashFrame == nil { firstFlashFrame = max(frameNow, lastFrame) }
                say(flashCount % 2 == 1 ? "FLASH \(ms) ms (caller on hold, consultation leg)" : "FLASH \(ms) ms (back to the caller)")
                pendingBoardCommands += 1
                runner.dispatchBoard("FLASH", .flash(ms: ms))
            case .dial(let digits):
                say("DIAL \(digits)")
                if firstDialFrame == nil { firstDialFrame = max(frameNow, lastFrame) }
                pendingBoardCommands += 1
                runner.dispatchBoard("DIAL", .dial(digits))
            case .whisper(let playbackID, let text):
                say("whisper to the agent: \"\(text)\"")
                pendingWhisper = (playbackID, max(frameNow, lastFrame) + runner.settings.call.frames(ms: runner.settings.whisperRenderWaitMs))
                runner.renderWhisper(playbackID: playbackID, text: text, language: "en")
            case .completeTransfer:
                say("complete transfer: ON_HOOK, caller and agent stay joined")
                hangUpLine()
            case .hangUp:
                say("hang up")
                hangUpLine()
            case .releaseToBypass:
                say("SET_BYPASS on: the line goes to the agent line; Warmline does not hang up")
                releasedToBypass = true
                hungUp = true
                pendingBoardCommands += 1
                runner.dispatchBypass(true, "SET_BYPASS on")
            case .log(let event):
                log(event)
            case .grantDayPass(let grant):
                grantExpiresAt = grant.expiresAt
                let callID = callID
                let validityMs = (grant.expiresAt.secondsSinceEpoch - grant.grantedAt.secondsSinceEpoch) * 1000
                let policy = runner.settings.call.dayPass
                let limits = DayPassLimits(cooldownMs: Int64(policy.cooldownDays) * 86_400_000, unitMaxPerHour: policy.unitMaxPerHour)
                runner.dispatchStoreWrite { store in
                    do {
                        let result = try store.grantDayPass(idempotencyKey: grant.idempotencyKey, msisdn: grant.callerID, callID: callID,
                                                            grantedAtMs: grant.grantedAt.secondsSinceEpoch * 1000, validityMs: validityMs,
                                                            provisional: grant.failOpen, limits: limits)
                        let kind = grant.failOpen ? "provisional day pass" : "day pass"
                        return (result.created ? "\(kind) #\(result.pass.id ?? 0) written to the ledger and the outbox (key \(grant.idempotencyKey))"
                                               : "day pass key \(grant.idempotencyKey) was already granted: not granted twice", nil)
                    } catch StoreError.dayPassRefused(let rule, let reason) {
                        // another line granted first (same subscriber, or the unit's hourly cap): the engine logs the refusal
                        return ("day pass refused by the ledger (rule \(rule)): \(reason)",
                                .dayPassRefusedByLedger(key: grant.idempotencyKey, rule: rule, reason: reason))
                    }
                }
            case .recordCallback(let request):
                callbackRecorded = true
                let record = CallbackRecord(callID: callID, callerID: request.callerID ?? "unknown",
                                            requestedAtMs: request.requestedAt.secondsSinceEpoch * 1000,
                                            reason: request.summary, language: engine?.language)
                runner.dispatchStore { store in
                    let saved = try store.requestCallback(record)
                    return "callback #\(saved.id ?? 0) recorded for \(record.callerID)"
                }
            }
        }
    }

    private mutating func hangUpLine() {
        guard !hungUp else { return }
        hungUp = true
        runner.dispatchBoard("ON_HOOK", .onHook)
    }

    private mutating func play(_ request: PromptRequest, player: inout PromptPlayer) {
        guard let library = generation?.library else { return }
        let values = spokenValues(request)
        do {
            let text = try library.parts(request.promptID, language: request.language, values: values).map(\.text).joined(separator: " ")
            let clips = try library.clips(request.promptID, language: request.language, values: values)
            say("play \(request.promptID) [\(request.language)]: \"\(text)\"")
            _ = runner.eventWriter.enqueue(callID: callID, frameTime: Int64(frameNow), type: EventType.promptPlayed,
                                           payload: CallEventEncoder.json(["prompt": request.promptID, "language": request.language]))
            guard !clips.isEmpty else {
                handle(.promptFinished(playbackID: request.playbackID), at: frameNow, player: &player)
                return
            }
            let tagged = clips.map { PromptClip(id: "#\(request.playbackID)/\($0.id)", samples: $0.samples) }
            lastClipOf[tagged[tagged.count - 1].id] = request.playbackID
            player.enqueue(tagged)
        } catch {
            say("cannot play \(request.promptID): \(error)")
            handle(.promptFinished(playbackID: request.playbackID), at: frameNow, player: &player)
        }
    }

    private func spokenValues(_ request: PromptRequest) -> [String: SpokenValue] {
        var values: [String: SpokenValue] = [:]
        for (name, text) in request.placeholders {
            switch name {
            case "emergency_number", "caller_number": values[name] = .digits(text)
            case "balance": values[name] = .money(minorUnits: engine?.context.balance.minorUnits ?? 0, currency: currency)
            case "expires_at":
                if let expires = grantExpiresAt ?? engine?.context.lastDayPassExpiresAt, let engine {
                    let local = expires.local
                    let days = expires.localDays(since: engine.context.startedAt)
                    values[name] = .time(hour: local.hour, minute: local.minute, day: SpokenValue.Day(daysAfterToday: days))
                }
            default:
                if let number = Int(text) { values[name] = .number(number) } else { values[name] = .digits(text) }
            }
        }
        return values
    }

    private mutating func log(_ event: CallLogEvent) {
        if event.type == .balanceRead { balanceWasRead = true }
        let fields = event.payload.fields
        let reasons = fields.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }.joined(separator: " ")
        let type = event.type.storeName
        say("decision: \(event.type.rawValue)" + (reasons.isEmpty ? "" : "  \(reasons)"), frame: event.frame, event: type)
        _ = runner.eventWriter.enqueue(callID: callID, frameTime: Int64(event.frame),
                                       type: type,
                                       payload: CallEventEncoder.json(event.payload))
    }

    /// Ends the call now because the board, the audio, speech, the store or the unit failed; the engine's state is kept
    /// for the record. With `releaseLine` the caller goes to the bypass relay at once (the board already did it for its
    /// own faults): nobody is left in silence on a line Warmline can no longer serve.
    mutating func endByFault(_ reason: String, releaseLine: Bool = true) {
        guard fault == nil, !(engine?.isEnded ?? false) else { return }
        fault = reason
        say("call ended by fault: \(reason)")
        if releaseLine, !releasedToBypass {
            say("fail safe: SET_BYPASS on: the caller goes to the agent line; Warmline does not hang up")
            releasedToBypass = true
            releasedByFault = true
            hungUp = true
            runner.dispatchBypass(true, "SET_BYPASS on (fail safe)")
        }
        _ = runner.eventWriter.enqueue(callID: callID, frameTime: Int64(frameNow), type: EventType.callEnded,
                                       payload: CallEventEncoder.json(["reason": "fault: \(reason)", "outcome": "failed",
                                                                     "bypass": releaseLine ? "released by Warmline" : "by the board"]))
    }

    /// Warmline gave the line to the bypass relay because of a fault (it takes it back once it is healthy).
    private(set) var releasedByFault = false

    /// Writes the call row with its outcome and returns the result.
    mutating func finish(reason: String?, outcome forced: CallOutcome?) -> LineCallResult {
        // however the call ended, it no longer holds a place in the unit's queue
        runner.callQueue.remove(callID: callID)
        if let reason, fault == nil { endByFault(reason) }
        if fault == nil, !hungUp { hangUpLine() }
        let rate = max(1, runner.settings.call.framesPerSecond)
        let ms = { (frame: Int) in Int64(frame) * 1000 / Int64(rate) }
        let ending = engine?.outcome ?? .inProgress
        var target: String?
        if case .transferred(let name) = ending { target = name }
        let facts = CallFacts(failed: forced == .failed || fault != nil, reachedPerson: target != nil,
                              bypassed: ending == .releasedToBypass, callbackPromised: callbackRecorded || ending == .callbackRecorded,
                              choseToEnd: ending == .callerChoseHangup, handoffStarted: engine?.handoffStartedAtFrame != nil,
                              servedSelf: servedSelf)
        let outcome = forced ?? CallOutcome.derive(facts)
        let startFrame = engine?.handoffStartedAtFrame
        let reachedFrame = outcome == .reachedPerson ? engine?.personReachedAtFrame : nil
        // a callback offer or the bypass relay is not a person: only a person answering counts as hand-off latency
        let latencyMs = startFrame.flatMap { start in reachedFrame.map { ms($0 - start) } }
        let waitMs = startFrame.map { start in ms((reachedFrame ?? engine?.personOrCallbackAtFrame ?? lastFrame) - start) }
        if let start = engine?.handoffStartedAtFrame {
            let since = { (frame: Int?) in frame.map { "\(($0 - start) * 1000 / rate) ms" } ?? "-" }
            say("hand-off timings from the decision: FLASH \(since(firstFlashFrame)), agent dialled \(since(firstDialFrame)), "
                + "agent answered \(since(agentAnsweredFrame)), person \(since(engine?.personReachedAtFrame)), "
                + "person or callback \(since(engine?.personOrCallbackAtFrame))")
        }
        let endedAtMs = Int64(Date().timeIntervalSince1970 * 1000)
        // answered only when the unit took the line: not when the call could not start or the board refused OFF_HOOK
        let answered = engine != nil && !offHookFailed
        let record = CallRecord(id: callID, line: runner.settings.lineNumber, callerID: callerID, startedAtMs: startedAtMs,
                                answeredAtMs: answered ? startedAtMs : nil, endedAtMs: endedAtMs, outcome: outcome.rawValue,
                                language: engine?.language, handoffTarget: target, handoffLatencyMs: latencyMs,
                                handoffReason: engine?.handoffKind?.rawValue, handoffStartedMs: startFrame.map(ms),
                                personReachedMs: reachedFrame.map(ms), waitMs: waitMs, durationMs: answered ? ms(lastFrame) : nil)
        if runner.eventWriter.enqueueCall(record) == nil { say("the event log's memory bound is full: this call's row was dropped") }
        let endReason = fault ?? engine?.outcome.logValue ?? "not started"
        say("call over: outcome \(outcome.rawValue), \(endReason)"
            + (engine?.handoffKind.map { ", hand-off reason \($0.rawValue)" } ?? "")
            + (latencyMs.map { ", hand-off took \($0) ms of call time" } ?? "")
            + (target.map { ", reached \($0)" } ?? ""))
        return LineCallResult(callID: callID, callerID: callerID, outcome: outcome.rawValue, endReason: endReason, frames: lastFrame,
                              releasedByFault: releasedByFault)
    }

    /// The board refused or never acknowledged OFF_HOOK: the unit did not answer this call.
    private var offHookFailed = false

    /// The call as `warmline status` shows it, at the last frame the line heard.
    func liveStatus() -> CallStatus {
        CallStatus(callID: callID, callerID: callerID, language: engine?.language ?? "-", stage: engine?.stage ?? "answering",
                   secondsInCall: frameNow / max(1, runner.settings.call.framesPerSecond), distressScore: engine?.distressScore ?? 0,
                   queuePosition: queuedSinceMs == nil ? nil : runner.callQueue.position(of: callID))
    }

    /// The caller got what they came for without a person (balance read, day pass granted).
    private var servedSelf: Bool { grantExpiresAt != nil || balanceWasRead }
    private var balanceWasRead = false
}

extension CallInput {
    /// A call-progress tone (heard on the consultation leg too).
    var isTone: Bool { if case .tone = self { true } else { false } }
}
