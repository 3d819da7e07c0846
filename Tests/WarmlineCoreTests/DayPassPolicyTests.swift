import Testing
import WarmlineText
@testable import WarmlineCore

@Suite("Day pass policy")
struct DayPassPolicyTests {
    private let now = WallTime(secondsSinceEpoch: 1_795_000_000)
    private let policy = DayPassPolicy()
    /// A plausible subscriber number (the tests used "1", which is now refused as a short code).
    private let caller = "+15550402"

    @Test("Eligible at or below the threshold, known or stale; not above it")
    func threshold() {
        if case .eligible(_, let failOpen, _) = policy.decide(callerID: caller, balance: .known(minorUnits: 0),
                                                              lastGrantedAt: nil, now: now, inDistress: false) {
            #expect(!failOpen)
        } else {
            Issue.record("zero balance must be eligible")
        }
        #expect(policy.decide(callerID: caller, balance: .known(minorUnits: 1), lastGrantedAt: nil, now: now, inDistress: true)
            == .notEligible(reason: "balance 1 > threshold 0"))
        if case .eligible = policy.decide(callerID: caller, balance: .stale(minorUnits: -50), lastGrantedAt: nil, now: now,
                                          inDistress: false) {} else { Issue.record("stale zero balance must be eligible") }
    }

    @Test("One pass per seven days: refused at 6 days 23 h, allowed at 7 days")
    func rateLimit() {
        var policy = policy
        policy.cooldownDays = 7  // the default is 30 days now; the mechanism is the same
        let almost = now.adding(seconds: -(7 * 86_400 - 3600))
        #expect(policy.decide(callerID: caller, balance: .known(minorUnits: 0), lastGrantedAt: almost, now: now,
                              inDistress: true)
            == .rateLimited(lastGrantedAt: almost, nextAllowedAt: almost.adding(seconds: 7 * 86_400)))
        let week = now.adding(seconds: -7 * 86_400)
        if case .eligible(let key, _, _) = policy.decide(callerID: caller, balance: .known(minorUnits: 0), lastGrantedAt: week,
                                                         now: now, inDistress: false) {
            #expect(key == "daypass:+15550402:after:\(week.secondsSinceEpoch)")
        } else {
            Issue.record("a pass a week ago must not block a new one")
        }
    }

    @Test("An unknown balance is a case: fail-open in distress, a polite refusal otherwise")
    func unknownBalance() {
        if case .eligible(_, let failOpen, let reason) = policy.decide(callerID: caller, balance: .unknown, lastGrantedAt: nil,
                                                                       now: now, inDistress: true) {
            #expect(failOpen)
            #expect(reason == "balance unknown, caller in distress: fail-open")
        } else {
            Issue.record("distress with unknown balance must be eligible")
        }
        #expect(policy.decide(callerID: caller, balance: .unknown, lastGrantedAt: nil, now: now, inDistress: false)
            == .balanceUnknown(reason: "balance unknown and caller not in distress"))
        #expect(policy.decide(callerID: nil, balance: .known(minorUnits: 0), lastGrantedAt: nil, now: now, inDistress: true)
            == .noCallerID)
    }

    @Test("The idempotency key depends only on the caller and their previous grant, not on the call or time")
    func idempotencyKey() {
        let first = policy.decide(callerID: "+905551234567", balance: .known(minorUnits: 0), lastGrantedAt: nil, now: now,
                                  inDistress: false)
        let afterRestart = policy.decide(callerID: "+905551234567", balance: .unknown, lastGrantedAt: nil,
                                         now: now.adding(seconds: 90), inDistress: true)
        guard case .eligible(let a, _, _) = first, case .eligible(let b, _, _) = afterRestart else {
            Issue.record("both must be eligible")
            return
        }
        #expect(a == b)
        #expect(a != policy.idempotencyKey(callerID: "+905551234568", lastGrantedAt: nil))
    }

    @Test("+15550402, 15550402, 0015550402 and +015550402 are one subscriber: one key, so one pass")
    func fourCallerIDVariantsOneKey() {
        let keys = ["+15550402", "15550402", "0015550402", "+015550402"].map { callerID -> String? in
            if case .eligible(let key, _, _) = policy.decide(callerID: callerID, balance: .known(minorUnits: 0), lastGrantedAt: nil,
                                                             now: now, inDistress: false) { return key }
            return nil
        }
        #expect(keys == Array(repeating: "daypass:+15550402:after:never", count: 4))
    }

    @Test("A short code, letters, escape codes or a withheld marker never get a pass, with the rule named")
    func implausibleCallerIDs() {
        for callerID in ["99999", "112", "+1555\u{1b}[2J0402", "anonymous", "withheld", "+", "12345678901234567890"] {
            let decision = policy.decide(callerID: callerID, balance: .known(minorUnits: 0), lastGrantedAt: nil, now: now,
                                         inDistress: true)
            guard case .notPlausible(let reason) = decision else {
                Issue.record("\(callerID.debugDescription) must not be eligible: \(decision)")
                continue
            }
            #expect(reason.hasPrefix("caller ID "))
            #expect(decision.rule == "caller_id_not_plausible")
        }
    }

    @Test("At most one pass per 30 days by default: refused at 29 days, allowed at 30")
    func thirtyDayDefault() {
        #expect(policy.cooldownDays == 30)
        let almost = now.adding(seconds: -29 * 86_400)
        let refused = policy.decide(callerID: caller, balance: .known(minorUnits: 0), lastGrantedAt: almost, now: now, inDistress: false)
        #expect(refused == .rateLimited(lastGrantedAt: almost, nextAllowedAt: almost.adding(seconds: 30 * 86_400)))
        #expect(refused.rule == "cooldown")
        if case .eligible = policy.decide(callerID: caller, balance: .known(minorUnits: 0), lastGrantedAt: now.adding(seconds: -30 * 86_400),
                                          now: now, inDistress: false) {} else { Issue.record("30 days later a pass is allowed again") }
    }

    @Test("One open pass per subscriber even with no cooldown, and the unit-wide hourly cap refuses the next one")
    func openPassAndUnitCap() {
        var policy = policy
        policy.cooldownDays = 0
        let open = policy.decide(callerID: caller, balance: .known(minorUnits: 0), lastGrantedAt: now.adding(seconds: -3600), now: now,
                                 inDistress: false, lastExpiresAt: now.adding(seconds: 3600))
        #expect(open == .passStillOpen(expiresAt: now.adding(seconds: 3600)))
        #expect(open.rule == "one_open_pass")
        #expect(policy.unitMaxPerHour == 10)
        let capped = policy.decide(callerID: caller, balance: .known(minorUnits: 0), lastGrantedAt: nil, now: now, inDistress: false,
                                   unitGrantsLastHour: 10)
        #expect(capped == .unitCapReached(grantedLastHour: 10, limit: 10))
        #expect(capped.rule == "unit_hourly_cap")
        if case .eligible = policy.decide(callerID: caller, balance: .known(minorUnits: 0), lastGrantedAt: nil, now: now,
                                          inDistress: false, unitGrantsLastHour: 9) {} else { Issue.record("9 of 10: still allowed") }
    }
}
