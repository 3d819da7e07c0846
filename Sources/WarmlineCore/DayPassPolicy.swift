import WarmlineText

/// The emergency day pass rules: who may have one, how often, for how long.
public struct DayPassPolicy: Sendable, Equatable {
    /// Eligible when the balance is at or below this (minor units).
    public var balanceThresholdMinorUnits: Int = 0
    /// At most one pass per subscriber per this many days (operators give one advance until repaid, or once a month).
    public var cooldownDays: Int = 30
    /// At most this many passes granted by the whole unit in any hour (a farming burst stops here).
    public var unitMaxPerHour: Int = 10
    /// How long a pass lasts.
    public var durationHours: Int = 24
    /// A caller in distress whose balance is unknown gets a provisional pass anyway, with an urgent hand-off.
    public var failOpenInDistress: Bool = true
    /// Spoken distress score (words, raised voice and pitch; never keys) at which an unknown balance gets a provisional pass.
    public var distressScore: Double = 0.5
    /// Digit that confirms the offer.
    public var confirmDigit: Character = "1"
    /// Digit that declines the offer.
    public var declineDigit: Character = "2"
    /// The unit's country (top-level `country:`): caller IDs and subscriber numbers are read as dialled there.
    public var country: DialingCountry = .unitedStates

    /// The shipped policy.
    public init() {}

    /// The subscriber number (E.164) of a caller ID, or why it cannot have a pass.
    public func subscriberNumber(_ callerID: String?) -> Result<String, PhoneNumber.Refusal> {
        guard let callerID else { return .failure(PhoneNumber.Refusal(reason: "no caller ID")) }
        return PhoneNumber.normalise(callerID, country: country)
    }

    /// The decision for this caller now; `inDistress` (spoken distress) enables a provisional pass for an unknown balance.
    /// `lastExpiresAt` is when the caller's last pass ends, `unitGrantsLastHour` the passes the unit granted in the past hour.
    public func decide(callerID: String?, balance: Balance, lastGrantedAt: WallTime?, now: WallTime,
                       inDistress: Bool, lastExpiresAt: WallTime? = nil, unitGrantsLastHour: Int = 0) -> DayPassDecision {
        guard let callerID, !callerID.isEmpty else {
            return .noCallerID
        }
        let number: String
        switch subscriberNumber(callerID) {
        case .success(let normalised): number = normalised
        case .failure(let refusal): return .notPlausible(reason: "caller ID \(refusal.reason)")
        }
        if let lastExpiresAt, now < lastExpiresAt {
            return .passStillOpen(expiresAt: lastExpiresAt)
        }
        if let last = lastGrantedAt {
            let nextAllowed = last.adding(seconds: Int64(cooldownDays) * 86_400)
            if now < nextAllowed {
                return .rateLimited(lastGrantedAt: last, nextAllowedAt: nextAllowed)
            }
        }
        let key = idempotencyKey(callerID: number, lastGrantedAt: lastGrantedAt)
        let eligible: DayPassDecision
        switch balance {
        case .known(let amount) where amount <= balanceThresholdMinorUnits:
            eligible = .eligible(key: key, failOpen: false,
                                 reason: "balance \(amount) <= threshold \(balanceThresholdMinorUnits)")
        case .stale(let amount) where amount <= balanceThresholdMinorUnits:
            eligible = .eligible(key: key, failOpen: false,
                                 reason: "stale balance \(amount) <= threshold \(balanceThresholdMinorUnits)")
        case .known(let amount):
            return .notEligible(reason: "balance \(amount) > threshold \(balanceThresholdMinorUnits)")
        case .stale, .unknown:
            guard inDistress && failOpenInDistress else {
                return .balanceUnknown(reason: "balance \(balance.logValue) and caller not in distress")
            }
            eligible = .eligible(key: key, failOpen: true, reason: "balance \(balance.logValue), caller in distress: fail-open")
        }
        if unitGrantsLastHour >= unitMaxPerHour {
            return .unitCapReached(grantedLastHour: unitGrantsLastHour, limit: unitMaxPerHour)
        }
        return eligible
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
    /// The caller ID is not a plausible subscriber number (a short code, letters, control characters).
    case notPlausible(reason: String)
    /// The caller's last pass still runs: one open pass per subscriber.
    case passStillOpen(expiresAt: WallTime)
    /// The unit granted its hourly limit of passes already.
    case unitCapReached(grantedLastHour: Int, limit: Int)

    /// The rule a refusal applies, as logged (`cooldown`, `unit_hourly_cap`, ...); nil when eligible.
    public var rule: String? {
        switch self {
        case .eligible: nil
        case .rateLimited: "cooldown"
        case .notEligible: "balance_above_threshold"
        case .balanceUnknown: "balance_unknown_no_spoken_distress"
        case .noCallerID: "no_caller_id"
        case .notPlausible: "caller_id_not_plausible"
        case .passStillOpen: "one_open_pass"
        case .unitCapReached: "unit_hourly_cap"
        }
    }
}
