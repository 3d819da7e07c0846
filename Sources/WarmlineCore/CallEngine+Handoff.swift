/// The warm hand-off: flash, dial tone, dial, progress, whisper, complete; next target on failure; callback last.
extension CallEngine {
    /// Starts the hand-off, or upgrades a running one to urgent. Urgent calls flash in the same audio period.
    mutating func startHandoff(reason: String, urgent wantUrgent: Bool) {
        guard mode != .ended else { return }
        if handoffStartedAtFrame != nil {
            guard wantUrgent, !urgent else { return }
            urgent = true
            handoffReason = reason
            log(.handoffStarted, ["reason": reason, "priority": "urgent", "upgrade": "yes"])
            if mode == .handoff(.announcing) {
                stopPlayback()
                flash(toTarget: 0)
            }
            return
        }
        handoffStartedAtFrame = now
        urgent = wantUrgent
        handoffReason = reason
        inputDeadline = nil
        interDigitDeadline = nil
        digitBuffer = ""
        stopPlayback()
        var payload = ["reason": reason, "priority": urgent ? "urgent" : "normal",
                       "targets": config.handoff.targets.map(\.name).joined(separator: ",")]
        if urgent { payload["reasons"] = scorer.firings.map { "\($0.signal.rawValue)=\($0.value)" }.joined(separator: "; ") }
        log(.handoffStarted, payload)
        if config.handoff.targets.isEmpty {
            offerCallback(reason: "no hand-off targets configured")
        } else if urgent {
            // a caller in distress is not kept waiting for a prompt: flash now
            flash(toTarget: 0)
        } else {
            mode = .handoff(.announcing)
            play(["connecting"])
        }
    }

    mutating func flash(toTarget index: Int) {
        out.append(.flash(ms: config.handoff.flashMs))
        mode = .handoff(.waitingDialTone(target: index))
        stepDeadline = now + config.frames(ms: config.handoff.flashMs + config.handoff.dialToneWaitMs)
    }

    mutating func handoffPromptsDone(_ step: HandoffStep) {
        switch step {
        case .announcing: flash(toTarget: 0)
        case .returning(let next, false): flash(toTarget: next)
        case .whispering: whisperDone()
        default: break
        }
    }

    mutating func consultTone(_ tone: ToneKind, step: HandoffStep) {
        switch (step, tone) {
        case (.waitingDialTone(let index), .dialTone):
            let target = config.handoff.targets[index]
            out.append(.dial(target.dial))
            log(.targetDialed, ["target": target.name, "dial": target.dial, "attempt": "\(index + 1)"])
            mode = .handoff(.ringing(target: index, ringbackHeard: false))
            stepDeadline = now + config.frames(ms: target.ringTimeoutMs)
        case (.ringing(let index, false), .ringback):
            log(.targetRinging, ["target": config.handoff.targets[index].name])
            mode = .handoff(.ringing(target: index, ringbackHeard: true))
        case (.waitingDialTone(let index), .busy), (.waitingDialTone(let index), .reorder),
             (.ringing(let index, _), .busy), (.ringing(let index, _), .reorder),
             (.whispering(let index), .busy), (.whispering(let index), .reorder):
            targetFailed(index, reason: "\(tone.rawValue) tone")
        default:
            break
        }
    }

    mutating func handoffStepTimedOut() {
        switch mode {
        case .handoff(.waitingDialTone(let index)):
            targetFailed(index, reason: "no dial tone after flash")
        case .handoff(.ringing(let index, _)):
            targetFailed(index, reason: "no answer in \(config.handoff.targets[index].ringTimeoutMs / 1000) s")
        case .handoff(.returning(let next, true)):
            if next < config.handoff.targets.count {
                mode = .handoff(.returning(nextTarget: next, flashing: false))
                play(["still_connecting"])
            } else {
                offerCallback(reason: "all \(config.handoff.targets.count) targets failed")
            }
        default:
            break
        }
    }

    mutating func targetAnswered(_ index: Int, by how: String) {
        stepDeadline = nil
        log(.targetAnswered, ["target": config.handoff.targets[index].name, "by": how])
        let text = handoffSummary()
        let id = nextPlaybackID
        nextPlaybackID += 1
        playing = Playing(playbackID: id, startedAt: now, isWhisper: true)
        out.append(.whisper(playbackID: id, text: text))
        log(.whispered, ["text": text])
        mode = .handoff(.whispering(target: index))
    }

    mutating func whisperDone() {
        guard case .handoff(.whispering(let index)) = mode else { return }
        let target = config.handoff.targets[index]
        out.append(.completeTransfer)
        log(.transferCompleted, ["target": target.name, "priority": urgent ? "urgent" : "normal"])
        personOrCallbackAtFrame = now
        end(.transferred(target: target.name), reason: "caller transferred to a person", hangUp: false)
    }

    /// Busy, reorder, no answer or no dial tone: flash back to the caller, then try the next target.
    mutating func targetFailed(_ index: Int, reason: String) {
        if playing?.isWhisper == true { stopPlayback() }
        log(.targetFailed, ["target": config.handoff.targets[index].name, "reason": reason])
        out.append(.flash(ms: config.handoff.flashMs))
        mode = .handoff(.returning(nextTarget: index + 1, flashing: true))
        stepDeadline = now + config.frames(ms: config.handoff.flashMs)
    }

    mutating func offerCallback(reason: String) {
        stepDeadline = nil
        log(.callbackOffered, ["reason": reason, "priority": urgent ? "urgent" : "normal"])
        personOrCallbackAtFrame = now
        mode = .callbackOffer
        play(["callback_offer"])
    }

    /// Records the callback (the caller asked for help: recorded even without an answer), then says when.
    mutating func recordCallback(confirmed: Bool) {
        inputDeadline = nil
        let request = CallbackRequest(callerID: context.callerID, requestedAt: wallNow,
                                      withinMinutes: config.callbackWithinMinutes, confirmedByCaller: confirmed,
                                      urgent: urgent, summary: handoffSummary())
        out.append(.recordCallback(request))
        log(.callbackRecorded, ["caller_id": context.callerID ?? "unknown", "confirmed": confirmed ? "yes" : "no",
                                "within_minutes": "\(config.callbackWithinMinutes)", "urgent": urgent ? "yes" : "no"])
        personOrCallbackAtFrame = personOrCallbackAtFrame ?? now
        outcome = .callbackRecorded
        mode = .closing
        stopPlayback()
        play(["callback_confirmed", "goodbye"])
    }

    /// The one-sentence summary for the agent: "urgent: caller in distress (said 'help'); balance zero; day pass granted".
    func handoffSummary() -> String {
        var parts: [String] = []
        if urgent {
            let phrases = scorer.firings.filter { $0.signal != .zeroBalance }.map(\.phrase)
            parts.append("urgent: caller in distress" + (phrases.isEmpty ? "" : " (\(phrases.joined(separator: ", ")))"))
        } else {
            parts.append(handoffReason)
        }
        switch context.balance {
        case .known(let amount) where amount <= 0: parts.append("balance zero")
        case .known(let amount): parts.append("balance \(SpokenFormat.amount(minorUnits: amount, language: "en"))")
        case .stale(let amount): parts.append("balance \(SpokenFormat.amount(minorUnits: amount, language: "en")) (stale)")
        case .unknown: parts.append("balance unknown")
        }
        if let grantedPass { parts.append(grantedPass.failOpen ? "day pass granted (fail-open)" : "day pass granted") }
        if language != "en" { parts.append("speaks \(SpokenFormat.englishName(of: language))") }
        return parts.joined(separator: "; ")
    }
}
