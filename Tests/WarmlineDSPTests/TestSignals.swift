@testable import WarmlineDSP

/// Deterministic signal builders shared by the WarmlineDSP tests.
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    /// Approximately Gaussian (sum of 12 uniforms), unit variance.
    mutating func gaussian() -> Double { (0..<12).reduce(0.0) { acc, _ in acc + unit() } - 6 }
}

enum TestSignals {
    static func silence(ms: Double) -> [Int16] { Array(repeating: 0, count: Int(ms * 8)) }

    /// A DTMF tone pair with independent frequency offsets; levels in dBm0 per tone.
    static func dtmf(_ digit: Character, ms: Double, lowDBm0: Double = -10, twistDB: Double = 0,
                     lowOffset: Double = 0, highOffset: Double = 0) -> [Int16] {
        guard let f = DTMFKeypad.frequencies(of: digit) else { return [] }
        return tones([(f.lowHz * (1 + lowOffset), lowDBm0), (f.highHz * (1 + highOffset), lowDBm0 + twistDB)], ms: ms)
    }

    /// A sum of sines (frequency Hz, level dBm0 each).
    static func tones(_ components: [(Double, Double)], ms: Double, phase: Double = 0.3) -> [Int16] {
        let n = Int(ms * 8)
        return (0..<n).map { i in
            var v = 0.0
            for (f, level) in components {
                v += DBm0.sinePeak(levelDBm0: level) * DSPMath.sin(2 * DSPMath.pi * f * Double(i) / 8000 + phase)
            }
            return DTMFGenerator.quantize(v)
        }
    }

    /// White noise at `levelDBm0`.
    static func noise(ms: Double, levelDBm0: Double, seed: UInt64) -> [Int16] {
        var rng = TestRandom(seed: seed)
        let sigma = DBm0.meanPower(levelDBm0: levelDBm0).squareRoot()
        return (0..<Int(ms * 8)).map { _ in DTMFGenerator.quantize(sigma * rng.gaussian()) }
    }

    /// Adds two signals sample by sample (the shorter one padded with silence).
    static func mix(_ a: [Int16], _ b: [Int16]) -> [Int16] {
        (0..<max(a.count, b.count)).map { (i: Int) -> Int16 in
            let x: Int16 = i < a.count ? a[i] : 0
            let y: Int16 = i < b.count ? b[i] : 0
            return DTMFGenerator.quantize(Double(x) + Double(y))
        }
    }

    /// Speech-like voiced syllables: harmonics of a gliding pitch, shaped by two formants, 200 ms on / 100 ms off.
    static func voicedSyllables(count: Int, levelDBm0: Double = -20) -> [Int16] {
        var out: [Double] = []
        var phase = 0.0
        for s in 0..<count {
            let n = 1600
            let f1 = [700.0, 400, 300, 600][s % 4], f2 = [1200.0, 2000, 900, 1700][s % 4]
            for i in 0..<n {
                let t = Double(i) / Double(n)
                let pitch = 110 + 60 * t + 15 * Double(s % 3)
                phase += 2 * DSPMath.pi * pitch / 8000
                var v = 0.0
                var h = 1.0
                while h * pitch < 3400 {
                    let f = h * pitch
                    let d1: Double = (f - f1) / 150
                    let d2: Double = (f - f2) / 200
                    let gain: Double = 1 / (1 + d1 * d1) + 0.5 / (1 + d2 * d2) + 0.05
                    v += gain * DSPMath.sin(h * phase)
                    h += 1
                }
                let envelope = DSPMath.sin(DSPMath.pi * t)
                out.append(v * envelope)
            }
            out += Array(repeating: 0, count: 800)
        }
        let power = out.reduce(0) { $0 + $1 * $1 } / Double(out.count)
        let gain = (DBm0.meanPower(levelDBm0: levelDBm0) / power).squareRoot()
        return out.map { DTMFGenerator.quantize($0 * gain) }
    }

    /// Feeds `samples` to `body` in random chunks of 1...maxChunk frames.
    static func chunked(_ samples: [Int16], seed: UInt64, maxChunk: Int, _ body: (UnsafeBufferPointer<Int16>) -> Void) {
        var rng = TestRandom(seed: seed)
        samples.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                let n = min(rng.int(1...maxChunk), buffer.count - index)
                body(UnsafeBufferPointer(rebasing: buffer[index..<(index + n)]))
                index += n
            }
        }
    }
}
