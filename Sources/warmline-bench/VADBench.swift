import ArgumentParser
import Foundation
import WarmlineDSP

/// `warmline-bench vad`: Warmline's VoiceActivityDetector vs WebRTC VAD mode 2 on labelled speech in noise.
struct VADBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vad",
        abstract: "Labelled speech in white/pink/brown noise: Warmline VAD vs WebRTC VAD (mode 2), side by side.")

    @Option(help: "Python interpreter with webrtcvad-wheels installed.")
    var python = "python3"

    @Option(help: "WebRTC VAD aggressiveness mode.")
    var mode = 2

    static let frameLength = 160
    static let speechLevelDBm0 = -20.0

    /// One mixture: audio, per-frame labels, and whether the bars apply.
    struct Mixture {
        var name: String
        var samples: [Int16]
        var labels: [Bool]
        var barred: Bool
    }

    func run() throws {
        let (clean, labels) = try Self.speechTimeline()
        var mixtures: [Mixture] = [Mixture(name: "clean speech", samples: clean.map(DTMFGenerator.quantize), labels: labels, barred: true)]
        for noise in ["white", "pink", "brown"] {
            for snr in [20.0, 10.0, 5.0, 0.0] {
                let n = Self.noise(noise, count: clean.count, seed: UInt64(snr) &+ UInt64(noise.count) * 1000,
                                   levelDBm0: Self.speechLevelDBm0 - snr)
                let mixed = zip(clean, n).map { DTMFGenerator.quantize($0 + $1) }
                mixtures.append(Mixture(name: "\(noise) noise, SNR \(Int(snr)) dB", samples: mixed, labels: labels, barred: true))
            }
        }
        mixtures.append(try Self.toneMixture())

        let dir = try BenchSupport.corpusDirectory()
        var paths: [String] = []
        for (i, m) in mixtures.enumerated() {
            let url = dir.appendingPathComponent("vad-\(i).raw")
            try BenchSupport.writeRaw(m.samples, to: url)
            paths.append("'\(url.path)'")
        }
        let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Scripts/webrtc_vad.py").path
        let output = try BenchSupport.shell("\(python) '\(script)' --mode \(mode) --frame-ms 20 \(paths.joined(separator: " "))")
        let peerLines = output.split(separator: "\n").map { $0.map { $0 == "1" } }
        guard peerLines.count == mixtures.count else {
            throw BenchError.peerOutput("expected \(mixtures.count) lines from webrtc_vad.py, got \(peerLines.count)")
        }

        let widths = [34, 8, 8, 8, 8, 8, 9, 5]
        print("VAD — Warmline VoiceActivityDetector (20 ms) vs WebRTC VAD mode \(mode) (webrtcvad-wheels, 20 ms), same audio, same run")
        print("labels: 20 ms frames of the clean speech within 25 dB of its active level (\(Int(Self.speechLevelDBm0)) dBm0); noise level set by SNR to that level")
        print(BenchSupport.row(["condition", "frames", "W rec", "R rec", "W fsp", "R fsp", "bar", ""], widths: widths))
        print(String(repeating: "-", count: widths.reduce(0, +) + 2 * widths.count))
        var allPass = true
        var cpu = 0.0
        for (m, peer) in zip(mixtures, peerLines) {
            let start = BenchSupport.cpuSeconds()
            var vad = VoiceActivityDetector()
            let ours = vad.process(m.samples).map(\.isSpeech)
            cpu += BenchSupport.cpuSeconds() - start
            let (wr, wf) = Self.rates(ours, m.labels)
            let (rr, rf) = Self.rates(Array(peer), m.labels)
            let pass = (wr.isNaN || wr >= rr - 0.02) && wf <= rf + 0.02
            if m.barred { allPass = allPass && pass }
            print(BenchSupport.row([m.name, "\(m.labels.count)", Self.fmt(wr), Self.fmt(rr), Self.fmt(wf), Self.fmt(rf),
                                    m.barred ? "±0.02" : "-", m.barred ? (pass ? "pass" : "FAIL") : ""], widths: widths)
                  + (m.barred && !pass && rf >= 0.95 ? "  (WebRTC calls every frame speech here)" : ""))
        }
        print(String(repeating: "-", count: widths.reduce(0, +) + 2 * widths.count))
        let seconds = Double(mixtures.reduce(0) { $0 + $1.samples.count }) / 8000
        print(String(format: "Warmline VAD speed: %.0f s of audio per CPU s", seconds / cpu))
        print("columns: rec = recall on speech frames; fsp = false-speech rate on non-speech frames; W = Warmline, R = WebRTC.")
        print("bar: recall ≥ WebRTC − 0.02 and false-speech ≤ WebRTC + 0.02; all bars: \(allPass ? "pass" : "FAIL")")
    }

    static func fmt(_ v: Double) -> String { v.isNaN ? "-" : String(format: "%.3f", v) }

    static func rates(_ decisions: [Bool], _ labels: [Bool]) -> (recall: Double, falseSpeech: Double) {
        var hit = 0, speech = 0, falsePositive = 0, nonSpeech = 0
        for (d, l) in zip(decisions, labels) {
            if l { speech += 1; if d { hit += 1 } } else { nonSpeech += 1; if d { falsePositive += 1 } }
        }
        return (speech > 0 ? Double(hit) / Double(speech) : .nan, nonSpeech > 0 ? Double(falsePositive) / Double(nonSpeech) : .nan)
    }

    /// The speech clips at the reference level, separated by 0.8-2.5 s pauses, and per-frame labels.
    static func speechTimeline() throws -> ([Double], [Bool]) {
        var rng = NoiseGenerator(seed: 99)
        var timeline: [Double] = Array(repeating: 0, count: 8000)
        for clip in try BenchCorpus.speech() {
            timeline += BenchCorpus.normalize(clip, toActiveLevelDBm0: speechLevelDBm0)
            timeline += Array(repeating: 0, count: Int(rng.uniform(0.8...2.5) * 8000))
        }
        timeline += Array(repeating: 0, count: (frameLength - timeline.count % frameLength) % frameLength)
        let threshold = DBm0.meanPower(levelDBm0: speechLevelDBm0 - 25)
        var labels: [Bool] = []
        var i = 0
        while i + frameLength <= timeline.count {
            var p = 0.0
            for j in i..<(i + frameLength) { p += timeline[j] * timeline[j] }
            labels.append(p / Double(frameLength) >= threshold)
            i += frameLength
        }
        return (timeline, labels)
    }

    /// White, pink (Kellet filter) or brown (leaky integrator) Gaussian noise at `levelDBm0`.
    static func noise(_ kind: String, count: Int, seed: UInt64, levelDBm0: Double) -> [Double] {
        var rng = NoiseGenerator(seed: seed)
        var out = [Double](repeating: 0, count: count)
        var b0 = 0.0, b1 = 0.0, b2 = 0.0, brown = 0.0
        for i in 0..<count {
            let w = rng.gaussian()
            switch kind {
            case "pink":
                b0 = 0.99765 * b0 + w * 0.0990460
                b1 = 0.96300 * b1 + w * 0.2965164
                b2 = 0.57000 * b2 + w * 1.0526913
                out[i] = b0 + b1 + b2 + w * 0.1848
            case "brown":
                brown = 0.995 * brown + w
                out[i] = brown
            default:
                out[i] = w
            }
        }
        let power = out.reduce(0) { $0 + $1 * $1 } / Double(max(1, count))
        let gain = (DBm0.meanPower(levelDBm0: levelDBm0) / power).squareRoot()
        return out.map { $0 * gain }
    }

    /// DTMF digits and call-progress tones in white noise at 20 dB SNR: every frame is non-speech.
    static func toneMixture() throws -> Mixture {
        var b = DTMFClipBuilder(seed: 7)
        for i in 0..<64 {
            b.tone(DTMFKeypad.allDigits[i % 16], ms: b.rng.uniform(60...200), lowDBm0: -10, twistDB: 1)
            b.pause(ms: b.rng.uniform(60...200))
        }
        // Busy (480+620 Hz) and dial tone (350+440 Hz), NANP.
        for (f1, f2, onMs) in [(480.0, 620.0, 500.0), (350.0, 440.0, 2000.0), (425.0, 0.0, 1000.0)] {
            for _ in 0..<3 {
                let n = Int(onMs * 8)
                let peak = DBm0.sinePeak(levelDBm0: -13)
                for k in 0..<n {
                    let t = Double(k) / 8000
                    b.buffer.append(peak * sin(2 * .pi * f1 * t) + (f2 > 0 ? peak * sin(2 * .pi * f2 * t) : 0))
                }
                b.pause(ms: 500)
            }
        }
        b.buffer += Array(repeating: 0, count: (frameLength - b.buffer.count % frameLength) % frameLength)
        b.addWhiteNoise(snrDB: 20, perToneDBm0: -10)
        return Mixture(name: "tones only (DTMF, busy, dial) in noise", samples: b.quantized(),
                       labels: Array(repeating: false, count: b.buffer.count / frameLength), barred: false)
    }
}
