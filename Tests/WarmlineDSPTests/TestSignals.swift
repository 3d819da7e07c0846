@testable import WarmlineDSP

/// Deterministic signal builders shared by the WarmlineDSP tests.
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

    /// A sum of sines (frequency Hz, level dBm0 each) whose amplitude follows `envelope` (a factor, of the time in s).
    static func shaped(_ components: [(Double, Double)], ms: Double, phase: Double = 0.3,
                       envelope: (Double) -> Double) -> [Int16] {
        let n = Int(ms * 8)
        return (0..<n).map { i in
            var v = 0.0
            for (f, level) in components {
                v += DBm0.sinePeak(levelDBm0: level) * DSPMath.sin(2 * DSPMath.pi * f * Double(i) / 8000 + phase)
            }
            return DTMFGenerator.quantize(v * envelope(Double(i) / 8000))
        }
    }

    /// White noise at `levelDBm0`.
    static func noise(ms: Double, levelDBm0: Double, seed: UInt64) -> [Int16] {
        var generator = NoiseGenerator(seed: seed)
        return generator.whiteNoise(count: Int(ms * 8), levelDBm0: levelDBm0).map(DTMFGenerator.quantize)
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
        var rng = NoiseGenerator(seed: seed)
        samples.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                let n = min(rng.integer(in: 1...maxChunk), buffer.count - index)
                body(UnsafeBufferPointer(rebasing: buffer[index..<(index + n)]))
                index += n
            }
        }
    }
}
