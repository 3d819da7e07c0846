/// Per-frame pitch (YIN) and loudness of a voice, streaming; feeds the raised-voice distress signal.
public struct PitchTracker: Sendable {
    /// Pitch and loudness of one frame.
    public struct Frame: Sendable, Equatable {
        /// Absolute frame offset of the frame's first sample.
        public var startFrame: Int
        /// Fundamental frequency in Hz, nil when the frame is unvoiced or silent.
        public var pitchHz: Double?
        /// YIN periodicity: 1 for perfectly periodic, near 0 for noise.
        public var periodicity: Double
        /// RMS level of the frame in dBm0 (silence floor for digital silence).
        public var loudnessDBm0: Double
    }

    /// Frames per decision (160 = 20 ms at 8 kHz).
    public let frameLength: Int
    /// Sample rate in Hz.
    public let sampleRate: Int
    private let minimumLag: Int
    private let maximumLag: Int
    private let threshold: Double
    private let minimumLevelDBm0: Double
    private var history: ContiguousArray<Float>
    private var difference: ContiguousArray<Double>
    private var fill = 0
    private var framesProcessed = 0

    /// Creates a tracker for pitches between `minimumPitchHz` and `maximumPitchHz`.
    public init(sampleRate: Int = 8000, frameLength: Int = 160, minimumPitchHz: Double = 60,
                maximumPitchHz: Double = 500, threshold: Double = 0.15, minimumLevelDBm0: Double = -50) {
        precondition(sampleRate > 0 && frameLength > 0, "PitchTracker needs a positive sample rate and frame length")
        precondition(minimumPitchHz > 0 && maximumPitchHz > minimumPitchHz,
                     "PitchTracker pitch range \(minimumPitchHz)...\(maximumPitchHz) Hz is empty")
        self.sampleRate = sampleRate
        self.frameLength = frameLength
        self.threshold = threshold
        self.minimumLevelDBm0 = minimumLevelDBm0
        minimumLag = max(2, Int(Double(sampleRate) / maximumPitchHz))
        maximumLag = Int(Double(sampleRate) / minimumPitchHz) + 1
        history = ContiguousArray(repeating: 0, count: max(frameLength, 2 * maximumLag) + maximumLag)
        difference = ContiguousArray(repeating: 0, count: maximumLag + 2)
    }

    /// Feeds samples; returns the frames they complete.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [Frame] {
        var frames: [Frame] = []
        for sample in samples {
            // History is a shift register of the newest samples; one frame shift per frame.
            history[history.count - frameLength + fill] = Float(sample)
            fill += 1
            framesProcessed += 1
            if fill == frameLength {
                frames.append(analyse())
                history.withUnsafeMutableBufferPointer { h in
                    for i in 0..<(h.count - frameLength) { h[i] = h[i + frameLength] }
                }
                fill = 0
            }
        }
        return frames
    }

    /// Feeds samples; returns the frames they complete.
    public mutating func process(_ samples: [Int16]) -> [Frame] {
        samples.withUnsafeBufferPointer { process($0) }
    }

    private mutating func analyse() -> Frame {
        let start = framesProcessed - frameLength
        let n = history.count
        var energy = 0.0
        for i in (n - frameLength)..<n { energy += Double(history[i]) * Double(history[i]) }
        let loudness = LevelMeter.level(meanPower: energy / Double(frameLength))
        guard loudness >= minimumLevelDBm0 else {
            return Frame(startFrame: start, pitchHz: nil, periodicity: 0, loudnessDBm0: loudness)
        }
        // YIN: difference function over a window of `maximumLag` samples ending at the newest sample.
        let window = maximumLag
        let base = n - window - maximumLag
        var running = 0.0
        difference[0] = 1
        var bestValue = Double.infinity
        for lag in 1...maximumLag {
            var d = 0.0
            for i in 0..<window {
                let e = Double(history[base + maximumLag + i] - history[base + maximumLag + i - lag])
                d += e * e
            }
            running += d
            let normalized = running > 0 ? d * Double(lag) / running : 1
            difference[lag] = normalized
            if lag >= minimumLag, normalized < bestValue { bestValue = normalized }
        }
        // First dip under the threshold (avoids octave errors), refined to its local minimum.
        var chosen = -1
        var lag = minimumLag
        while lag < maximumLag {
            if difference[lag] < threshold {
                while lag + 1 < maximumLag, difference[lag + 1] < difference[lag] { lag += 1 }
                chosen = lag
                break
            }
            lag += 1
        }
        guard chosen > 0 else {
            return Frame(startFrame: start, pitchHz: nil, periodicity: max(0, 1 - bestValue), loudnessDBm0: loudness)
        }
        // Parabolic interpolation of the minimum for sub-sample period.
        let a = difference[chosen - 1], b = difference[chosen], c = difference[chosen + 1]
        let denominator = a - 2 * b + c
        let shift = denominator > 0 ? 0.5 * (a - c) / denominator : 0
        let period = Double(chosen) + max(-0.5, min(0.5, shift))
        return Frame(startFrame: start, pitchHz: Double(sampleRate) / period,
                     periodicity: max(0, 1 - b), loudnessDBm0: loudness)
    }
}
