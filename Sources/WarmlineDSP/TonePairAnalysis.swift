/// A close look at a candidate DTMF tone pair over the last 26 ms, taken once per digit decision.
///
/// The detector's 104-sample rectangular windows are fast but leaky: the strong tone's sidelobes
/// move the weak tone's reading by ±2 dB. A 208-sample Hann window at the measured frequencies
/// reads each tone's power to a tenth of a dB, the share of the power the pair carries, and the
/// harmonics a keypad does not send (Q.23 keeps distortion 20 dB down; voices and instruments that
/// land on a tone pair carry them): the row tone's second and third, the column tone's second.
/// The row tone's second harmonic (1394-1882 Hz) can sit within a bin of the column tone, so the
/// two are estimated jointly; when they are too close to tell apart in 26 ms it is not judged.
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

    private let window: Window
    private let subWindow: Window
    private let sampleRate: Double

    /// A Hann window without zero end points: its sidelobes fall fast, so the other tone does not leak in.
    struct Window: Sendable {
        let weights: ContiguousArray<Double>
        let sum: Double

        init(length: Int) {
            weights = ContiguousArray((0..<length).map { k in
                0.5 - 0.5 * DSPMath.cos(2 * DSPMath.pi * Double(k + 1) / Double(length + 1))
            })
            sum = weights.reduce(0, +)
        }
    }

    init(sampleRate: Int) {
        window = Window(length: Self.lengthFrames)
        subWindow = Window(length: Self.lengthFrames - Self.frequencyLagFrames)
        self.sampleRate = Double(sampleRate)
    }

    /// Measures the pair near `lowHz` and `highHz` in `ring` (a power-of-two ring whose newest sample is at `end - 1`).
    func measure(ring: UnsafeBufferPointer<Float>, end: Int, lowHz: Double, highHz: Double) -> Reading {
        let start = end - Self.lengthFrames
        let lowF = frequency(ring, start, near: lowHz)
        let highF = frequency(ring, start, near: highHz)
        var weighted = 0.0
        let mask = ring.count - 1
        for k in 0..<Self.lengthFrames {
            let x = Double(ring[(start + k) & mask])
            weighted += window.weights[k] * x * x
        }
        let low = spectrum(ring, start, hz: lowF, window)
        var high = spectrum(ring, start, hz: highF, window)
        let lowAmplitude = max(Self.power(low), .leastNormalMagnitude)
        var worst = 0.0

        // Row second harmonic, solved jointly with the column tone: X_h = a_h + k·a_c, X_c = a_c + k̄·a_h.
        let h2 = spectrum(ring, start, hz: 2 * lowF, window)
        let k = kernel(hz: 2 * lowF - highF)
        let overlap = Self.power(k)
        if overlap <= Self.maximumOverlap {
            let hRe = h2.re - (k.re * high.re - k.im * high.im)
            let hIm = h2.im - (k.re * high.im + k.im * high.re)
            let second = (re: hRe / (1 - overlap), im: hIm / (1 - overlap))
            worst = max(worst, Self.power(second) / lowAmplitude)
            high = (re: high.re - (k.re * second.re + k.im * second.im),
                    im: high.im - (k.re * second.im - k.im * second.re))
        }
        let highAmplitude = max(Self.power(high), .leastNormalMagnitude)
        worst = max(worst, Self.power(spectrum(ring, start, hz: 3 * lowF, window)) / lowAmplitude)
        worst = max(worst, Self.power(spectrum(ring, start, hz: 2 * highF, window)) / highAmplitude)
        // A sine of amplitude A reads A/2 here and has mean power A²/2.
        return Reading(lowHz: lowF, highHz: highF, lowPower: 2 * lowAmplitude, highPower: 2 * highAmplitude,
                       meanPower: weighted / window.sum, worstHarmonicRatio: worst)
    }

    /// The frequency of the tone near `hz`: its phase advance between two sub-windows `frequencyLagFrames` apart.
    private func frequency(_ ring: UnsafeBufferPointer<Float>, _ start: Int, near hz: Double) -> Double {
        let lag = Double(Self.frequencyLagFrames)
        let early = spectrum(ring, start, hz: hz, subWindow)
        let late = spectrum(ring, start + Self.frequencyLagFrames, hz: hz, subWindow)
        let advance = Double(DSPMath.atan2(Float(late.im * early.re - late.re * early.im), Float(late.re * early.re + late.im * early.im)))
        // Each spectrum is referenced to its own first sample, so a tone at exactly `hz` advances 2π·hz·lag/rate.
        let expected = 2 * DSPMath.pi * hz * lag / sampleRate
        var drift = advance - expected
        drift -= (drift / (2 * DSPMath.pi)).rounded() * 2 * DSPMath.pi
        return hz + drift * sampleRate / (2 * DSPMath.pi * lag)
    }

    /// Windowed DFT of `window.weights.count` samples from `start` at `hz`, scaled so a sine of amplitude A reads A/2.
    private func spectrum(_ ring: UnsafeBufferPointer<Float>, _ start: Int, hz: Double, _ window: Window) -> (re: Double, im: Double) {
        let mask = ring.count - 1
        let step = 2 * DSPMath.pi * hz / sampleRate
        let stepRe = DSPMath.cos(step), stepIm = -DSPMath.sin(step)
        var rotRe = 1.0, rotIm = 0.0
        var re = 0.0, im = 0.0
        var index = start
        for weight in window.weights {
            let v = weight * Double(ring[index & mask])
            re += v * rotRe
            im += v * rotIm
            let nextRe = rotRe * stepRe - rotIm * stepIm
            rotIm = rotRe * stepIm + rotIm * stepRe
            rotRe = nextRe
            index += 1
        }
        return (re / window.sum, im / window.sum)
    }

    /// The full window's response at a frequency offset of `hz` (1 at 0 Hz).
    private func kernel(hz: Double) -> (re: Double, im: Double) {
        let step = 2 * DSPMath.pi * hz / sampleRate
        let stepRe = DSPMath.cos(step), stepIm = -DSPMath.sin(step)
        var rotRe = 1.0, rotIm = 0.0
        var re = 0.0, im = 0.0
        for weight in window.weights {
            re += weight * rotRe
            im += weight * rotIm
            let nextRe = rotRe * stepRe - rotIm * stepIm
            rotIm = rotRe * stepIm + rotIm * stepRe
            rotRe = nextRe
        }
        return (re / window.sum, im / window.sum)
    }

    @inline(__always)
    private static func power(_ z: (re: Double, im: Double)) -> Double { z.re * z.re + z.im * z.im }
}
