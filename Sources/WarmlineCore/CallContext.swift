/// What the unit knows about a call before it starts (looked up by caller ID in the store).
public struct CallContext: Sendable, Equatable {
    /// Unique id of this call (the store's call id).
    public var callID: String
    /// Caller ID from the network; nil when withheld or absent.
    public var callerID: String?
    /// Unit wall time when the call was answered (the engine never reads a clock).
    public var startedAt: WallTime
    /// Cached balance of the caller's subscription.
    public var balance: Balance
    /// When this caller last got an emergency day pass, if ever.
    public var lastDayPassGrantedAt: WallTime?
    /// When that pass ends.
    public var lastDayPassExpiresAt: WallTime?
    /// True once billing acknowledged that pass (its outbox entry is sent).
    public var lastDayPassConfirmed = false
    /// Start times of earlier calls from the same caller ID (the store may pass only recent ones).
    public var earlierCallsAt: [WallTime]
    /// Day passes the whole unit granted in the hour before the call (the unit-wide hourly cap).
    public var unitDayPassesLastHour = 0

    /// Makes a call context.
    public init(callID: String, callerID: String?, startedAt: WallTime, balance: Balance = .unknown,
                lastDayPassGrantedAt: WallTime? = nil, earlierCallsAt: [WallTime] = [],
                lastDayPassExpiresAt: WallTime? = nil, lastDayPassConfirmed: Bool = false) {
        self.lastDayPassExpiresAt = lastDayPassExpiresAt
        self.lastDayPassConfirmed = lastDayPassConfirmed
        self.callID = callID
        self.callerID = callerID
        self.startedAt = startedAt
        self.balance = balance
        self.lastDayPassGrantedAt = lastDayPassGrantedAt
        self.earlierCallsAt = earlierCallsAt
    }
}

/// A subscriber balance from the local cache, in minor units (cents, kopiyky, kuruş).
public enum Balance: Sendable, Equatable {
    /// A fresh cached balance.
    case known(minorUnits: Int)
    /// A cached balance older than the cache's freshness limit.
    case stale(minorUnits: Int)
    /// No cached balance for this caller (or no caller ID).
    case unknown

    /// The amount when one is cached, fresh or stale.
    public var minorUnits: Int? {
        switch self {
        case .known(let amount), .stale(let amount): amount
        case .unknown: nil
        }
    }

    /// Short text for logs: `1250`, `stale:1250`, `unknown`.
    public var logValue: String {
        switch self {
        case .known(let amount): "\(amount)"
        case .stale(let amount): "stale:\(amount)"
        case .unknown: "unknown"
        }
    }
}
