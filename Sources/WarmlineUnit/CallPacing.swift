/// How a call's audio loop keeps time, chosen by whoever opens the call's audio (`CallAudio`).
///
/// A live line is paced by its sound card: ALSA's blocking read returns one period every 20 ms, so the loop needs no
/// clock of its own (`LivePacing`). A harness that feeds a caller from a file runs as fast as the CPU allows and
/// brings its own pacing (`WarmlineSimulation`'s `FileFedPacing`): it waits for the keyword spotter each period, slows to
/// real time while the call waits on the board, and ends its scripted caller.
public protocol CallPacing {
    /// The loop waits for the keyword spotter each period (the same hits at the same frames every run).
    var waitsForSpeech: Bool { get }
    /// A period that took longer than it should is reported (a live line: a stalled loop is a fault).
    var reportsSlowPeriods: Bool { get }
    /// Called at the end of each period with the call frame and whether the call waits on the board or the network;
    /// may wait to hold real time. Returns a line for the call's transcript when it did something worth saying.
    mutating func periodEnded(atFrame frame: Int, waitsOnBoard: Bool) -> String?
}

/// The product's pacing: the line's sound card keeps time (a blocking ALSA read per period); nothing waits here.
public struct LivePacing: CallPacing {
    /// A live line never waits for the spotter: speech is decided off the loop and heard a period or two later.
    public var waitsForSpeech: Bool { false }
    /// A live line reports slow periods.
    public var reportsSlowPeriods: Bool { true }

    /// Live pacing.
    public init() {}

    /// Nothing to do: the next blocking read is the clock.
    public mutating func periodEnded(atFrame frame: Int, waitsOnBoard: Bool) -> String? { nil }
}
