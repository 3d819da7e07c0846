import Foundation
import WarmlineAudio

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

/// The product's pacing: the line's sound card keeps time (a blocking ALSA read per period). While the call waits on
/// the board or the network, the loop is also held to real time: a device that delivers faster than real time (ALSA's
/// `file` plugin) must not let the call's timers run out before a wall-clock party (dial tone, an agent) could answer.
/// On a sound card the hold never sleeps: the card is already real time.
public struct LivePacing: CallPacing {
    private var hold: RealTimeHold

    /// A live line never waits for the spotter: speech is decided off the loop and heard a period or two later.
    public var waitsForSpeech: Bool { false }
    /// A live line reports slow periods.
    public var reportsSlowPeriods: Bool { true }

    /// Live pacing for a line at `rate` frames per second.
    public init(rate: Int = 8000) { hold = RealTimeHold(rate: rate) }

    /// Holds real time while the call waits on the board; otherwise the next blocking read is the clock.
    public mutating func periodEnded(atFrame frame: Int, waitsOnBoard: Bool) -> String? {
        hold.step(frame: frame, realTime: waitsOnBoard)
        return nil
    }
}

/// Holds a loop's call frames to the wall clock while asked (anchored where the hold began): frames ahead of real
/// time are slept off, frames behind are not made up.
public struct RealTimeHold: Sendable {
    /// Frames per second.
    public let rate: Int
    private var anchor: (frame: Int, seconds: Double)?

    /// A hold for a loop at `rate` frames per second.
    public init(rate: Int) { self.rate = max(1, rate) }

    /// Sleeps so that frames advance no faster than real time while `realTime` holds; releases the anchor otherwise.
    public mutating func step(frame: Int, realTime: Bool) {
        guard realTime else { anchor = nil; return }
        let now = MonotonicClock.seconds()
        guard let anchor else { self.anchor = (frame, now); return }
        let ahead = Double(frame - anchor.frame) / Double(rate) - (now - anchor.seconds)
        if ahead > 0.001 { usleep(UInt32(ahead * 1_000_000)) }
    }
}
