/// The recogniser's share of the CPU, as a token bucket in milliseconds of worker CPU time.
///
/// Credit refills at `percent` of elapsed time up to `burstMs`; each transcript's CPU time is spent from it. While the
/// credit is used up, sentences are not sent: their lines decide on PocketSphinx alone at the tuned cuts, as with a busy
/// worker. One caller talking stays well inside it; every line talking at once on a small board is held to the share
/// instead of starving the audio threads.
public struct RecognizerBudget: Sendable, Equatable {
    /// Share of one core the worker may use over time (percent; 0 or 100 and more: no limit).
    public let percent: Int
    /// Most credit saved up while idle (milliseconds of CPU), so a sentence after a quiet spell is always sent.
    public let burstMs: Double
    /// The deepest the credit goes below zero (milliseconds of CPU).
    public static let deepestDebtMs = 10_000.0
    private var creditMs: Double
    private var lastMs: Double?

    /// A full bucket.
    public init(percent: Int, burstMs: Double = 1500) {
        self.percent = percent
        self.burstMs = burstMs
        creditMs = burstMs
    }

    /// Whether the limit is on.
    public var isLimited: Bool { percent > 0 && percent < 100 }

    /// The credit left at `nowMs` (refilled for the time since the last call).
    public mutating func credit(atMs nowMs: Double) -> Double {
        if let lastMs, nowMs > lastMs {
            creditMs = min(burstMs, creditMs + (nowMs - lastMs) * Double(percent) / 100)
        }
        lastMs = max(lastMs ?? nowMs, nowMs)
        return creditMs
    }

    /// True when a sentence may be sent at `nowMs`.
    public mutating func admits(atMs nowMs: Double) -> Bool {
        !isLimited || credit(atMs: nowMs) > 0
    }

    /// Charges CPU time (negative: gives back a reservation that was not used).
    public mutating func spend(_ cpuMs: Double, atMs nowMs: Double) {
        guard isLimited else { return }
        _ = credit(atMs: nowMs)
        // every millisecond counts (a replacement worker's model load too), so the share holds on average; the debt
        // stops at 10 s of CPU so one pathological decode does not silence the recogniser for many minutes
        creditMs = min(burstMs, max(-Self.deepestDebtMs, creditMs - cpuMs))
    }
}
