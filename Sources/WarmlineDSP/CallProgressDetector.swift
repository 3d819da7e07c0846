/// A call-progress tone starting or ending, at absolute frame offsets.
public struct CallProgressEvent: Sendable, Equatable {
    /// Whether the tone was recognised or has stopped.
    public enum Kind: Sendable, Equatable {
        /// The tone's frequencies and cadence matched.
        case detected
        /// The tone stopped (silence longer than its cadence allows, or another tone).
        case ended
    }

    /// Detected or ended.
    public var kind: Kind
    /// Which tone.
    public var tone: CallProgressTone
    /// Frame offset at which the detector decided.
    public var frame: Int
    /// Estimated frame offset where the matched tone (its first matched on-period) began.
    public var startFrame: Int
}

/// Streaming call-progress tone detector (dial tone, ringback, busy, reorder) for one `TonePlan`.
///
/// Every 10 ms a 20 ms window is tested against each of the plan's frequency sets (Goertzel); the
/// on/off segments that result are matched against the plan's cadences within E.180 tolerance.
/// This is how far-end hang-up (busy/reorder) and transfer progress are seen on an analog line.
public struct CallProgressDetector: Sendable {
    /// Matching thresholds.
    public struct Configuration: Sendable, Equatable {
        /// Minimum total tone level (dBm0).
        public var minimumLevelDBm0: Double = -42
        /// Share of the window's power the tone's frequencies must carry.
        public var minimumPurity: Double = 0.7
        /// Relative cadence tolerance (E.180 allows ±10 %; measurement adds a little).
        public var cadenceTolerance: Double = 0.15
        /// Absolute cadence tolerance in ms, added to the relative one.
        public var cadenceSlackMs: Int = 40
        /// How long a continuous tone must last before it is reported (ms).
        public var continuousConfirmMs: Int = 1000

        /// Creates the default configuration.
        public init() {}
    }

    /// A stretch of one state: a frequency set on (index) or off (-1).
    private struct Segment { var set: Int; var startFrame: Int; var frames: Int }

    static let blockFrames = 80
    static let windowFrames = 160

    /// The plan in force.
    public let plan: TonePlan
    /// The configuration in force.
    public let configuration: Configuration
    /// The tone currently recognised, if any.
    public private(set) var currentTone: CallProgressTone?

    private let frequencies: [Double]
    private let sets: [[Int]]
    private let toneSet: [Int]
    private let coefficient: [Float]
    private let cosW: [Float]
    private let sinW: [Float]
    private let hopRe: [Float]
    private let hopIm: [Float]
    private let minimumPower: Double
    private let continuousConfirmFrames: [Int]
    private var s1: [Float]
    private var s2: [Float]
    private var blockEnergy: Float = 0
    private var previousRe: [Float]
    private var previousIm: [Float]
    private var previousEnergy: Float = 0
    private var fill = 0
    private var blocks = 0
    private var framesProcessed = 0
    private var segments: [Segment] = []
    private var current = Segment(set: -1, startFrame: 0, frames: 0)
    private var pendingState = -1
    private var pendingCount = 0
    private var currentToneStart = 0

    /// Creates a detector for `plan` on `sampleRate` Hz audio; only 8000 is supported.
    public init(plan: TonePlan, sampleRate: Int = 8000, configuration: Configuration = Configuration()) {
        precondition(sampleRate == 8000,
                     "CallProgressDetector works on 8000 Hz audio only, got \(sampleRate) Hz: resample to 8 kHz first")
        self.plan = plan
        self.configuration = configuration
        var freqs: [Double] = []
        var sets: [[Int]] = []
        var toneSet: [Int] = []
        for tone in plan.tones {
            let indices = tone.frequenciesHz.map { f -> Int in
                if let i = freqs.firstIndex(of: f) { return i }
                freqs.append(f)
                return freqs.count - 1
            }.sorted()
            if let s = sets.firstIndex(of: indices) { toneSet.append(s) } else { sets.append(indices); toneSet.append(sets.count - 1) }
        }
        frequencies = freqs
        self.sets = sets
        self.toneSet = toneSet
        let w = freqs.map { 2 * DSPMath.pi * $0 / Double(sampleRate) }
        coefficient = w.map { Float(2 * DSPMath.cos($0)) }
        cosW = w.map { Float(DSPMath.cos($0)) }
        sinW = w.map { Float(DSPMath.sin($0)) }
        hopRe = w.map { Float(DSPMath.cos($0 * Double(Self.blockFrames))) }
        hopIm = w.map { Float(-DSPMath.sin($0 * Double(Self.blockFrames))) }
        minimumPower = DBm0.meanPower(levelDBm0: configuration.minimumLevelDBm0)
        // A continuous tone must outlast every cadenced on-time on the same frequencies (EU ringback is 1 s of 425 Hz).
        continuousConfirmFrames = plan.tones.indices.map { t in
            let longestOnMs = plan.tones.indices.filter { toneSet[$0] == toneSet[t] }
                .flatMap { other in stride(from: 0, to: plan.tones[other].cadenceMs.count, by: 2).map { plan.tones[other].cadenceMs[$0] } }
                .max() ?? 0
            let ms = max(Double(configuration.continuousConfirmMs),
                         Double(longestOnMs) * (1 + configuration.cadenceTolerance) + Double(configuration.cadenceSlackMs) + 200)
            return Int(ms) * 8
        }
        s1 = Array(repeating: 0, count: freqs.count)
        s2 = s1
        previousRe = s1
        previousIm = s1
    }

    /// Feeds samples; returns the events they complete.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [CallProgressEvent] {
        var events: [CallProgressEvent] = []
        for sample in samples {
            let x = Float(sample)
            for i in frequencies.indices {
                let next = x + coefficient[i] * s1[i] - s2[i]
                s2[i] = s1[i]
                s1[i] = next
            }
            blockEnergy += x * x
            fill += 1
            framesProcessed += 1
            if fill == Self.blockFrames { finishBlock(into: &events) }
        }
        return events
    }

    /// Feeds samples; returns the events they complete.
    public mutating func process(_ samples: [Int16]) -> [CallProgressEvent] {
        samples.withUnsafeBufferPointer { process($0) }
    }

    private mutating func finishBlock(into events: inout [CallProgressEvent]) {
        var re = [Float](repeating: 0, count: frequencies.count)
        var im = re
        for i in frequencies.indices {
            re[i] = s1[i] - cosW[i] * s2[i]
            im[i] = sinW[i] * s2[i]
        }
        let energy = Double(blockEnergy + previousEnergy)
        var state = -1
        if blocks > 0 {
            // Window = previous block then this one, combined coherently.
            var power = [Double](repeating: 0, count: frequencies.count)
            for i in frequencies.indices {
                let r = previousRe[i] + re[i] * hopRe[i] - im[i] * hopIm[i]
                let m = previousIm[i] + re[i] * hopIm[i] + im[i] * hopRe[i]
                power[i] = 2 * Double(r * r + m * m) / Double(Self.windowFrames * Self.windowFrames)
            }
            state = classify(power: power, meanPower: energy / Double(Self.windowFrames))
        }
        previousRe = re
        previousIm = im
        previousEnergy = blockEnergy
        for i in frequencies.indices { s1[i] = 0; s2[i] = 0 }
        blockEnergy = 0
        fill = 0
        blocks += 1
        advance(state: state, into: &events)
    }

    /// Index of the frequency set that carries the window, or -1.
    private func classify(power: [Double], meanPower: Double) -> Int {
        guard meanPower >= minimumPower else { return -1 }
        var best = -1
        var bestPurity = configuration.minimumPurity
        for (s, set) in sets.enumerated() {
            let setPower = set.reduce(0.0) { $0 + power[$1] }
            // Every component must be present, or a one-frequency tone would also match a two-frequency set.
            guard set.allSatisfy({ power[$0] >= 0.15 * setPower }) else { continue }
            let purity = setPower / meanPower
            if purity > bestPurity { bestPurity = purity; best = s }
        }
        return best
    }

    private mutating func advance(state: Int, into events: inout [CallProgressEvent]) {
        let hop = Self.blockFrames
        // A new state must hold for two hops before it counts, so one odd window does not cut a segment.
        if state == current.set {
            current.frames += hop * (pendingCount + 1)
            pendingCount = 0
            pendingState = state
        } else if state == pendingState, pendingCount >= 1 {
            segments.append(current)
            if segments.count > 12 { segments.removeFirst(segments.count - 12) }
            current = Segment(set: state, startFrame: framesProcessed - (pendingCount + 1) * hop,
                              frames: (pendingCount + 1) * hop)
            pendingCount = 0
            match(into: &events)
        } else {
            if state != pendingState {
                current.frames += pendingCount * hop
                pendingState = state
                pendingCount = 0
            }
            pendingCount += 1
        }
        checkContinuousAndSilence(into: &events)
    }

    /// Tries every cadenced tone against the latest completed segments.
    private mutating func match(into events: inout [CallProgressEvent]) {
        for (t, tone) in plan.tones.enumerated() where !tone.isContinuous {
            let pattern = tone.cadenceMs
            let required = tone.kind == .ringback ? pattern.count - 1 : 2 * pattern.count - 1
            guard segments.count >= required else { continue }
            let recent = Array(segments.suffix(required))
            guard recent.first?.set == toneSet[t] else { continue }
            for rotation in stride(from: 0, to: pattern.count, by: 2) where matches(recent, pattern, rotation, set: toneSet[t]) {
                report(tone.kind, startFrame: recent[0].startFrame, into: &events)
                return
            }
        }
    }

    private func matches(_ recent: [Segment], _ pattern: [Int], _ rotation: Int, set: Int) -> Bool {
        for (i, segment) in recent.enumerated() {
            let expected = pattern[(rotation + i) % pattern.count]
            let isOn = i % 2 == 0
            guard isOn ? segment.set == set : segment.set == -1 else { return false }
            let ms = Double(segment.frames) / 8
            let allowed = Double(expected) * configuration.cadenceTolerance + Double(configuration.cadenceSlackMs)
            guard abs(ms - Double(expected)) <= allowed else { return false }
        }
        return true
    }

    private mutating func checkContinuousAndSilence(into events: inout [CallProgressEvent]) {
        for (t, tone) in plan.tones.enumerated() where tone.isContinuous && current.set == toneSet[t] {
            if current.frames >= continuousConfirmFrames[t], currentTone != tone.kind {
                report(tone.kind, startFrame: current.startFrame, into: &events)
            }
        }
        guard let tone = currentTone, let spec = plan.tone(tone) else { return }
        let longestOffMs = stride(from: 1, to: spec.cadenceMs.count, by: 2).map { spec.cadenceMs[$0] }.max() ?? 0
        let limitFrames = Int(Double(longestOffMs) * (1 + configuration.cadenceTolerance) + 200) * 8
        let stopped = spec.isContinuous ? current.set != toneSet[plan.tones.firstIndex(of: spec) ?? 0]
            : current.set == -1 && current.frames > limitFrames
        if stopped {
            events.append(CallProgressEvent(kind: .ended, tone: tone, frame: framesProcessed, startFrame: currentToneStart))
            currentTone = nil
        }
    }

    private mutating func report(_ tone: CallProgressTone, startFrame: Int, into events: inout [CallProgressEvent]) {
        guard currentTone != tone else { return }
        if let previous = currentTone {
            events.append(CallProgressEvent(kind: .ended, tone: previous, frame: framesProcessed, startFrame: currentToneStart))
        }
        currentTone = tone
        currentToneStart = startFrame
        events.append(CallProgressEvent(kind: .detected, tone: tone, frame: framesProcessed, startFrame: startFrame))
    }
}
