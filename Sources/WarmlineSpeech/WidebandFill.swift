import Foundation

/// Turns 8 kHz line audio into the 16 kHz the wideband en-us model was trained on, streaming.
///
/// Interpolates by two (polyphase windowed-sinc low-pass at 3.8 kHz) and fills the empty 4-8 kHz band
/// with steady low-level noise: the model's upper mel filters then see a constant level that cepstral
/// mean normalisation removes, instead of a near-silent band whose log energy swings wildly (on this
/// machine a full decode of band-limited "it is an emergency please call an ambulance" goes from
/// "one" without the fill to word-perfect with it).
struct WidebandFill {
    /// RMS of the 4-8 kHz fill, in 16-bit sample units (about -40 dBFS).
    let fillRMS: Double
    private static let taps: [Double] = {
        let count = 48
        let cutoff = 3800.0 / 16000.0
        let center = Double(count - 1) / 2
        return (0..<count).map { index in
            let x = Double(index) - center
            let sinc = x == 0 ? 2 * cutoff : sin(2 * .pi * cutoff * x) / (.pi * x)
            let window = 0.54 - 0.46 * cos(2 * .pi * Double(index) / Double(count - 1))
            return 2 * sinc * window
        }
    }()
    private var history: [Double] = Array(repeating: 0, count: 24)
    private var noiseHistory: [Double] = Array(repeating: 0, count: 48)
    private var noiseState: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var sign = 1.0

    /// A converter with the given fill level.
    init(fillRMS: Double = 300) {
        self.fillRMS = fillRMS
    }

    /// 16 kHz samples (twice as many) for 8 kHz `samples`.
    mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [Int16] {
        var output = [Int16](repeating: 0, count: samples.count * 2)
        let taps = Self.taps
        // white noise low-passed by the same filter then mirrored by (-1)^n lands in 4-8 kHz
        let noiseGain = fillRMS / (0.577 * (taps.reduce(0) { $0 + $1 * $1 } / 4).squareRoot())
        for (index, sample) in samples.enumerated() {
            history.removeFirst()
            history.append(Double(sample))
            for phase in 0..<2 {
                var sum = 0.0
                // zero-stuffed input: only every other tap meets a sample
                var tap = phase
                var back = history.count - 1
                while tap < taps.count, back >= 0 {
                    sum += taps[tap] * history[back]
                    tap += 2
                    back -= 1
                }
                noiseHistory.removeFirst()
                noiseHistory.append(nextUniform())
                var noise = 0.0
                for (offset, value) in noiseHistory.enumerated() { noise += taps[offset] * value }
                sign = -sign
                let value = sum + sign * noise * noiseGain / 2
                output[2 * index + phase] = Int16(clamping: Int(value.rounded()))
            }
        }
        return output
    }

    private mutating func nextUniform() -> Double {
        noiseState = noiseState &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(Int64(bitPattern: noiseState)) / Double(Int64.max)
    }
}
