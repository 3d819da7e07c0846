import ArgumentParser
import Foundation
import WarmlineDSP

/// `warmline-bench dtmf`: Warmline's DTMF detector beside spandsp's dtmf_rx on one generated corpus.
struct DTMFBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dtmf",
        abstract: "Q.24 DTMF corpus: Warmline's DTMFDetector vs spandsp dtmf_rx, side by side.")

    @Option(help: "Throughput passes over the whole corpus (the fastest counts).")
    var passes = 5

    @Flag(help: "List every talk-off false digit (clip, level, time) for both detectors.")
    var listFalseDigits = false

    /// Key-downs and the matching result for one detector on one condition.
    struct Score {
        var detected = 0
        var split = 0
        var falseDigits = 0
        var latenciesFrames: [Int] = []
    }

    func run() throws {
        let conditions = try DTMFCorpus.build()
        var rows: [[String]] = []
        var allPass = true
        var warmlineLatency: [Int] = [], spandspLatency: [Int] = []
        var duplicatesW = 0, duplicatesS = 0
        for condition in conditions {
            let w = Self.score(Self.runWarmline(condition.samples), condition)
            let s = Self.score(Self.runSpanDSP(condition.samples, chunk: 2), condition)
            if condition.inSpec {
                warmlineLatency += w.latenciesFrames
                spandspLatency += s.latenciesFrames
            }
            let n = condition.bursts.count
            var pass: Bool
            var barText: String
            switch condition.bar {
            case let .detectAtLeast(rate):
                pass = Double(w.detected) >= rate * Double(n) && w.split == 0
                barText = "≥\(Int(rate * 100))%"
            case let .detectAtMost(rate):
                pass = Double(w.detected) <= rate * Double(n)
                barText = "≤\(Int(rate * 100))%"
            case let .splitAtMost(rate):
                pass = w.detected == n && Double(w.split) <= rate * Double(n)
                barText = "split≤\(Int(rate * 100))%"
            case .noFalseDigits:
                pass = w.falseDigits == 0 && w.falseDigits <= s.falseDigits
                barText = "0 false"
            case .info:
                pass = true
                barText = "-"
            }
            if case .splitAtMost = condition.bar {} else {
                duplicatesW += w.split
                duplicatesS += s.split
            }
            if case .info = condition.bar {} else { allPass = allPass && pass }
            let isTalkOff = n == 0
            let size = isTalkOff ? String(format: "%.0fs", Double(condition.samples.count) / 8000) : "\(n)"
            rows.append([condition.name, size,
                         isTalkOff ? "-" : BenchSupport.percent(w.detected, n),
                         isTalkOff ? "-" : BenchSupport.percent(s.detected, n),
                         "\(w.split)", "\(s.split)", "\(w.falseDigits)", "\(s.falseDigits)",
                         barText, { if case .info = condition.bar { return "" } else { return pass ? "pass" : "FAIL" } }()])
        }

        let widths = [62, 6, 9, 9, 6, 6, 6, 6, 10, 5]
        print("DTMF (ITU-T Q.24) — Warmline DTMFDetector vs spandsp \(Self.spandspVersion()) dtmf_rx, same corpus, same run")
        print(BenchSupport.row(["condition", "tones", "Warmline", "spandsp", "W spl", "S spl", "W fls", "S fls", "bar", ""], widths: widths))
        print(String(repeating: "-", count: widths.reduce(0, +) + 2 * widths.count))
        for row in rows { print(BenchSupport.row(row, widths: widths)) }
        print(String(repeating: "-", count: widths.reduce(0, +) + 2 * widths.count))

        let dupPass = duplicatesW == 0
        allPass = allPass && dupPass
        print(BenchSupport.row(["duplicated digits outside the 10 ms break row", "", "\(duplicatesW)", "\(duplicatesS)", "", "", "", "", "0", dupPass ? "pass" : "FAIL"], widths: widths))
        let (wMed, wMax) = Self.medianMax(warmlineLatency), (sMed, sMax) = Self.medianMax(spandspLatency)
        let medPass = wMed <= 32, maxPass = wMax <= 40
        allPass = allPass && medPass && maxPass
        print(BenchSupport.row(["latency from tone onset, in-spec tones: median (ms)", "", String(format: "%.1f", wMed), String(format: "%.1f", sMed), "", "", "", "", "≤32", medPass ? "pass" : "FAIL"], widths: widths))
        print(BenchSupport.row(["latency from tone onset, in-spec tones: max (ms)", "", String(format: "%.1f", wMax), String(format: "%.1f", sMax), "", "", "", "", "≤40", maxPass ? "pass" : "FAIL"], widths: widths))

        let all = conditions.flatMap(\.samples)
        let seconds = Double(all.count) / 8000
        let wTime = Self.bestTime(passes: passes) { _ = Self.runWarmline(all) }
        let sTime = Self.bestTime(passes: passes) { _ = Self.runSpanDSP(all, chunk: 160) }
        let ratio = sTime / wTime
        let tpPass = ratio >= 1.0
        allPass = allPass && tpPass
        print(BenchSupport.row(["throughput, s of audio per CPU s (\(Int(seconds)) s corpus, 160-frame chunks)", "",
                                String(format: "%.0f", seconds / wTime), String(format: "%.0f", seconds / sTime),
                                "", "", "", "", "≥1.0×", tpPass ? "pass" : "FAIL"], widths: widths))
        print(String(format: "throughput ratio Warmline/spandsp: %.2f×", ratio))
        allPass = try runTalkOff() && allPass
        print("all bars: \(allPass ? "pass" : "FAIL")")
        print("columns: detection rate per condition; spl = tones reported more than once (split); fls = false digits (no tone, or wrong digit).")
    }

    /// False digits per talk-off row and level, Warmline beside spandsp; prints the table and returns whether all pass.
    func runTalkOff() throws -> Bool {
        let clips = try DTMFTalkOff.clips()
        let levels = DTMFTalkOff.levelsDBm0
        var rowNames: [String] = []
        var minutes: [String: Double] = [:]
        var heldOut: [String: Bool] = [:]
        var counts: [String: [(w: Int, s: Int)]] = [:]
        for clip in clips {
            if minutes[clip.row] == nil {
                rowNames.append(clip.row)
                counts[clip.row] = Array(repeating: (0, 0), count: levels.count)
            }
            minutes[clip.row, default: 0] += clip.seconds / 60
            heldOut[clip.row] = clip.heldOut
            for (index, level) in levels.enumerated() {
                let samples = try DTMFTalkOff.samples(of: clip, levelDBm0: level)
                let w = Self.runWarmline(samples), s = Self.runSpanDSP(samples, chunk: 160)
                counts[clip.row]?[index].w += w.count
                counts[clip.row]?[index].s += s.count
                if listFalseDigits {
                    for (name, found) in [("Warmline", w), ("spandsp", s)] {
                        for (digit, frame) in found {
                            print(String(format: "false digit: %@ '%@' at %.2f s in %@ at %.0f dBm0", name, String(digit),
                                         Double(frame) / 8000, clip.url.lastPathComponent, level))
                        }
                    }
                }
            }
        }

        let widths = [70, 6] + Array(repeating: 5, count: 2 * levels.count) + [6, 6, 8, 5]
        let total = minutes.values.reduce(0, +)
        print("")
        print(String(format: "DTMF talk-off — %.1f min of speech and music (Scripts/dtmf-talkoff.py), each played at %@ dBm0; false digits, same run",
                     total, levels.map { String(Int($0)) }.joined(separator: ", ")))
        var header = ["material row", "min"]
        for level in levels { header += ["W\(Int(level))", "S\(Int(level))"] }
        print(BenchSupport.row(header + ["W all", "S all", "bar", ""], widths: widths))
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * widths.count)
        var allPass = true
        for held in [false, true] {
            print(rule)
            var sumMinutes = 0.0, sumW = 0, sumS = 0
            for name in rowNames where heldOut[name] == held {
                let perLevel = counts[name] ?? []
                let w = perLevel.map(\.w).reduce(0, +), s = perLevel.map(\.s).reduce(0, +)
                sumMinutes += minutes[name] ?? 0; sumW += w; sumS += s
                let pass = w == 0
                allPass = allPass && pass
                var cells = [name, String(format: "%.1f", minutes[name] ?? 0)]
                for count in perLevel { cells += ["\(count.w)", "\(count.s)"] }
                print(BenchSupport.row(cells + ["\(w)", "\(s)", "0 false", pass ? "pass" : "FAIL"], widths: widths))
            }
            let label = held ? "held out (never used for tuning): total" : "tuning material: total"
            print(BenchSupport.row([label, String(format: "%.1f", sumMinutes)] + Array(repeating: "", count: 2 * levels.count)
                                   + ["\(sumW)", "\(sumS)", "", ""], widths: widths))
        }
        print(rule)
        return allPass
    }

    static func runWarmline(_ samples: [Int16]) -> [(Character, Int)] {
        var detector = DTMFDetector()
        var events: [DTMFEvent] = []
        samples.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                let n = min(160, buffer.count - index)
                detector.process(UnsafeBufferPointer(rebasing: buffer[index..<(index + n)]), into: &events)
                index += n
            }
        }
        return events.filter { $0.kind == .keyDown }.map { ($0.digit, $0.frame) }
    }

    static func runSpanDSP(_ samples: [Int16], chunk: Int) -> [(Character, Int)] {
        let rx = SpanDSPDTMF()
        samples.withUnsafeBufferPointer { rx.process($0, chunk: chunk) }
        return rx.events.compactMap { event in event.digit.map { ($0, event.frame) } }
    }

    /// Matches key-downs to bursts: a burst owns the frames from its onset to 80 ms after its end (or the next onset).
    static func score(_ keyDowns: [(Character, Int)], _ condition: DTMFCondition) -> Score {
        var score = Score()
        let bursts = condition.bursts
        var counts = Array(repeating: 0, count: bursts.count)
        var cursor = 0
        for (digit, frame) in keyDowns {
            while cursor < bursts.count, windowEnd(cursor, bursts) <= frame { cursor += 1 }
            if cursor < bursts.count, frame >= bursts[cursor].onsetFrame, bursts[cursor].digit == digit {
                if counts[cursor] == 0 { score.latenciesFrames.append(frame - bursts[cursor].onsetFrame) }
                counts[cursor] += 1
            } else {
                score.falseDigits += 1
            }
        }
        score.detected = counts.filter { $0 > 0 }.count
        score.split = counts.filter { $0 > 1 }.count
        return score
    }

    static func windowEnd(_ index: Int, _ bursts: [DTMFBurst]) -> Int {
        let end = bursts[index].onsetFrame + bursts[index].durationFrames + 640
        return index + 1 < bursts.count ? min(end, bursts[index + 1].onsetFrame) : end
    }

    static func medianMax(_ latencies: [Int]) -> (Double, Double) {
        guard !latencies.isEmpty else { return (.nan, .nan) }
        let sorted = latencies.sorted()
        return (Double(sorted[sorted.count / 2]) / 8, Double(sorted[sorted.count - 1]) / 8)
    }

    static func bestTime(passes: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, passes) {
            let start = BenchSupport.cpuSeconds()
            body()
            best = min(best, BenchSupport.cpuSeconds() - start)
        }
        return best
    }

    static func spandspVersion() -> String {
        (try? BenchSupport.shell("dpkg-query -W -f='${Version}' libspandsp-dev")) ?? "?"
    }
}
