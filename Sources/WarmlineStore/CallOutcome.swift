/// How a call ended for the caller: the one outcome vocabulary of `calls.outcome`, `calls --outcome` and `report`.
public enum CallOutcome: String, Sendable, Codable, CaseIterable {
    /// A person (an agent) took the call.
    case reachedPerson = "reached_person"
    /// No person was reached; a callback was promised and recorded.
    case callbackPromised = "callback_promised"
    /// The caller got what they came for from the menu (balance, day pass) or chose to end the call.
    case selfServed = "self_served"
    /// The caller hung up in the menu, without asking for a person and without being served.
    case abandonedInMenu = "abandoned_in_menu"
    /// The caller hung up while waiting for a person (a hand-off or the queue), before one answered.
    case abandonedWaiting = "abandoned_waiting"
    /// No person answered in time (or no target is configured): the line went to the bypass relay, the agent line.
    case bypassed
    /// The line or the unit failed during the call (the caller was given to the bypass relay).
    case failed

    /// Every outcome's stored name, for validating `--outcome`.
    public static let all = allCases.map(\.rawValue)

    /// The outcome these facts add up to; the unit (at the end of a call) and the v4 migration (from an old database's
    /// events) decide with this one rule.
    public static func derive(_ facts: CallFacts) -> CallOutcome {
        if facts.failed { return .failed }
        if facts.reachedPerson { return .reachedPerson }
        if facts.bypassed { return .bypassed }
        if facts.callbackPromised { return .callbackPromised }
        if facts.choseToEnd { return .selfServed }
        if facts.handoffStarted { return .abandonedWaiting }
        return facts.servedSelf ? .selfServed : .abandonedInMenu
    }
}

/// What is known about a finished call, from which its `CallOutcome` follows.
public struct CallFacts: Sendable, Equatable {
    /// The line, the board, the audio, the store or the unit failed during the call.
    public var failed = false
    /// A person took the call (the transfer completed).
    public var reachedPerson = false
    /// The line went to the bypass relay because no person answered in time.
    public var bypassed = false
    /// A callback was recorded.
    public var callbackPromised = false
    /// The caller chose to end the call from the menu.
    public var choseToEnd = false
    /// A hand-off to a person started (asked, distress, silent caller, menu failure or time bound).
    public var handoffStarted = false
    /// The caller was served without a person (balance read, day pass granted).
    public var servedSelf = false

    /// Makes the facts of a call; all false unless given.
    public init(failed: Bool = false, reachedPerson: Bool = false, bypassed: Bool = false, callbackPromised: Bool = false,
                choseToEnd: Bool = false, handoffStarted: Bool = false, servedSelf: Bool = false) {
        self.failed = failed
        self.reachedPerson = reachedPerson
        self.bypassed = bypassed
        self.callbackPromised = callbackPromised
        self.choseToEnd = choseToEnd
        self.handoffStarted = handoffStarted
        self.servedSelf = servedSelf
    }
}
