/// The emergency day pass rules: who may have one, how often, for how long.
public struct DayPassPolicy: Sendable, Equatable {
    /// Eligible when the balance is at or below this (minor units).
    public var balanceThresholdMinorUnits: Int = 0
    /// At most one pass per caller per this many days.
    public var cooldownDays: Int = 7
    /// How long a pass lasts.
    public var durationHours: Int = 24
    /// A caller in distress whose balance is unknown gets the pass anyway.
    public var failOpenInDistress: Bool = true
    /// Distress score at which a caller counts as in distress for fail-open (below the hand-off threshold).
    public var distressScore: Double = 0.5
    /// Digit that confirms the offer.
    public var confirmDigit: Character = "1"
    /// Digit that declines the offer.
    public var declineDigit: Character = "2"

    /// The shipped policy.
    public init() {}

    /// The decision for this caller now; `inDistress` enables fail-open for an unknown balance.
    public func decide(callerID: String?, balance: Balance, lastGrantedAt: WallTime?, now: WallTime,
                       inDistress: Bool) -> DayPassDecision {
        guard let callerID, !callerID.isEmpty else {
            return .noCallerID
        }
        if let last = lastGrantedAt {
            let nextAllowed = last.adding(seconds: Int64(cooldownDays) * 86_400)
            if now < nextAllowed {
                return .rateLimited(lastGrantedAt: last, nextAllowedAt: nextAllowed)
            }
        }
        let key = idempotencyKey(callerID: callerID, lastGrantedAt: lastGrantedAt)
        switch balance {
        case .known(let amount) where amount <= balanceThresholdMinorUnits:
            return .eligible(key: key, failOpen: false,
                             reason: "balance \(amount) <= threshold \(balanceThresholdMinorUnits)")
        case .stale(let amount) where amount <= balanceThresholdMinorUnits:
            return .eligible(key: key, failOpen: false,
                             reason: "stale balance \(amount) <= threshold \(balanceThresholdMinorUnits)")
        case .known(let amount):
            return .notEligible(reason: "balance \(amount) > threshold \(balanceThresholdMinorUnits)")
        case .stale, .unknown:
            if inDistress && failOpenInDistress {
                return .eligible(key: key, failOpen: true,
                                 reason: "balance \(balance.logValue), caller in distress: fail-open")
            }
            return .balanceUnknown(reason: "balance \(balance.logValue) and caller not in distress")
        }
    }

    /// The key for "this caller's first pass after their previous one": the same across retries and restarts.
    public func idempotencyKey(callerID: String, lastGrantedAt: WallTime?) -> String {
        "daypass:\(callerID):after:\(lastGrantedAt.map { String($0.secondsSinceEpoch) } ?? "never")"
    }
}

/// What the day pass policy says for one caller.
public enum DayPassDecision: Sendable, Equatable {
    /// Offer the pass; grant with this idempotency key.
    case eligible(key: String, failOpen: Bool, reason: String)
    /// A pass was granted within the cooldown.
    case rateLimited(lastGrantedAt: WallTime, nextAllowedAt: WallTime)
    /// The balance is above the threshold, or there is nobody to grant to.
    case notEligible(reason: String)
    /// The balance is unknown (or stale and above the threshold) and the caller is not in distress.
    case balanceUnknown(reason: String)
    /// The network sent no caller ID: no balance to check, nobody to grant to.
    case noCallerID
}
