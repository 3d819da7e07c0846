/// A close look at a candidate DTMF tone pair over the last 20 ms, taken once per candidate digit.
///
/// The detector's 104-sample rectangular windows are fast but leaky: the strong tone's sidelobes
/// move the weak tone's reading by ±2 dB and its frequency by ±0.7 %. Two 128-sample Hann
/// sub-windows 4 ms apart give each tone's frequency to 0.15 % (from its phase advance); a 160-sample
/// Hann window at those frequencies reads each tone's power to half a dB, the share of the power the
/// pair carries, and the harmonics a keypad does not send (Q.23 keeps distortion 20 dB down; voices
/// and instruments that land on a tone pair carry them): the row tone's second and third, the column
/// tone's second. The row tone's second harmonic (1394-1882 Hz) can sit within a bin of the column
/// tone, so the two are estimated jointly; when they are too close to tell apart in 20 ms it is not
/// judged. Every transform is a four-lane Goertzel, so a look costs about a microsecond.
///
/// `levelHold` reads each tone's level at the start and at the end of a longer stretch (two 104-sample Hann
/// windows): a keypad holds its level, a struck note decays and a synth lead's beating detuned oscillators swing.
struct TonePairAnalysis: Sendable {
    /// What the analysis found; powers are mean powers in sample units squared.
    struct Reading {
        var lowHz: Double
        var highHz: Double
        var lowPower: Double
        var highPower: Double
        var meanPower: Double
        /// The strongest harmonic relative to its fundamental (power ratio).
        var worstHarmonicRatio: Double
    }

    /// Samples analysed, ending at the newest.
    static let lengthFrames = 160
    /// Two sub-windows this far apart give each tone's frequency from their phase difference.
    static let frequencyLagFrames = 32
    /// Above this kernel overlap (power) the row harmonic and the column tone are not resolvable.
    static let maximumOverlap = 0.5
    /// Length of the early and the late window of `levelHold` (154 Hz main lobe; the closest row and column
    /// tones are 268 Hz apart).
    static let levelWindowFrames = 104
    /// The longest stretch `levelHold` reads.
    static let maximumSpanFrames = 320

    /// Per sample: Hann weights of the early sub-window (lanes 0-1) and the late one (lanes 2-3).
    private let subWeights: ContiguousArray<SIMD4<Float>>
    /// Per sample: Hann weight of the whole window.
    private let weights: ContiguousArray<Float>
    /// Per sample: Hann weight of `levelHold`'s windows.
    private let levelWeights: ContiguousArray<Float>
    private let levelWindowSum: Double
    private let windowSum: Float
    private let sampleRate: Double
    /// e^{-jω} at the nominal row and column frequencies.
    private let rowSteps: [(re: Double, im: Double)]
    private let columnSteps: [(re: Double, im: Double)]

    init(sampleRate: Int) {
        let n = Self.lengthFrames, lag = Self.frequencyLagFrames
        // Hann without zero end points: its sidelobes fall fast, so the other tone does not leak in.
        func hann(_ k: Int, _ length: Int) -> Float {
            Float(0.5 - 0.5 * DSPMath.cos(2 * DSPMath.pi * Double(k + 1) / Double(length + 1)))
        }
        weights = ContiguousArray((0..<n).map { hann($0, n) })
        subWeights = ContiguousArray((0..<n).map { k in
            let early: Float = k < n - lag ? hann(k, n - lag) : 0
            let late: Float = k >= lag ? hann(k - lag, n - lag) : 0
            return SIMD4(early, early, late, late)
        })
        windowSum = weights.reduce(0, +)
        levelWeights = ContiguousArray((0..<Self.levelWindowFrames).map { hann($0, Self.levelWindowFrames) })
        levelWindowSum = Double(levelWeights.reduce(0, +))
        self.sampleRate = Double(sampleRate)
        func step(_ hz: Double) -> (re: Double, im: Double) {
            let w = 2 * DSPMath.pi * hz / Double(sampleRate)
            return (DSPMath.cos(w), -DSPMath.sin(w))
        }
        rowSteps = DTMFKeypad.rowFrequenciesHz.map(step)
        columnSteps = DTMFKeypad.columnFrequenciesHz.map(step)
    }

    /// Measures keypad row `row` and column `column` near `lowHz` and `highHz` in `ring` (a power-of-two ring
    /// whose newest sample is at `end - 1`).
    func measure(ring: UnsafeBufferPointer<Int16>, end: Int, row: Int, column: Int, lowHz: Double, highHz: Double) -> Reading {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.lengthFrames) { samples in
            let mask = ring.count - 1
            for k in 0..<Self.lengthFrames { samples[k] = Float(ring[(end - Self.lengthFrames + k) & mask]) }
            return subWeights.withUnsafeBufferPointer { subWeights in
                weights.withUnsafeBufferPointer { weights in
                    measure(UnsafeBufferPointer(samples), row: row, column: column, lowHz: lowHz, highHz: highHz,
                            subWeights: subWeights, weights: weights)
                }
            }
        }
    }

    /// Each tone's mean power in the first and in the last `levelWindowFrames` of the `span` samples of `ring` ending
    /// at `end - 1`, at `lowHz` (row `row`) and `highHz` (column `column`). `span` is clamped to
    /// `levelWindowFrames...maximumSpanFrames`; the two windows overlap when it is under twice their length.
    func levelHold(ring: UnsafeBufferPointer<Int16>, end: Int, span: Int, row: Int, column: Int,
                   lowHz: Double, highHz: Double) -> (lowEarly: Double, highEarly: Double, lowLate: Double, highLate: Double) {
        let n = Self.levelWindowFrames
        let span = min(max(span, n), Self.maximumSpanFrames)
        let low = phasor(lowHz, row: row), high = phasor(highHz, column: column)
        // Lanes: the two tones, and the window's response at the distance between them (for the joint solve).
        let steps = Lanes(low, high, Self.product(low, (high.re, -high.im)), (1, 0))
        return levelWeights.withUnsafeBufferPointer { w in
            // Each window reads X_low = S·a_low + K·a_high and X_high = S·a_high + K̄·a_low (S its sum, K its response
            // at the distance between the tones): solved, the other tone's sidelobe does not move a weak tone's
            // level (by up to 0.4 dB at -8 dB twist and ±1.5 % offsets otherwise).
            func levels(endingAt last: Int) -> (low: Double, high: Double) {
                let mask = ring.count - 1
                let sums = Self.goertzel(steps, count: n) { k in
                    let x = w[k] * Float(ring[(last - n + k) & mask])
                    return SIMD4(x, x, w[k], 0)
                }
                let (xLow, xHigh, k) = (sums.lane(0), sums.lane(1), sums.lane(2))
                let windowSum = levelWindowSum
                let det = windowSum * windowSum - Self.power(k)
                let kl = Self.product(k, xHigh), kh = Self.product((k.re, -k.im), xLow)
                let aLow = (re: (windowSum * xLow.re - kl.re) / det, im: (windowSum * xLow.im - kl.im) / det)
                let aHigh = (re: (windowSum * xHigh.re - kh.re) / det, im: (windowSum * xHigh.im - kh.im) / det)
                // A sine of amplitude A has a = A/2 and mean power A²/2 = 2|a|².
                return (2 * Self.power(aLow), 2 * Self.power(aHigh))
            }
            let early = levels(endingAt: end - span + n), late = levels(endingAt: end)
            return (early.low, early.high, late.low, late.high)
        }
    }

    private func measure(_ x: UnsafeBufferPointer<Float>, row: Int, column: Int, lowHz: Double, highHz: Double,
                         subWeights: UnsafeBufferPointer<SIMD4<Float>>, weights: UnsafeBufferPointer<Float>) -> Reading {
        // Each tone's frequency from its phase advance between the early (lanes 0-1) and the late (2-3) sub-window.
        let low0 = phasor(lowHz, row: row), high0 = phasor(highHz, column: column)
        let sub = Self.goertzel(Lanes(low0, high0, low0, high0)) { subWeights[$0] * x[$0] }
        // Both sub-windows share one time origin, so a tone exactly at the probe frequency shows no advance.
        let scale = sampleRate / (2 * DSPMath.pi * Double(Self.frequencyLagFrames))
        func advance(_ early: Int, _ late: Int) -> Double {
            let (e, l) = (sub.lane(early), sub.lane(late))
            return Double(DSPMath.atan2(Float(l.im * e.re - l.re * e.im), Float(l.re * e.re + l.im * e.im)))
        }
        let lowF = lowHz + advance(0, 2) * scale
        let highF = highHz + advance(1, 3) * scale

        // The tones and their harmonics (low, high, 2·low, 3·low); then 2·high, the window's response at the row
        // harmonic's distance from the column tone (for the joint solve below) and, at 0 Hz, the weighted power.
        let low = phasor(lowF, row: row), high = phasor(highF, column: column)
        let low2 = Self.product(low, low)
        let (main, extra) = Self.goertzel(Lanes(low, high, low2, Self.product(low2, low)),
                                          Lanes(Self.product(high, high), Self.product(low2, (high.re, -high.im)), (1, 0), (1, 0))) {
            let v = weights[$0] * x[$0]
            return (SIMD4(repeating: v), SIMD4(v, weights[$0], v * x[$0], 0))
        }
        let weighted = extra.re[2]
        let norm = 1 / Double(windowSum)
        func scaled(_ z: (re: Double, im: Double)) -> (re: Double, im: Double) { (z.re * norm, z.im * norm) }
        let lowTone = scaled(main.lane(0)), h2 = scaled(main.lane(2)), h3 = scaled(main.lane(3))
        let highH2 = scaled(extra.lane(0)), k = scaled(extra.lane(1))
        var highTone = scaled(main.lane(1))
        let lowAmplitude = max(Self.power(lowTone), .leastNormalMagnitude)
        var worst = 0.0

        // Row second harmonic, solved jointly with the column tone: X_h = a_h + k·a_c, X_c = a_c + k̄·a_h.
        let overlap = Self.power(k)
        if overlap <= Self.maximumOverlap {
            let leak = Self.product(k, highTone)
            let second = (re: (h2.re - leak.re) / (1 - overlap), im: (h2.im - leak.im) / (1 - overlap))
            worst = max(worst, Self.power(second) / lowAmplitude)
            let back = Self.product((k.re, -k.im), second)
            highTone = (highTone.re - back.re, highTone.im - back.im)
        }
        let highAmplitude = max(Self.power(highTone), .leastNormalMagnitude)
        worst = max(worst, Self.power(h3) / lowAmplitude, Self.power(highH2) / highAmplitude)
        // A sine of amplitude A reads A/2 here and has mean power A²/2.
        return Reading(lowHz: lowF, highHz: highF, lowPower: 2 * lowAmplitude, highPower: 2 * highAmplitude,
                       meanPower: weighted * norm, worstHarmonicRatio: worst)
    }

    /// e^{-jω} for `hz` near row `row`'s frequency: one sample's rotation.
    private func phasor(_ hz: Double, row: Int) -> (re: Double, im: Double) {
        Self.product(rowSteps[row], Self.smallRotation(2 * DSPMath.pi * (hz - DTMFKeypad.rowFrequenciesHz[row]) / sampleRate))
    }

    /// e^{-jω} for `hz` near column `column`'s frequency: one sample's rotation.
    private func phasor(_ hz: Double, column: Int) -> (re: Double, im: Double) {
        Self.product(columnSteps[column],
                     Self.smallRotation(2 * DSPMath.pi * (hz - DTMFKeypad.columnFrequenciesHz[column]) / sampleRate))
    }

    /// e^{-jθ} for |θ| ≤ 0.2 rad (a tone within 250 Hz of its nominal frequency), to 1e-12 without a division.
    private static func smallRotation(_ theta: Double) -> (re: Double, im: Double) {
        let t2 = theta * theta
        let cosine = 1 - t2 * (0.5 - t2 * (1.0 / 24 - t2 * (1.0 / 720 - t2 / 40320)))
        let sine = theta * (1 - t2 * (1.0 / 6 - t2 * (1.0 / 120 - t2 * (1.0 / 5040 - t2 / 362880))))
        return (cosine, -sine)
    }

    /// Four complex numbers, one per SIMD lane.
    struct Lanes {
        var re: SIMD4<Double>
        var im: SIMD4<Double>

        init(re: SIMD4<Double>, im: SIMD4<Double>) { self.re = re; self.im = im }

        init(_ a: (re: Double, im: Double), _ b: (re: Double, im: Double), _ c: (re: Double, im: Double), _ d: (re: Double, im: Double)) {
            re = SIMD4(a.re, b.re, c.re, d.re)
            im = SIMD4(a.im, b.im, c.im, d.im)
        }

        func lane(_ i: Int) -> (re: Double, im: Double) { (re[i], im[i]) }
    }

    /// Σ input(n)·e^{-jωn} over the window (or `count` samples, even) for four rotations e^{-jω} (one per lane), by
    /// Goertzel two samples a step: one multiply-add per two samples on the loop-carried chain.
    @inline(__always)
    private static func goertzel(_ steps: Lanes, count: Int = lengthFrames, _ input: (Int) -> SIMD4<Float>) -> Lanes {
        let c = SIMD4<Float>(2 * steps.re)
        let c2 = c * c - 1
        var a = SIMD4<Float>(), b = SIMD4<Float>()
        for n in stride(from: 0, to: count, by: 2) {
            let v0 = input(n), v1 = input(n + 1)
            // s[n] = v[n] + c·s[n-1] - s[n-2] and s[n+1], both from the old pair.
            let s0 = (v0 - b) + c * a, s1 = (v1 + c * (v0 - b)) + c2 * a
            b = s0; a = s1
        }
        return finish(steps, last: a, previous: b)
    }

    /// Two sets of four lanes in one loop: the independent chains overlap in the pipeline.
    @inline(__always)
    private static func goertzel(_ first: Lanes, _ second: Lanes,
                                 _ input: (Int) -> (SIMD4<Float>, SIMD4<Float>)) -> (Lanes, Lanes) {
        let c = SIMD4<Float>(2 * first.re), d = SIMD4<Float>(2 * second.re)
        let c2 = c * c - 1, d2 = d * d - 1
        var a = SIMD4<Float>(), b = SIMD4<Float>(), e = SIMD4<Float>(), f = SIMD4<Float>()
        for n in stride(from: 0, to: lengthFrames, by: 2) {
            let (v0, u0) = input(n), (v1, u1) = input(n + 1)
            let s0 = (v0 - b) + c * a, s1 = (v1 + c * (v0 - b)) + c2 * a
            let t0 = (u0 - f) + d * e, t1 = (u1 + d * (u0 - f)) + d2 * e
            b = s0; a = s1
            f = t0; e = t1
        }
        return (finish(first, last: a, previous: b), finish(second, last: e, previous: f))
    }

    /// y = s[N-1] - e^{-jω}·s[N-2] = Σ v[n]·e^{-jω(n-N+1)}: the DFT with its time origin at the last sample.
    /// Every lane shares that origin, which is all the phase comparisons and the joint solve need.
    private static func finish(_ steps: Lanes, last: SIMD4<Float>, previous: SIMD4<Float>) -> Lanes {
        let s1 = SIMD4<Double>(last), s2 = SIMD4<Double>(previous)
        return Lanes(re: s1 - steps.re * s2, im: -steps.im * s2)
    }

    @inline(__always)
    private static func product(_ a: (re: Double, im: Double), _ b: (re: Double, im: Double)) -> (re: Double, im: Double) {
        (a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }

    @inline(__always)
    private static func power(_ z: (re: Double, im: Double)) -> Double { z.re * z.re + z.im * z.im }
}
