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

    /// The caller left: a pending callback offer is still recorded (they asked for help), then the call ends.
    mutating func callerGone(reason: String) {
        if mode == .callbackOffer { recordCallback(confirmed: false) }
        end(.callerHungUp, reason: reason, hangUp: true)
    }

    mutating func digitPressed(_ digit: Character) {
        log(.digit, ["digit": String(digit)])
        let wasPlaying: Bool
        if let playing, !playing.isWhisper {
            wasPlaying = stopPlayback()
            log(.bargeIn, ["by": "digit", "digit": String(digit)])
        } else {
            wasPlaying = false
        }
        let wasUrgent = urgent
        record(scorer.observeDigit(atFrame: now))
        guard mode != .ended, urgent == wasUrgent else { return }
        if case .menu = mode, !digitBuffer.isEmpty {
            menuDigit(digit)
            return
        }
        if mode == .callbackOffer {
            recordCallback(confirmed: digit == config.callbackConfirmDigit)
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
        case .dayPassConfirm(let key, let failOpen, let reason, let next):
            dayPassAnswer(digit, key: key, failOpen: failOpen, reason: reason, next: next)
        case .announce(.grantReadback) where digit == config.dayPass.confirmDigit:
            // a second press of "yes" must not grant twice nor skip the expiry read-back
            log(.dayPassRetryIgnored, ["key": grantedPass?.idempotencyKey ?? "", "digit": String(digit)])
            if wasPlaying { replayGrantReadback() }
        default:
            if wasPlaying { promptsDone() }
        }
    }

    mutating func keywordHeard(_ hit: KeywordHit) {
        let flow = bundle.flow
        let isPerson = hit.keywordClass == .person || flow.person.keywords.contains(hit.phrase)
        let isDistress = hit.keywordClass == .distress || flow.emergency.keywords.contains(hit.phrase)
        let accepted = hit.confidence >= config.keywordMinConfidence
        log(.keyword, ["phrase": hit.phrase, "class": isDistress ? "distress" : isPerson ? "person" : hit.keywordClass.rawValue,
                       "confidence": formatted(hit.confidence), "accepted": accepted ? "yes" : "no (below minimum)"])
        guard accepted else { return }
        if isDistress {
            if let playing, !playing.isWhisper { stopPlayback() }
            emergencyRequested(record: scorer.observeDistressKeyword(hit), by: "said '\(hit.phrase)'")
        } else if isPerson {
            if let playing, !playing.isWhisper { stopPlayback() }
            personRequested(by: "said '\(hit.phrase)'")
        } else if case .menu(let name) = mode, let option = bundle.flow.nodes[name]?.options.first(where: { $0.keywords.contains(hit.phrase) }) {
            stopPlayback()
            digitBuffer = ""
            take(option, in: name)
        }
    }

    mutating func speechStarted() {
        if case .handoff(.ringing(let target, _)) = mode {
            targetAnswered(target, by: "voice on the line")
            return
        }
        if let playing, !playing.isWhisper { speechStartFrame = now }
    }

    /// The person digit or keyword: hand off (or, during a hand-off, just count it).
    mutating func personRequested(by how: String) {
        if case .handoff = mode { return }
        if mode == .closing && handoffStartedAtFrame != nil { return }
        startHandoff(reason: "caller asked for a person (\(how))", urgent: false)
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
            log(.distressSignal, ["signal": firing.signal.rawValue, "value": firing.value,
                                  "weight": formatted(firing.weight), "score": formatted(firing.scoreAfter)])
        }
        guard !fired.isEmpty, scorer.isOverThreshold, !urgent, mode != .ended else { return }
        log(.distressHandoff, ["score": formatted(scorer.score), "threshold": formatted(scorer.config.handoffScore),
                               "reasons": scorer.firings.map { "\($0.signal.rawValue)=\($0.value)" }.joined(separator: "; ")])
        startHandoff(reason: "distress score \(formatted(scorer.score))", urgent: true)
    }
}
