/// Per-frame signal level in dBm0 (see `DBm0`), streaming.
public struct LevelMeter: Sendable {
    /// The level of one frame.
    public struct Frame: Sendable, Equatable {
        /// Absolute frame offset of the frame's first sample.
        public var startFrame: Int
        /// RMS level in dBm0; `LevelMeter.silenceFloorDBm0` for digital silence.
        public var levelDBm0: Double
        /// Largest absolute sample value in the frame.
        public var peak: Int
    }

    /// Level reported for digital silence, so callers never see -inf or NaN.
    public static let silenceFloorDBm0 = -120.0

    /// Frames per measurement (160 = 20 ms at 8 kHz).
    public let frameLength: Int
    private var energy = 0.0
    private var peak = 0
    private var fill = 0
    private var framesProcessed = 0

    /// Creates a meter reporting every `frameLength` samples.
    public init(frameLength: Int = 160) {
        precondition(frameLength > 0, "LevelMeter frameLength must be positive, got \(frameLength)")
        self.frameLength = frameLength
    }

    /// Feeds samples; returns the frames they complete.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [Frame] {
        var frames: [Frame] = []
        for sample in samples {
            let x = Int(sample)
            energy += Double(x * x)
            peak = max(peak, abs(x))
            fill += 1
            framesProcessed += 1
            if fill == frameLength {
                frames.append(Frame(startFrame: framesProcessed - frameLength,
                                    levelDBm0: Self.level(meanPower: energy / Double(frameLength)), peak: peak))
                energy = 0; peak = 0; fill = 0
            }
        }
        return frames
    }

    /// Feeds samples; returns the frames they complete.
    public mutating func process(_ samples: [Int16]) -> [Frame] {
        samples.withUnsafeBufferPointer { process($0) }
    }

    /// RMS level in dBm0 of a whole buffer; the silence floor for an empty or silent one.
    public static func levelDBm0(_ samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return silenceFloorDBm0 }
        let energy = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return level(meanPower: energy / Double(samples.count))
    }

    /// Where a clean recording's speech ends: the frame after its last sample within 30 dB of its peak (a keyword's
    /// end when the keyword ends the sentence; the benchmarks' and tests' latency reference).
    public static func speechEndFrame(_ samples: [Int16]) -> Int {
        let peak = samples.map { abs(Int($0)) }.max() ?? 0
        return (samples.lastIndex { abs(Int($0)) * 30 > peak } ?? samples.count - 1) + 1
    }

    static func level(meanPower: Double) -> Double {
        max(silenceFloorDBm0, DBm0.level(meanPower: meanPower))
    }
}
