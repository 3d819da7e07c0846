/// How each kind of event moves the call, whatever state it is in.
extension CallEngine {
    mutating func board(_ event: BoardEvent) {
        switch event {
        case .farEndDisconnect:
            callerGone(reason: "caller hung up")
        case .agentAnswered:
            if case .handoff(.ringing(let target, _)) = mode { targetAnswered(target, by: "answer supervision") }
        case .ringing, .answered, .flashDone:
            break
        }
    }

    mutating func toneHeard(_ tone: ToneKind) {
        if case .handoff(let step) = mode {
            consultTone(tone, step: step)
            return
        }
        if tone == .busy || tone == .reorder { callerGone(reason: "line disconnected (\(tone.rawValue) tone)") }
    }

    /// The caller left. One who waited for a person (or had a callback offer open) gets a callback recorded.
    mutating func callerGone(reason: String) {
        if isQueued, !callbackTaken, context.callerID != nil, mode != .queue(.releasing) {
            recordCallback(confirmed: false)
        }
        end(callbackTaken ? .callbackRecorded : .callerHungUp, reason: reason, hangUp: true)
    }

    mutating func digitPressed(_ digit: Character) {
        log(.digit(.init(digit: String(digit))))
        keysPressed += 1
        var stopped = false
        if playing?.isWhisper != true, playing != nil || paused != nil {
            let hadPaused = paused != nil
            stopped = stopPlayback(keepSafety: true) || (hadPaused && paused == nil)
            if stopped { log(.bargeIn(.init(by: "digit", digit: String(digit)))) }
        }
        let wasUrgent = urgent
        record(scorer.observeDigit(atFrame: now))
        guard mode != .ended, urgent == wasUrgent else { return }
        if silentKeys(digit) { return }
        routeDigit(digit, stopped: stopped)
    }

    /// The keys of a caller who cannot speak ("55"), in any state: true when `digit` was taken for them.
    mutating func silentKeys(_ digit: Character) -> Bool {
        let sequence = bundle.flow.silentDigits
        if !silentEntry.isEmpty {
            let entry = silentEntry + String(digit)
            if entry == sequence {
                silentEntry = ""
                silentEntryDeadline = nil
                let spoke = callerSpoke
                log(.silentCaller(.init(stage: "keys", digits: sequence, spoke: spoke ? "yes" : "no")))
                let spaced = sequence.map(String.init).joined(separator: " ")
                let lead = spoke ? "caller pressed \(spaced): cannot speak freely" : "silent caller: pressed \(spaced), has not spoken"
                if !urgent {
                    log(.distressHandoff(.init(reasons: "silent_keys=pressed \(spaced)", score: formatted(scorer.score),
                                               threshold: formatted(scorer.config.handoffScore))))
                }
                startHandoff(.silent, reason: lead, urgent: true, lead: lead)
                return true
            }
            if sequence.hasPrefix(entry) {
                silentEntry = entry
                return true
            }
            // not the sequence after all: the held keys count as ordinary input, then this one
            let held = silentEntry
            silentEntry = ""
            silentEntryDeadline = nil
            for key in held { routeDigit(key, stopped: false) }
            return false
        }
        guard digit == sequence.first, digitBuffer.isEmpty, !isOnConsultLeg else { return false }
        silentEntry = String(digit)
        let wait = bundle.flow.nodes[bundle.flow.startNode]?.interDigitTimeoutMs ?? 2000
        silentEntryDeadline = now + config.frames(ms: wait)
        return true
    }

    /// A digit as the state it arrives in reads it; `stopped` tells that it cut a prompt short.
    mutating func routeDigit(_ digit: Character, stopped: Bool) {
        guard mode != .ended else { return }
        if case .menu = mode, !digitBuffer.isEmpty {
            menuDigit(digit)
            return
        }
        if case .queue(let step) = mode, digit != bundle.flow.emergency.digit {
            queueDigit(digit, step: step)
            return
        }
        if digit == bundle.flow.person.digit {
            personRequested(by: "pressed \(digit)")
            record(scorer.observePersonDigit(digit))
            return
        }
        if digit == bundle.flow.emergency.digit {
            emergencyRequested(record: scorer.observeEmergencyDigit(digit), by: "pressed \(digit)")
            return
        }
        switch mode {
        case .language: chooseLanguage(digit)
        case .menu: menuDigit(digit)
        case .dayPassConfirm(let key, let failOpen, let reason, let next, let declineTo):
            dayPassAnswer(digit, key: key, failOpen: failOpen, reason: reason, next: next, declineTo: declineTo)
        case .announce(.grantReadback) where digit == config.dayPass.confirmDigit:
            // a second press of "yes" must not grant twice nor skip the expiry read-back
            log(.dayPassRetryIgnored(.init(key: grantedPass?.idempotencyKey ?? "", digit: String(digit))))
            if stopped { replayGrantReadback() }
        default:
            if stopped, playing == nil, paused == nil, queue.isEmpty { promptsDone() }
        }
    }

    mutating func keywordHeard(_ hit: KeywordHit) {
        let flow = bundle.flow
        let isPerson = hit.keywordClass == .person || flow.person.keywords.contains(hit.phrase)
        let isDistress = hit.keywordClass == .distress || flow.emergency.keywords.contains(hit.phrase)
        let accepted = hit.confidence >= config.keywordMinConfidence
        let payload = CallEventPayload.Keyword(phrase: hit.phrase, wordClass: isDistress ? "distress" : isPerson ? "person" : hit.keywordClass.rawValue,
                                               confidence: formatted(hit.confidence), accepted: accepted ? "yes" : "no (below minimum)",
                                               transcript: hit.transcript)
        log(.keyword(payload))
        guard accepted else { return }
        callerSpoke = true
        if isDistress {
            stopPlayback(keepSafety: true)
            emergencyRequested(record: scorer.observeDistressKeyword(hit), by: hit.spokenSummary)
        } else if isPerson {
            stopPlayback(keepSafety: true)
            personRequested(by: hit.spokenSummary)
        } else if case .menu(let name) = mode, let option = bundle.flow.nodes[name]?.options.first(where: { $0.keywords.contains(hit.phrase) }) {
            stopPlayback(keepSafety: true)
            digitBuffer = ""
            take(option, in: name)
        }
    }

    mutating func speechStarted() {
        if case .handoff(.ringing(let target, _)) = mode {
            targetAnswered(target, by: "voice on the line")
            return
        }
        speechSince = now
        if let playing, !playing.isWhisper { speechStartFrame = now }
        paused?.resumeAt = nil
    }

    mutating func speechStopped() {
        if let since = speechSince, now - since >= config.frames(ms: config.speechBargeInMs) { callerSpoke = true }
        speechSince = nil
        speechStartFrame = nil
        if paused != nil { paused?.resumeAt = now + config.frames(ms: config.resumeAfterSpeechMs) }
    }

    /// The person digit or keyword: hand off (in the queue: say the position again).
    mutating func personRequested(by how: String) {
        if mode == .queue(.waiting) {
            announceQueue(entering: false, positionOnly: true)
            return
        }
        if case .handoff = mode { return }
        if case .queue = mode { return }  // reading back a callback number, or releasing to bypass
        if mode == .closing && handoffStartedAtFrame != nil { return }
        startHandoff(.asked, reason: "caller asked for a person (\(how))", urgent: false)
    }

    /// The emergency digit or a distress word: its signal may cross the threshold; below it, still a person.
    mutating func emergencyRequested(record fired: [DistressFiring], by how: String) {
        record(fired)
        guard mode != .ended, !urgent else { return }
        personRequested(by: how)
    }

    /// Logs fired distress signals; crossing the threshold hands off at once from any state.
    mutating func record(_ fired: [DistressFiring]) {
        for firing in fired {
            log(.distressSignal(.init(signal: firing.signal.rawValue, value: firing.value, weight: formatted(firing.weight),
                                      score: formatted(firing.scoreAfter))))
        }
        guard !fired.isEmpty, scorer.isOverThreshold, !urgent, mode != .ended else { return }
        log(.distressHandoff(.init(reasons: scorer.firings.map { "\($0.signal.rawValue)=\($0.value)" }.joined(separator: "; "),
                                   score: formatted(scorer.score), threshold: formatted(scorer.config.handoffScore))))
        startHandoff(.distress, reason: "distress score \(formatted(scorer.score))", urgent: true)
    }
}
