/// Menu nodes, the language choice and announcements: FreeSWITCH-style digits, timeouts and failures.
extension CallEngine {
    mutating func enterNode(_ name: String, long: Bool) {
        guard let node = bundle.flow.nodes[name] else { return }
        mode = .menu(name)
        failures = 0
        timeouts = 0
        digitBuffer = ""
        inputDeadline = nil
        interDigitDeadline = nil
        log(.nodeEntered(.init(node: name, greeting: long ? "long" : "short")))
        if long, name == bundle.flow.startNode {
            queueSafety()
            if offerDayPassFirst() { return }
        }
        play(long ? node.greetLong : node.greetShort)
    }

    /// A caller whose known balance makes them eligible hears the day pass offer before the menu (once a call).
    mutating func offerDayPassFirst() -> Bool {
        guard !passOfferedAtStart, grantedPass == nil, context.callerID != nil,
              let option = bundle.flow.nodes[bundle.flow.startNode]?.options.first(where: {
                  if case .dayPass = $0.action { true } else { false }
              }),
              case .dayPass(let next) = option.action,
              case .eligible(_, false, _) = config.dayPass.decide(callerID: context.callerID, balance: context.balance,
                                                                  lastGrantedAt: context.lastDayPassGrantedAt, now: wallNow,
                                                                  inDistress: false, lastExpiresAt: context.lastDayPassExpiresAt,
                                                                  unitGrantsLastHour: context.unitDayPassesLastHour)
        else { return false }
        passOfferedAtStart = true
        log(.optionTaken(.init(node: bundle.flow.startNode, option: "offered first", action: "day_pass then \(next)",
                               why: "balance \(context.balance.logValue) at or below the day pass threshold")))
        // the offer (and its keys) starts after the balance: a key pressed during the balance does not take the pass
        mode = .announce(then: .dayPassOffer(next: next, declineTo: bundle.flow.startNode))
        play(["balance_is"])
        return true
    }

    /// The queue ran dry (played out or barged in): wait for input, or move on.
    mutating func promptsDone() {
        switch mode {
        case .language:
            inputDeadline = now + config.frames(ms: bundle.flow.nodes[bundle.flow.startNode]?.timeoutMs ?? 10_000)
        case .menu(let name):
            if digitBuffer.isEmpty { inputDeadline = now + config.frames(ms: bundle.flow.nodes[name]?.timeoutMs ?? 10_000) }
        case .dayPassConfirm(_, _, _, let next, _):
            inputDeadline = now + config.frames(ms: bundle.flow.nodes[next]?.timeoutMs ?? 10_000)
        case .queue(let step):
            queuePromptsDone(step)
        case .announce(.node(let name, let long)):
            enterNode(name, long: long)
        case .announce(.grantReadback(let next)):
            if provisionalGranted {
                // a provisional pass (balance unknown) is never left alone: an agent hears it and confirms it in this call
                startHandoff(.distress, reason: "provisional day pass: balance unknown", urgent: true)
            } else {
                enterNode(next, long: true)
            }
        case .announce(.dayPassOffer(let next, let declineTo)):
            offerDayPass(next: next, declineTo: declineTo)
        case .announce(.handoff(let reason)):
            startHandoff(.menuFailure, reason: reason, urgent: false)
        case .handoff(let step):
            handoffPromptsDone(step)
        case .closing:
            end(outcome == .inProgress ? .callerChoseHangup : outcome, reason: "flow ended the call", hangUp: true)
        default:
            break
        }
    }

    /// Each enabled language's prompt in that language; with one language, straight to the start node.
    mutating func startLanguageChoice() {
        guard bundle.enabledLanguages.count > 1 else {
            enterNode(bundle.flow.startNode, long: true)
            return
        }
        mode = .language
        queue += bundle.enabledLanguages.map { QueuedPrompt(id: bundle.flow.languagePrompt, language: $0) }
        if playing == nil, paused == nil { playNext() }
    }

    mutating func chooseLanguage(_ digit: Character?) {
        let choice = digit.flatMap { d in bundle.flow.languageDigits.first { $0.digit == d && bundle.enabledLanguages.contains($0.language) } }
        language = choice?.language ?? bundle.enabledLanguages.first ?? language
        log(.languageChosen(.init(language: language,
                                  how: choice != nil ? "pressed \(choice?.digit ?? " ")" : digit.map { "default (pressed \($0))" } ?? "default (no input)")))
        inputDeadline = nil
        // the safety sentence already under way in the chosen language goes on; in another language it starts anew
        stopPlayback(keepSafety: true)
        enterNode(bundle.flow.startNode, long: true)
    }

    mutating func menuDigit(_ digit: Character) {
        guard case .menu(let name) = mode, let node = bundle.flow.nodes[name] else { return }
        inputDeadline = nil
        digitBuffer.append(digit)
        let buffer = digitBuffer
        let exact = node.options.first { $0.digits == buffer }
        let longer = node.options.contains { ($0.digits?.count ?? 0) > buffer.count && $0.digits?.hasPrefix(buffer) == true }
        if longer {
            interDigitDeadline = now + config.frames(ms: node.interDigitTimeoutMs)
        } else if let exact {
            digitBuffer = ""
            take(exact, in: name)
        } else {
            digitBuffer = ""
            invalidInput(buffer)
        }
    }

    /// The inter-digit timeout ended a multi-digit entry.
    mutating func menuDigitsComplete() {
        guard case .menu(let name) = mode, let node = bundle.flow.nodes[name] else { return }
        let buffer = digitBuffer
        digitBuffer = ""
        if let option = node.options.first(where: { $0.digits == buffer }) {
            take(option, in: name)
        } else {
            invalidInput(buffer)
        }
    }

    mutating func take(_ option: MenuOption, in name: String) {
        interDigitDeadline = nil
        inputDeadline = nil
        log(.optionTaken(.init(node: name, option: option.label, action: option.action.logValue)))
        switch option.action {
        case .handoff:
            startHandoff(.asked, reason: "caller chose '\(option.label)' in \(name)", urgent: false)
        case .balance(let next):
            mode = .announce(then: .node(next, long: next != name))
            guard context.callerID != nil else {
                log(.balanceRead(.init(balance: "none: no caller ID")))
                play(["no_caller_id"])
                return
            }
            let amount = context.balance.minorUnits
            log(.balanceRead(.init(balance: context.balance.logValue)))
            play([amount == nil ? "balance_unknown" : "balance_is"])
        case .dayPass(let next):
            offerDayPass(next: next, declineTo: next)
        case .goto(let next):
            enterNode(next, long: true)
        case .language:
            startLanguageChoice()
        case .callback:
            // a callback is asked of a person: the queue offers it with the number read back, and keeps the line open
            startHandoff(.asked, reason: "caller asked to be called back (\(option.label) in \(name))", urgent: false)
        case .hangup:
            mode = .closing
            play(["goodbye"])
        }
    }

    mutating func invalidInput(_ input: String) {
        log(.invalidInput(.init(input: input, mode: mode.logValue)))
        let wasUrgent = urgent
        record(scorer.observeInvalidInput())
        guard urgent == wasUrgent, mode != .ended else { return }
        missed(.invalid)
    }

    mutating func inputTimedOut() {
        switch mode {
        case .language: chooseLanguage(nil)
        case .queue(.callbackReadback): backToQueue(confirmed: nil)
        default: missed(.timeout)
        }
    }

    /// An invalid input or a timeout in a menu or the day pass confirmation: say so and ask again, up to the limit.
    mutating func missed(_ miss: Miss) {
        let count: Int
        if miss == .invalid {
            failures += 1
            count = failures
        } else {
            timeouts += 1
            count = timeouts
        }
        let what = miss == .invalid ? "invalid inputs" : "timeouts"
        let nodeName: String
        let repeatPrompts: [String]?
        switch mode {
        case .menu(let name):
            nodeName = name
            repeatPrompts = nil
        case .dayPassConfirm(_, _, _, let next, _):
            nodeName = next
            repeatPrompts = ["day_pass_offer"]
        default:
            return
        }
        guard let node = bundle.flow.nodes[nodeName] else { return }
        let limit = miss == .invalid ? node.maxFailures : node.maxTimeouts
        if miss == .timeout {
            log(.inputTimeout(.init(node: repeatPrompts == nil ? nodeName : "day_pass_confirm", count: "\(count)", max: "\(limit)")))
        }
        if count < limit {
            play((miss == .invalid ? node.invalidSound : node.timeoutSound) + (repeatPrompts ?? node.greetShort))
        } else if repeatPrompts == nil {
            exhausted(node, why: "\(count) \(what)")
        } else {
            log(.dayPassDeclined(.init(reason: "no answer after \(count) \(what)")))
            if case .dayPassConfirm(_, _, _, _, let declineTo) = mode { enterNode(declineTo, long: true) } else {
                enterNode(nodeName, long: true)
            }
        }
    }

    /// Why a prompt is repeated.
    enum Miss { case invalid, timeout }

    /// Failures or timeouts ran out: the exit prompt, then a person (or a node that leads to one).
    mutating func exhausted(_ node: MenuNode, why: String) {
        log(.menuExhausted(.init(node: node.name, why: why, then: node.onExhausted.logValue)))
        let reason = "caller could not use menu '\(node.name)' (\(why))"
        switch node.onExhausted {
        case .goto(let next):
            mode = .announce(then: .node(next, long: true))
        default:
            mode = .announce(then: .handoff(reason))
        }
        if node.exitSound.isEmpty { promptsDone() } else { play(node.exitSound) }
    }
}

extension MenuAction {
    /// Short name for logs.
    var logValue: String {
        switch self {
        case .handoff: "handoff"
        case .balance(let next): "balance then \(next)"
        case .dayPass(let next): "day_pass then \(next)"
        case .goto(let next): "goto \(next)"
        case .language: "language"
        case .callback: "callback"
        case .hangup: "hangup"
        }
    }
}

extension CallEngine.Mode {
    /// Short name for logs.
    var logValue: String {
        switch self {
        case .notStarted: "not_started"
        case .language: "language"
        case .menu(let name): "menu \(name)"
        case .announce: "announce"
        case .dayPassConfirm: "day_pass_confirm"
        case .handoff: "handoff"
        case .queue: "queue"
        case .closing: "closing"
        case .ended: "ended"
        }
    }
}
