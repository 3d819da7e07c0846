import Testing
@testable import WarmlineCore

@Suite("Day pass policy")
struct DayPassPolicyTests {
    private let now = WallTime(secondsSinceEpoch: 1_795_000_000)
    private let policy = DayPassPolicy()

    @Test("Eligible at or below the threshold, known or stale; not above it")
    func threshold() {
        if case .eligible(_, let failOpen, _) = policy.decide(callerID: "1", balance: .known(minorUnits: 0),
                                                              lastGrantedAt: nil, now: now, inDistress: false) {
            #expect(!failOpen)
        } else {
            Issue.record("zero balance must be eligible")
        }
        #expect(policy.decide(callerID: "1", balance: .known(minorUnits: 1), lastGrantedAt: nil, now: now, inDistress: true)
            == .notEligible(reason: "balance 1 > threshold 0"))
        if case .eligible = policy.decide(callerID: "1", balance: .stale(minorUnits: -50), lastGrantedAt: nil, now: now,
                                          inDistress: false) {} else { Issue.record("stale zero balance must be eligible") }
    }

    @Test("One pass per seven days: refused at 6 days 23 h, allowed at 7 days")
    func rateLimit() {
        let almost = now.adding(seconds: -(7 * 86_400 - 3600))
        #expect(policy.decide(callerID: "1", balance: .known(minorUnits: 0), lastGrantedAt: almost, now: now,
                              inDistress: true)
            == .rateLimited(lastGrantedAt: almost, nextAllowedAt: almost.adding(seconds: 7 * 86_400)))
        let week = now.adding(seconds: -7 * 86_400)
        if case .eligible(let key, _, _) = policy.decide(callerID: "1", balance: .known(minorUnits: 0), lastGrantedAt: week,
                                                         now: now, inDistress: false) {
            #expect(key == "daypass:1:after:\(week.secondsSinceEpoch)")
        } else {
            Issue.record("a pass a week ago must not block a new one")
        }
    }

    @Test("An unknown balance is a case: fail-open in distress, a polite refusal otherwise")
    func unknownBalance() {
        if case .eligible(_, let failOpen, let reason) = policy.decide(callerID: "1", balance: .unknown, lastGrantedAt: nil,
                                                                       now: now, inDistress: true) {
            #expect(failOpen)
            #expect(reason == "balance unknown, caller in distress: fail-open")
        } else {
            Issue.record("distress with unknown balance must be eligible")
        }
        #expect(policy.decide(callerID: "1", balance: .unknown, lastGrantedAt: nil, now: now, inDistress: false)
            == .balanceUnknown(reason: "balance unknown and caller not in distress"))
        #expect(policy.decide(callerID: nil, balance: .known(minorUnits: 0), lastGrantedAt: nil, now: now, inDistress: true)
            == .noCallerID)
    }

    @Test("The idempotency key depends only on the caller and their previous grant, not on the call or time")
    func idempotencyKey() {
        let first = policy.decide(callerID: "+90", balance: .known(minorUnits: 0), lastGrantedAt: nil, now: now,
                                  inDistress: false)
        let afterRestart = policy.decide(callerID: "+90", balance: .unknown, lastGrantedAt: nil,
                                         now: now.adding(seconds: 90), inDistress: true)
        guard case .eligible(let a, _, _) = first, case .eligible(let b, _, _) = afterRestart else {
            Issue.record("both must be eligible")
            return
        }
        #expect(a == b)
        #expect(a != policy.idempotencyKey(callerID: "+91", lastGrantedAt: nil))
    }
}
