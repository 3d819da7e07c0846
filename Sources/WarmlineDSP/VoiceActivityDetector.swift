/// Streaming voice activity detector for 8 kHz audio: a decision every 10 or 20 ms.
///
/// Each frame's spectrum (256-point FFT over the newest 32 ms, Hann window) is split into four
/// speech bands; each band keeps an adaptive noise floor (falls fast, rises slowly, tracks during
/// non-speech, follows outright once the level has been steady for 0.8 s). A frame is speech when the bands' summed SNR clears the threshold, unless its power
/// sits in one or two spectral lines (DTMF, call-progress and other tones are not speech). A
/// hangover keeps the decision up briefly after speech, so word endings and short gaps are kept.
public struct VoiceActivityDetector: Sendable {
    /// Tuning; the defaults track WebRTC VAD mode 2 on the Warmline bench.
    public struct Configuration: Sendable, Equatable {
        /// Decision period in milliseconds: 10 or 20.
        public var frameMs: Int = 20
        /// Summed band SNR (dB above each band's floor, clipped at 0) a frame needs to be speech.
        public var thresholdDB: Double = 6
        /// dB above its floor a band must be before it adds to the score.
        public var bandMarginDB: Double = 1
        /// Frames below this level are never speech (dBm0).
        public var minimumLevelDBm0: Double = -55
        /// Frames kept as speech after the last speech frame, in clean conditions.
        public var hangoverFrames: Int = 4
        /// Extra hangover frames, one per `hangoverSlopeDB` the estimated SNR falls below `hangoverKneeDB` (noise hides word endings).
        public var maximumExtraHangoverFrames: Int = 6
        /// dB of SNR deficit per extra hangover frame.
        public var hangoverSlopeDB: Double = 1
        /// Estimated SNR (dB) below which the hangover grows.
        public var hangoverKneeDB: Double = 11
        /// Share of the frame's in-band power in its two strongest lines above which it is a tone.
        public var toneShare: Double = 0.9
        /// How fast the noise floor may rise during speech-like frames (dB per second).
        public var floorRiseDBPerSecond: Double = 3

        /// Creates the default configuration.
        public init() {}
    }

    /// The decision for one frame.
    public struct Decision: Sendable, Equatable {
        /// Absolute frame offset of the frame's first sample.
        public var startFrame: Int
        /// True when the frame is (or is held as) speech.
        public var isSpeech: Bool
        /// True when the frame's power is in one or two spectral lines (a tone, not speech).
        public var isTone: Bool
        /// The frame's level in dBm0.
        public var levelDBm0: Double
    }

    static let fftSize = 256
    static let bandEdgesHz: [Double] = [125, 500, 1000, 2000, 3500]

    /// The configuration in force.
    public let configuration: Configuration
    /// Samples per decision.
    public let frameLength: Int
    private let fft = FFT(size: fftSize)
    private let window: ContiguousArray<Float>
    private let bandBins: [(Int, Int)]
    private let riseFactor: Double
    private var history: ContiguousArray<Float>
    private var re: ContiguousArray<Float>
    private var im: ContiguousArray<Float>
    private var power: ContiguousArray<Float>
    private var floor: [Double]
    private var fill = 0
    private var framesProcessed = 0
    private var decisions = 0
    private var hangover = 0
    private var previousLines = (0, 0)
    private var speechLevelDB = -1000.0
    private var framesSinceTone = 1000
    private var recentLevelsDB: [Double]
    private var recentHead = 0

    /// Creates a detector for `sampleRate` Hz audio; only 8000 is supported.
    public init(sampleRate: Int = 8000, configuration: Configuration = Configuration()) {
        precondition(sampleRate == 8000,
                     "VoiceActivityDetector works on 8000 Hz audio only, got \(sampleRate) Hz: resample to 8 kHz first")
        precondition(configuration.frameMs == 10 || configuration.frameMs == 20,
                     "VoiceActivityDetector frameMs must be 10 or 20, got \(configuration.frameMs)")
        self.configuration = configuration
        frameLength = configuration.frameMs * 8
        let n = Self.fftSize
        window = ContiguousArray((0..<n).map { Float(0.5 - 0.5 * DSPMath.cos(2 * DSPMath.pi * Double($0) / Double(n))) })
        let binHz = 8000.0 / Double(n)
        var bands: [(Int, Int)] = []
        for i in 0..<(Self.bandEdgesHz.count - 1) {
            bands.append((Int(Self.bandEdgesHz[i] / binHz), Int(Self.bandEdgesHz[i + 1] / binHz)))
        }
        bandBins = bands
        riseFactor = DSPMath.powerRatio(dB: configuration.floorRiseDBPerSecond * Double(configuration.frameMs) / 1000)
        history = ContiguousArray(repeating: 0, count: n)
        re = ContiguousArray(repeating: 0, count: n)
        im = ContiguousArray(repeating: 0, count: n)
        power = ContiguousArray(repeating: 0, count: n / 2 + 1)
        floor = Array(repeating: -1, count: bands.count)
        recentLevelsDB = Array(repeating: 0, count: 800 / configuration.frameMs)
    }

    /// Feeds samples; returns one decision per completed frame.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [Decision] {
        var out: [Decision] = []
        let n = Self.fftSize
        for sample in samples {
            history[n - frameLength + fill] = Float(sample)
            fill += 1
            framesProcessed += 1
            if fill == frameLength {
                out.append(decide())
                history.withUnsafeMutableBufferPointer { h in
                    for i in 0..<(n - frameLength) { h[i] = h[i + frameLength] }
                }
                fill = 0
            }
        }
        return out
    }

    /// Feeds samples; returns one decision per completed frame.
    public mutating func process(_ samples: [Int16]) -> [Decision] {
        samples.withUnsafeBufferPointer { process($0) }
    }

    private mutating func decide() -> Decision {
        let n = Self.fftSize
        var frameEnergy = 0.0
        for i in (n - frameLength)..<n { frameEnergy += Double(history[i]) * Double(history[i]) }
        let level = LevelMeter.level(meanPower: frameEnergy / Double(frameLength))
        for i in 0..<n { re[i] = history[i] * window[i]; im[i] = 0 }
        fft.transform(re: &re, im: &im)
        for k in 0...(n / 2) { power[k] = re[k] * re[k] + im[k] * im[k] }

        var bandPower = [Double](repeating: 0, count: bandBins.count)
        var inBand = 0.0
        for (b, range) in bandBins.enumerated() {
            var sum = 0.0
            for k in range.0..<range.1 { sum += Double(power[k]) }
            bandPower[b] = sum + 1e-3
            inBand += sum
        }
        let tone = isTonal(inBandPower: inBand)

        decisions += 1
        // The first 300 ms (once the FFT history is full) only learn the line's noise floor.
        let historyFrames = Self.fftSize / frameLength
        let learning = decisions <= historyFrames + 300 / configuration.frameMs
        var score = 0.0
        for b in bandPower.indices {
            if decisions <= historyFrames || floor[b] < 0 {
                floor[b] = bandPower[b]
            } else if learning {
                floor[b] = 0.7 * floor[b] + 0.3 * bandPower[b]
            }
            // The margin absorbs the frame-to-frame wobble of noise around its mean.
            score += max(0, DSPMath.decibels(powerRatio: bandPower[b] / floor[b]) - configuration.bandMarginDB)
        }
        // The transient as a tone stops is not speech: speech may not start right after a tonal frame.
        framesSinceTone = tone ? 0 : framesSinceTone + 1
        let canStart = hangover > 0 || framesSinceTone >= 2
        let speechNow = !learning && !tone && canStart && level >= configuration.minimumLevelDBm0 && score >= configuration.thresholdDB
        // Over the last 0.8 s, a level that never moved more than 5 dB is noise (speech has syllables and pauses).
        recentLevelsDB[recentHead] = DSPMath.decibels(powerRatio: inBand + 1)
        recentHead = (recentHead + 1) % recentLevelsDB.count
        let stationary = decisions > recentLevelsDB.count
            && (recentLevelsDB.max() ?? 0) - (recentLevelsDB.min() ?? 0) < 5 && !tone
        for b in bandPower.indices {
            if stationary {
                floor[b] = 0.9 * floor[b] + 0.1 * bandPower[b]
            } else if bandPower[b] < floor[b] {
                // The floor tracks the noise's mean, not its minimum; a real drop (6 dB) is followed fast.
                let weight = bandPower[b] < 0.25 * floor[b] ? 0.5 : 0.1
                floor[b] = (1 - weight) * floor[b] + weight * bandPower[b]
            } else if speechNow {
                floor[b] *= riseFactor
            } else {
                // Non-speech frames pull the floor toward the current noise, bounded by the rise rate's big brother.
                floor[b] = min(floor[b] * riseFactor * riseFactor * riseFactor, 0.95 * floor[b] + 0.05 * bandPower[b])
            }
        }
        if speechNow {
            // Running speech level against the summed floors estimates the line's SNR, which sets the hangover.
            let levelDB = DSPMath.decibels(powerRatio: inBand + 1e-3)
            speechLevelDB = speechLevelDB < -999 ? levelDB : 0.95 * speechLevelDB + 0.05 * levelDB
            let noiseDB = DSPMath.decibels(powerRatio: floor.reduce(0, +))
            let deficit = max(0, configuration.hangoverKneeDB - (speechLevelDB - noiseDB))
            hangover = configuration.hangoverFrames + min(configuration.maximumExtraHangoverFrames, Int(deficit / configuration.hangoverSlopeDB))
        } else if hangover > 0 {
            hangover -= 1
        }
        return Decision(startFrame: framesProcessed - frameLength,
                        isSpeech: !stationary && (speechNow || (hangover > 0 && !tone)), isTone: tone, levelDBm0: level)
    }

    /// True when the two strongest spectral lines (peak ±1 bin) hold most in-band power and sat at
    /// the same bins last frame: tones are steady, voiced speech spreads over gliding harmonics.
    private mutating func isTonal(inBandPower: Double) -> Bool {
        guard inBandPower > 0, let first = bandBins.first, let last = bandBins.last else { return false }
        var best = (0, Float(0)), second = (0, Float(0))
        for k in (first.0 + 1)..<(last.1 - 1) where power[k] > power[k - 1] && power[k] >= power[k + 1] {
            if power[k] > best.1 { second = best; best = (k, power[k]) } else if power[k] > second.1 { second = (k, power[k]) }
        }
        var linePower = 0.0
        for (k, p) in [best, second] where p > 0 {
            for j in (k - 1)...(k + 1) where abs(j - best.0) > 1 || k == best.0 { linePower += Double(power[j]) }
        }
        let lines = (min(best.0, second.0), max(best.0, second.0))
        let steady = abs(lines.0 - previousLines.0) <= 1 && abs(lines.1 - previousLines.1) <= 1
        previousLines = lines
        // A very pure first frame of a tone is vetoed before it can start a hangover.
        return linePower >= configuration.toneShare * inBandPower && (steady || linePower >= 0.97 * inBandPower)
    }
}
