import Foundation
import WarmlineDSP

/// One tone burst the detector should (or must not) report.
struct DTMFBurst {
    var digit: Character
    var onsetFrame: Int
    var durationFrames: Int
}

/// What a corpus condition must achieve.
enum DTMFBar {
    /// Detection rate at least this fraction, and no split digit.
    case detectAtLeast(Double)
    /// Detection rate at most this fraction.
    case detectAtMost(Double)
    /// Every tone found, split digits at most this fraction.
    case splitAtMost(Double)
    /// No false digit, and never more than the peer.
    case noFalseDigits
    /// Reported only.
    case info
}

/// One row of the DTMF benchmark: audio, the bursts in it, and the bar it must meet.
struct DTMFCondition {
    var name: String
    var bar: DTMFBar
    var inSpec: Bool
    var samples: [Int16]
    var bursts: [DTMFBurst]
}

/// Builds a clip of tone bursts in a Double buffer, then adds a background and quantizes.
struct DTMFClipBuilder {
    var buffer: [Double] = Array(repeating: 0, count: 800)
    var bursts: [DTMFBurst] = []
    var rng: NoiseGenerator

    init(seed: UInt64) { rng = NoiseGenerator(seed: seed) }

    mutating func pause(ms: Double) {
        buffer += Array(repeating: 0, count: Int(ms * 8))
    }

    /// Appends a tone pair; levels in dBm0, offsets relative (0.01 = +1 %), break splits it in two.
    mutating func tone(_ digit: Character, ms: Double, lowDBm0: Double, twistDB: Double,
                       lowOffset: Double = 0, highOffset: Double = 0, breakMs: Double = 0) {
        guard let f = DTMFKeypad.frequencies(of: digit) else { return }
        let frames = Int(ms * 8)
        let breakFrames = Int(breakMs * 8)
        let breakStart = breakFrames > 0 ? (frames - breakFrames) / 2 : frames
        let lowPeak = DBm0.sinePeak(levelDBm0: lowDBm0)
        let highPeak = DBm0.sinePeak(levelDBm0: lowDBm0 + twistDB)
        let wl = 2 * Double.pi * f.lowHz * (1 + lowOffset) / 8000
        let wh = 2 * Double.pi * f.highHz * (1 + highOffset) / 8000
        var pl = rng.uniform(0...(2 * .pi)), ph = rng.uniform(0...(2 * .pi))
        bursts.append(DTMFBurst(digit: digit, onsetFrame: buffer.count, durationFrames: frames))
        for n in 0..<frames {
            if n == breakStart + breakFrames, breakFrames > 0 {
                // A keypad bounce restarts both oscillators at a new phase.
                pl = rng.uniform(0...(2 * .pi)); ph = rng.uniform(0...(2 * .pi))
            }
            if n >= breakStart && n < breakStart + breakFrames {
                buffer.append(0)
            } else {
                buffer.append(lowPeak * sin(wl * Double(n) + pl) + highPeak * sin(wh * Double(n) + ph))
            }
        }
    }

    /// Adds white noise at `snrDB` below the mean power of the tone pair `toneDBm0` per tone.
    mutating func addWhiteNoise(snrDB: Double, perToneDBm0: Double) {
        let tonePower = 2 * DBm0.meanPower(levelDBm0: perToneDBm0)
        let sigma = (tonePower / pow(10, snrDB / 10)).squareRoot()
        for i in buffer.indices { buffer[i] += sigma * rng.gaussian() }
    }

    /// Adds `background` (repeated as needed) to the clip.
    mutating func add(background: [Double]) {
        guard !background.isEmpty else { return }
        for i in buffer.indices { buffer[i] += background[i % background.count] }
    }

    func quantized() -> [Int16] { buffer.map(DTMFGenerator.quantize) }
}

/// The deterministic DTMF corpus: Q.24 accept and reject sweeps, breaks, speech and music.
enum DTMFCorpus {
    static func build() throws -> [DTMFCondition] {
        let digits = DTMFKeypad.allDigits
        var conditions: [DTMFCondition] = []
        func add(_ name: String, _ bar: DTMFBar, inSpec: Bool = false, _ builder: DTMFClipBuilder) {
            conditions.append(DTMFCondition(name: name, bar: bar, inSpec: inSpec, samples: builder.quantized(), bursts: builder.bursts))
        }

        // In spec: random mix of durations, levels, twist and offsets inside Q.24's accept ranges.
        var mix = DTMFClipBuilder(seed: 1)
        for i in 0..<480 {
            var low = 0.0, twist = 0.0
            repeat {
                low = mix.rng.uniform(-25...0)
                twist = mix.rng.uniform(-8...4)
            } while low + twist > 0 || low + twist < -25
            mix.tone(digits[i % 16], ms: mix.rng.uniform(40...100), lowDBm0: low, twistDB: twist,
                     lowOffset: mix.rng.uniform(-0.015...0.015), highOffset: mix.rng.uniform(-0.015...0.015))
            mix.pause(ms: mix.rng.uniform(60...160))
        }
        add("in spec: 40-100 ms, 0..-25 dBm0, twist -8..+4, ±1.5 %", .detectAtLeast(1), inSpec: true, mix)
        var mu = conditions[conditions.count - 1]
        mu.name = "  same after µ-law round trip"
        mu.samples = mu.samples.map { G711.muLawDecode(G711.muLawEncode($0)) }
        var alaw = conditions[conditions.count - 1]
        alaw.name = "  same after A-law round trip"
        alaw.samples = alaw.samples.map { G711.aLawDecode(G711.aLawEncode($0)) }
        conditions += [mu, alaw]

        var corner = DTMFClipBuilder(seed: 2)
        for digit in digits {
            for offset in [-0.015, 0.015] {
                for twist in [-8.0, 4.0] {
                    let low = twist < 0 ? -17.0 : -25.0
                    corner.tone(digit, ms: 40, lowDBm0: low, twistDB: twist, lowOffset: offset, highOffset: offset)
                    corner.pause(ms: 100)
                }
            }
        }
        add("in spec corners: 40 ms, weak tone -25 dBm0, twist limit, ±1.5 %", .detectAtLeast(1), inSpec: true, corner)

        for (name, twist) in [("twist -8 dB (normal limit)", -8.0), ("twist +4 dB (reverse limit)", 4.0)] {
            var b = DTMFClipBuilder(seed: twist < 0 ? 3 : 4)
            for i in 0..<128 {
                let strong = b.rng.uniform(-17...0)
                let low = twist < 0 ? strong : strong - twist
                b.tone(digits[i % 16], ms: b.rng.uniform(40...100), lowDBm0: low, twistDB: twist)
                b.pause(ms: 100)
            }
            add(name, .detectAtLeast(0.95), b)
        }

        for ms in [20.0, 23.0, 26.0, 30.0, 35.0] {
            var b = DTMFClipBuilder(seed: 10 + UInt64(ms))
            for i in 0..<96 {
                b.tone(digits[i % 16], ms: ms, lowDBm0: b.rng.uniform(-20...0), twistDB: b.rng.uniform(-4...2))
                b.pause(ms: 100)
            }
            let bar: DTMFBar = ms <= 20 ? .detectAtMost(0) : ms <= 23 ? .detectAtMost(0.05) : .info
            add("duration \(Int(ms)) ms", bar, b)
        }

        for level in [-30.0, -35.0, -40.0, -45.0, -55.0, -60.0] {
            var b = DTMFClipBuilder(seed: 30 + UInt64(-level))
            for i in 0..<64 {
                b.tone(digits[i % 16], ms: 60, lowDBm0: level, twistDB: 0)
                b.pause(ms: 100)
            }
            add("level \(Int(level)) dBm0 per tone", level <= -55 ? .detectAtMost(0) : .info, b)
        }

        for offset in [0.025, 0.035, 0.05] {
            var b = DTMFClipBuilder(seed: 40 + UInt64(offset * 1000))
            for i in 0..<128 {
                // Each tone, or both, off by the offset in either direction.
                let sign = i % 2 == 0 ? 1.0 : -1.0
                let which = (i / 2) % 3
                b.tone(digits[i % 16], ms: b.rng.uniform(40...100), lowDBm0: b.rng.uniform(-20...(-3)), twistDB: 0,
                       lowOffset: which != 1 ? sign * offset : 0, highOffset: which != 0 ? sign * offset : 0)
                b.pause(ms: 100)
            }
            let label = String(format: "offset ±%.1f %%", offset * 100)
            add(label, offset >= 0.035 ? .detectAtMost(0.05) : .info, b)
        }

        for snr in [20.0, 15.0, 10.0, 6.0] {
            var b = DTMFClipBuilder(seed: 50 + UInt64(snr))
            for i in 0..<96 {
                b.tone(digits[i % 16], ms: b.rng.uniform(40...100), lowDBm0: -10, twistDB: 0)
                b.pause(ms: 100)
            }
            b.addWhiteNoise(snrDB: snr, perToneDBm0: -10)
            add("white noise, SNR \(Int(snr)) dB", .info, b)
        }

        var breaks = DTMFClipBuilder(seed: 60)
        for i in 0..<160 {
            breaks.tone(digits[i % 16], ms: breaks.rng.uniform(60...110), lowDBm0: breaks.rng.uniform(-20...(-3)),
                        twistDB: breaks.rng.uniform(-4...2), breakMs: 10)
            breaks.pause(ms: 100)
        }
        add("10 ms break inside the tone", .splitAtMost(0.02), breaks)

        var repeats = DTMFClipBuilder(seed: 61)
        for i in 0..<64 {
            for _ in 0..<2 {
                repeats.tone(digits[i % 16], ms: 50, lowDBm0: repeats.rng.uniform(-20...(-3)), twistDB: 0)
                repeats.pause(ms: 40)
            }
            repeats.pause(ms: 100)
        }
        add("same digit twice, 40 ms pause", .detectAtLeast(1), repeats)

        let speech = try BenchCorpus.speech()
        var over = DTMFClipBuilder(seed: 62)
        for i in 0..<160 {
            over.tone(digits[i % 16], ms: over.rng.uniform(50...100), lowDBm0: -8, twistDB: 1)
            over.pause(ms: over.rng.uniform(100...300))
        }
        over.add(background: speech.flatMap { BenchCorpus.normalize($0, toActiveLevelDBm0: -22) })
        add("digits over speech (-22 dBm0 speech, -8 dBm0 tones)", .info, over)

        for level in [-12.0, -24.0] {
            var talk = DTMFClipBuilder(seed: 63)
            talk.buffer = speech.flatMap { BenchCorpus.normalize($0, toActiveLevelDBm0: level) + Array(repeating: 0, count: 1600) }
            add("talk-off: speech at \(Int(level)) dBm0", .noFalseDigits, talk)
        }
        var music = DTMFClipBuilder(seed: 64)
        music.buffer = try BenchCorpus.music().flatMap { $0.map(Double.init) }
        add("talk-off: music (sox chords)", .noFalseDigits, music)
        return conditions
    }
}
