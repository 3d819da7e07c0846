/// The emergency day pass dialogue: decide, offer, confirm by digit, grant once, read back the expiry.
extension CallEngine {
    /// What the caller hears about a granted pass: "requested" until billing confirmed it, then "active until".
    var grantReadbackPrompt: String { passConfirmed ? "day_pass_granted" : "day_pass_requested" }

    mutating func offerDayPass(next: String, declineTo: String) {
        if let grantedPass {
            log(.dayPassRetryIgnored(.init(key: grantedPass.idempotencyKey, reason: "already granted in this call")))
            mode = .announce(then: .grantReadback(next: next))
            play([grantReadbackPrompt])
            return
        }
        if let expires = context.lastDayPassExpiresAt, wallNow < expires {
            // the caller's pass still runs: say so honestly (requested until billing has acknowledged it)
            log(.dayPassRefused(.init(rule: DayPassDecision.passStillOpen(expiresAt: expires).rule ?? "", reason: "a pass is still running",
                                      confirmed: context.lastDayPassConfirmed ? "yes" : "no",
                                      expiresAt: SpokenFormat.dateTime(expires, language: ""))))
            mode = .announce(then: .node(next, long: true))
            play([context.lastDayPassConfirmed ? "day_pass_granted" : "day_pass_requested"])
            return
        }
        // only what the caller said, and how, counts for an unknown balance: key presses alone never grant a pass
        let inDistress = scorer.spokenScore >= config.dayPass.distressScore
        let decision = config.dayPass.decide(callerID: context.callerID, balance: context.balance,
                                             lastGrantedAt: context.lastDayPassGrantedAt, now: wallNow,
                                             inDistress: inDistress, lastExpiresAt: context.lastDayPassExpiresAt,
                                             unitGrantsLastHour: context.unitDayPassesLastHour)
        let rule = decision.rule ?? ""
        switch decision {
        case .eligible(let key, let failOpen, let reason):
            log(.dayPassOffered(.init(key: key, failOpen: failOpen ? "yes" : "no", reason: reason)))
            mode = .dayPassConfirm(key: key, failOpen: failOpen, reason: reason, next: next, declineTo: declineTo)
            failures = 0
            timeouts = 0
            play(["day_pass_offer"])
        case .rateLimited(let last, let nextAllowed):
            log(.dayPassRefused(.init(rule: rule, reason: "rate limited: one pass per \(config.dayPass.cooldownDays) days",
                                      lastGranted: SpokenFormat.dateTime(last, language: ""),
                                      nextAllowed: SpokenFormat.dateTime(nextAllowed, language: ""))))
            mode = .announce(then: .node(next, long: true))
            play(["day_pass_refused"])
        case .passStillOpen(let expires):
            log(.dayPassRefused(.init(rule: rule, reason: "a pass is still running", expiresAt: SpokenFormat.dateTime(expires, language: ""))))
            mode = .announce(then: .node(next, long: true))
            play(["day_pass_requested"])
        case .unitCapReached(let count, let limit):
            log(.dayPassRefused(.init(rule: rule, reason: "the unit granted \(count) passes in the past hour (limit \(limit))")))
            mode = .announce(then: .node(next, long: true))
            play(["day_pass_unknown"])
        case .notEligible(let reason):
            log(.dayPassRefused(.init(rule: rule, reason: reason)))
            mode = .announce(then: .node(next, long: true))
            play(["day_pass_not_eligible"])
        case .balanceUnknown(let reason):
            log(.dayPassRefused(.init(rule: rule, reason: reason, distressScore: formatted(scorer.score),
                                      spokenDistressScore: formatted(scorer.spokenScore))))
            mode = .announce(then: .node(next, long: true))
            play(["day_pass_unknown"])
        case .notPlausible(let reason):
            // not a subscriber's number (a short code, letters, escape codes): no balance claim and no pass
            log(.dayPassRefused(.init(rule: rule, reason: reason)))
            mode = .announce(then: .node(next, long: true))
            play(["day_pass_unknown"])
        case .noCallerID:
            // no number: no balance claim and no pass, only the way to a person
            log(.dayPassRefused(.init(rule: rule, reason: "no caller ID: cannot check a balance or grant a pass")))
            mode = .announce(then: .node(next, long: true))
            play(["no_caller_id"])
        }
    }

    mutating func dayPassAnswer(_ digit: Character, key: String, failOpen: Bool, reason: String, next: String,
                                declineTo: String) {
        inputDeadline = nil
        if digit == config.dayPass.declineDigit {
            log(.dayPassDeclined(.init(reason: "caller pressed \(digit)")))
            enterNode(declineTo, long: true)
            return
        }
        guard digit == config.dayPass.confirmDigit, case .success(let callerID) = config.dayPass.subscriberNumber(context.callerID) else {
            invalidInput(String(digit))
            return
        }
        let grantedAt = wallNow
        let grant = DayPassGrant(idempotencyKey: key, callerID: callerID, grantedAt: grantedAt,
                                 expiresAt: grantedAt.adding(seconds: Int64(config.dayPass.durationHours) * 3600),
                                 failOpen: failOpen, reason: reason)
        grantedPass = grant
        provisionalGranted = failOpen
        out.append(.grantDayPass(grant))
        log(.dayPassGranted(.init(key: key, failOpen: failOpen ? "yes: balance unknown, caller in distress" : "no",
                                  provisional: failOpen ? "yes: an agent confirms it in this call" : "no", msisdn: callerID, reason: reason,
                                  expiresAt: SpokenFormat.dateTime(grant.expiresAt, language: ""))))
        mode = .announce(then: .grantReadback(next: next))
        play([grantReadbackPrompt])
    }

    /// A repeated "yes" stopped the read-back: say the expiry again rather than skip it.
    mutating func replayGrantReadback() {
        play([grantReadbackPrompt])
    }
}
