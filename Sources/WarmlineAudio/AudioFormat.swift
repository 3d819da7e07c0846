/// The sample format of one line's audio: S16 mono at a telephone rate, in fixed periods.
public struct AudioFormat: Sendable, Equatable, CustomStringConvertible {
    /// Frames per second (8000 or 16000).
    public var sampleRate: Int
    /// Frames per period (20 ms at 8 kHz = 160).
    public var periodFrames: Int
    /// Periods in the device buffer (2 to 4).
    public var bufferPeriods: Int

    /// Rates Warmline's DSP and prompts can run at.
    public static let supportedRates: [Int] = [8000, 16000]

    /// A format with the given rate, a period of `periodMs` and `bufferPeriods` periods of buffer.
    public init(sampleRate: Int = 8000, periodMs: Int = 20, bufferPeriods: Int = 3) {
        self.sampleRate = sampleRate
        self.periodFrames = sampleRate * periodMs / 1000
        self.bufferPeriods = bufferPeriods
    }

    /// A format with an exact period size in frames.
    public init(sampleRate: Int, periodFrames: Int, bufferPeriods: Int) {
        self.sampleRate = sampleRate
        self.periodFrames = periodFrames
        self.bufferPeriods = bufferPeriods
    }

    /// Frames in the whole device buffer.
    public var bufferFrames: Int { periodFrames * bufferPeriods }

    /// Frames in `ms` milliseconds at this rate.
    public func frames(ms: Int) -> Int { sampleRate * ms / 1000 }

    /// Milliseconds in `frames` frames at this rate.
    public func milliseconds(frames: Int64) -> Double { Double(frames) * 1000 / Double(sampleRate) }

    public var description: String {
        "S16_LE mono \(sampleRate) Hz, period \(periodFrames) frames, buffer \(bufferPeriods) periods"
    }
}
