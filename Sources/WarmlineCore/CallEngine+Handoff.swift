/// The warm hand-off: flash, dial tone, dial, progress, whisper, complete; next target on failure; then the queue,
/// which keeps trying and, when no one answers in time (or no target exists), gives the line to the bypass relay.
/// Warmline never hangs up on a caller who asked for a person or was flagged: only the far end ends such a call.
extension CallEngine {
    /// Starts the hand-off, or upgrades a running one to urgent. Urgent calls flash in the same audio period.
    /// `lead` opens the agent's whisper for an urgent call that the distress score did not flag (a silent caller).
    mutating func startHandoff(_ kind: HandoffReason, reason: String, urgent wantUrgent: Bool, lead: String? = nil) {
        guard mode != .ended else { return }
        if handoffStartedAtFrame != nil {
            guard wantUrgent, !urgent else { return }
            urgent = true
            handoffReason = reason
            handoffKind = kind
            urgentLead = lead
            log(.handoffStarted(.init(reason: reason, kind: kind.rawValue, priority: "urgent", upgrade: "yes")))
            switch mode {
            case .handoff(.announcing):
                stopPlayback()
                flash(toTarget: 0)
            case .queue(.waiting), .queue(.callbackReadback):
                // an urgent caller goes to the front and tries the targets now
                stopPlayback()
                mode = .queue(.waiting)
                retryTargets()
            default:
                break
            }
            return
        }
        handoffStartedAtFrame = now
        urgent = wantUrgent
        handoffReason = reason
        handoffKind = kind
        urgentLead = lead
        inputDeadline = nil
        interDigitDeadline = nil
        silentEntryDeadline = nil
        silentEntry = ""
        digitBuffer = ""
        stopPlayback()
        var payload = CallEventPayload.HandoffStarted(reason: reason, kind: kind.rawValue, priority: urgent ? "urgent" : "normal",
                                                      targets: config.handoff.targets.map(\.name).joined(separator: ","))
        if urgent { payload.reasons = scorer.firings.map { "\($0.signal.rawValue)=\($0.value)" }.joined(separator: "; ") }
        log(.handoffStarted(payload))
        if config.handoff.targets.isEmpty {
            releaseToBypass(reason: "no hand-off targets configured")
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
            log(.targetDialed(.init(target: target.name, dial: target.dial, attempt: "\(index + 1)")))
            mode = .handoff(.ringing(target: index, ringbackHeard: false))
            stepDeadline = now + config.frames(ms: target.ringTimeoutMs)
        case (.ringing(let index, false), .ringback):
            log(.targetRinging(.init(target: config.handoff.targets[index].name)))
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
                enterQueue(reason: "all \(config.handoff.targets.count) targets failed")
            }
        default:
            break
        }
    }

    mutating func targetAnswered(_ index: Int, by how: String) {
        stepDeadline = nil
        log(.targetAnswered(.init(target: config.handoff.targets[index].name, by: how)))
        let text = handoffSummary()
        let id = nextPlaybackID
        nextPlaybackID += 1
        playing = Playing(playbackID: id, startedAt: now, isWhisper: true, item: QueuedPrompt(id: "whisper", language: "en"))
        out.append(.whisper(playbackID: id, text: text))
        log(.whispered(.init(text: text)))
        mode = .handoff(.whispering(target: index))
    }

    mutating func whisperDone() {
        guard case .handoff(.whispering(let index)) = mode else { return }
        let target = config.handoff.targets[index]
        out.append(.completeTransfer)
        log(.transferCompleted(.init(target: target.name, priority: urgent ? "urgent" : "normal")))
        personOrCallbackAtFrame = now
        personReachedAtFrame = now
        end(.transferred(target: target.name), reason: "caller transferred to a person", hangUp: false)
    }

    /// Busy, reorder, no answer or no dial tone: flash back to the caller, then try the next target.
    mutating func targetFailed(_ index: Int, reason: String) {
        if playing?.isWhisper == true { stopPlayback() }
        log(.targetFailed(.init(target: config.handoff.targets[index].name, reason: reason)))
        out.append(.flash(ms: config.handoff.flashMs))
        mode = .handoff(.returning(nextTarget: index + 1, flashing: true))
        stepDeadline = now + config.frames(ms: config.handoff.flashMs)
    }

    // MARK: - The queue

    /// Every target failed this round: the caller waits on the line (first time: announced), or the line goes to bypass.
    mutating func enterQueue(reason: String) {
        stepDeadline = nil
        mode = .queue(.waiting)
        guard let entered = queueEnteredFrame else {
            queueEnteredFrame = now
            log(.queued(.init(reason: reason, priority: urgent ? "urgent" : "normal", position: "\(queuePosition)")))
            nextRetryFrame = now + config.frames(ms: config.queue.retryEveryMs)
            announceQueue(entering: true)
            return
        }
        if now >= entered + config.frames(ms: config.queue.bypassAfterMs) {
            releaseToBypass(reason: "no person answered in \(config.queue.bypassAfterMs / 1000) s of queue")
            return
        }
        nextRetryFrame = now + config.frames(ms: config.queue.retryEveryMs)
        // the announcement due while the caller was on hold comes now
        if let due = nextAnnounceFrame, due <= now { announceQueue(entering: false) }
    }

    /// Minutes the caller will probably wait, from their position (at least one).
    var estimatedWaitMinutes: Int {
        max(1, (queuePosition * config.queue.waitPerCallerMs + 59_999) / 60_000)
    }

    /// A callback can be offered: the network sent a number and none is recorded yet.
    var canOfferCallback: Bool { context.callerID != nil && !callbackTaken }

    /// Position and wait when they improved (else "still waiting"), the callback offer, and every other time the
    /// emergency number.
    mutating func announceQueue(entering: Bool, positionOnly: Bool = false) {
        var ids: [String] = entering ? ["queue_entered"] : []
        let improved = lastAnnouncedPosition.map { queuePosition < $0 } ?? true
        if improved || positionOnly {
            ids.append("queue_position")
            lastAnnouncedPosition = queuePosition
        } else {
            ids.append("queue_still_waiting")
        }
        if positionOnly {
            play(ids)
            return
        }
        announcements += 1
        if canOfferCallback { ids.append("queue_callback_offer") }
        let emergency = announcements % 2 == 1
        if emergency { ids.append("queue_emergency") }
        log(.queueAnnounced(.init(position: "\(queuePosition)", waitMinutes: "\(estimatedWaitMinutes)", improved: improved ? "yes" : "no",
                                  emergencyNumber: emergency ? "yes" : "no", waitedMs: "\(queuedMs)")))
        nextAnnounceFrame = now + config.frames(ms: config.queue.announceEveryMs)
        play(ids)
    }

    /// Milliseconds in the queue so far.
    var queuedMs: Int {
        queueEnteredFrame.map { (now - $0) * 1000 / max(1, config.framesPerSecond) } ?? 0
    }

    /// Another round through the targets when the caller's turn has come (position within the number of targets).
    mutating func retryTargets() {
        retryDue = false
        guard !config.handoff.targets.isEmpty, queuePosition <= max(1, config.handoff.targets.count) else {
            nextRetryFrame = now + config.frames(ms: config.queue.retryEveryMs)
            return
        }
        log(.queueRetry(.init(position: "\(queuePosition)", waitedMs: "\(queuedMs)", priority: urgent ? "urgent" : "normal")))
        flash(toTarget: 0)
    }

    mutating func queuePositionChanged(_ position: Int) {
        let position = max(1, position)
        guard position != queuePosition else { return }
        let before = queuePosition
        queuePosition = position
        let turn = max(1, config.handoff.targets.count)
        if urgent, mode == .queue(.waiting), before > turn, position <= turn {
            // an urgent caller whose turn has come does not wait for the next retry
            nextRetryFrame = now
        }
        if isQueued, position < (lastAnnouncedPosition ?? .max), playing == nil, mode == .queue(.waiting) {
            // a better place is worth saying at once; the regular announcement keeps its rhythm
            play(["queue_position"])
            lastAnnouncedPosition = position
        }
    }

    mutating func queuePromptsDone(_ step: QueueStep) {
        switch step {
        case .waiting:
            if retryDue { retryTargets() }
        case .callbackReadback:
            inputDeadline = now + config.frames(ms: config.callbackReplyMs)
        case .releasing:
            out.append(.releaseToBypass)
            personOrCallbackAtFrame = personOrCallbackAtFrame ?? now
            end(.releasedToBypass, reason: "line released to the bypass relay (agent line)", hangUp: false)
        }
    }

    /// Keys while queued: 1 asks for a callback (the number is read back to confirm); 0 says the position again.
    mutating func queueDigit(_ digit: Character, step: QueueStep) {
        switch step {
        case .waiting:
            if digit == bundle.flow.person.digit {
                personRequested(by: "pressed \(digit)")
            } else if digit == config.callbackConfirmDigit, canOfferCallback {
                inputDeadline = nil
                mode = .queue(.callbackReadback)
                play(["callback_readback"])
            }
        case .callbackReadback:
            inputDeadline = nil
            if digit == config.callbackConfirmDigit {
                backToQueue(confirmed: true)
            } else if digit == config.dayPass.declineDigit {
                backToQueue(confirmed: false)
            }
        case .releasing:
            break
        }
    }

    /// After the callback question: recorded when confirmed, and the caller keeps their place either way.
    mutating func backToQueue(confirmed: Bool?) {
        stopPlayback()
        mode = .queue(.waiting)
        if confirmed == true {
            recordCallback(confirmed: true)
            play(["callback_confirmed"])
        } else {
            log(.callbackOffered(.init(reason: confirmed == false ? "caller kept waiting" : "no answer to the read-back", recorded: "no")))
            play(["queue_still_waiting"])
        }
    }

    /// Says so, then gives the line to the bypass relay: the agent line rings; Warmline never hangs up on this caller.
    mutating func releaseToBypass(reason: String) {
        stepDeadline = nil
        inputDeadline = nil
        nextAnnounceFrame = nil
        nextRetryFrame = nil
        retryDue = false
        stopPlayback()
        log(.releasedToBypass(.init(reason: reason, priority: urgent ? "urgent" : "normal", waitedMs: "\(queuedMs)")))
        mode = .queue(.releasing)
        play(["bypass_release"])
    }

    /// Records the callback (the caller asked for help: recorded even without an answer when they leave the queue).
    mutating func recordCallback(confirmed: Bool) {
        let request = CallbackRequest(callerID: context.callerID, requestedAt: wallNow,
                                      withinMinutes: config.callbackWithinMinutes, confirmedByCaller: confirmed,
                                      urgent: urgent, summary: handoffSummary())
        callbackTaken = true
        out.append(.recordCallback(request))
        log(.callbackRecorded(.init(callerID: context.callerID ?? "unknown", confirmed: confirmed ? "yes" : "no",
                                    withinMinutes: "\(config.callbackWithinMinutes)", urgent: urgent ? "yes" : "no")))
        personOrCallbackAtFrame = personOrCallbackAtFrame ?? now
    }

    /// The one sentence for the agent: why the caller is here, what the unit knows ("urgent: caller in distress
    /// (said 'help'); balance zero; day pass granted").
    /// The whisper the agent would hear if one answered now (the line renders it ahead, while the hand-off dials).
    public var whisperPreview: String { handoffSummary() }

    func handoffSummary() -> String {
        var parts: [String] = []
        if urgent, let urgentLead {
            parts.append("urgent: " + urgentLead)
        } else if urgent {
            let phrases = scorer.firings.filter { $0.signal != .zeroBalance }.map(\.phrase)
            parts.append("urgent: caller in distress" + (phrases.isEmpty ? "" : " (\(phrases.joined(separator: ", ")))"))
        } else {
            parts.append(handoffReason)
        }
        if queueEnteredFrame != nil {
            let seconds = queuedMs / 1000
            parts.append("waited \(seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s") in the queue")
        }
        switch context.balance {
        case .known(let amount) where amount <= 0: parts.append("balance zero")
        case .known(let amount): parts.append("balance \(SpokenFormat.amount(minorUnits: amount, language: "en"))")
        case .stale(let amount): parts.append("balance \(SpokenFormat.amount(minorUnits: amount, language: "en")) (stale)")
        case .unknown: parts.append(context.callerID == nil ? "number withheld" : "balance unknown")
        }
        if let grantedPass {
            parts.append(grantedPass.failOpen ? "PROVISIONAL day pass granted: confirm or cancel it" : "day pass granted")
        }
        if callbackTaken { parts.append("callback recorded") }
        if language != "en" { parts.append("speaks \(SpokenFormat.englishName(of: language))") }
        return parts.joined(separator: "; ")
    }
}
