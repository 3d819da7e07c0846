import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineCore
import WarmlineDSP
import WarmlineSpeech

/// `warmline-bench speech`: keyword spotting on the rendered evaluation set through G.711 and line noise.
struct SpeechBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speech",
        abstract: "Keyword spotting per class: recall, false hits per hour, latency, CPU; Warmline vs plain PocketSphinx KWS.")

    @Option(help: "Evaluation set directory (rendered by Scripts/speech-corpus.sh when missing).")
    var corpus = "bench-out/speech-corpus"

    @Option(help: "Keywords file with per-phrase thresholds.")
    var keywords = "Prompts/en/keywords.yaml"

    @Option(help: "Line noise SNRs in dB, comma separated.")
    var snr = "30,20,10"

    @Option(help: "Single keyphrase threshold of the peer (plain PocketSphinx KWS, ungated, unconfirmed).")
    var peerThreshold = 1e-10

    @Flag(help: "Skip the peer run (faster tuning).")
    var noPeer = false

    @Flag(help: "Run only the peer.")
    var peerOnly = false

    @Flag(help: "Also decode every whole utterance with the language model (more recall, ~0.3 of a core).")
    var wholeUtterances = false

    @Option(help: "Only utterances whose file name contains this.")
    var only: String?

    @Flag(help: "Print every hit and miss.")
    var verbose = false

    static let speechLevelDBm0 = -20.0

    /// One rendered utterance from manifest.tsv.
    struct Utterance {
        var file: String
        var label: String
        var phrase: String
        var voice: String
        var text: String
        var samples: [Int16]
        /// Frame just after the last clean speech sample (the keyword's end when the keyword ends the sentence).
        var speechEndFrame: Int
        var keywordIsFinal: Bool { label != "neutral" && text.lowercased().hasSuffix(phrase) }
    }

    /// Counts for one system at one SNR.
    struct Tally {
        var utterances: [String: Int] = [:]
        var recalled: [String: Int] = [:]
        var falseByClass: [String: Int] = [:]
        var neutralSeconds = 0.0
        var latenciesMs: [Double] = []
        var cpuSeconds = 0.0
        var audioSeconds = 0.0
        var speechSeconds = 0.0
    }

    func run() throws {
        if !FileManager.default.fileExists(atPath: corpus + "/manifest.tsv") {
            try BenchSupport.shell("Scripts/speech-corpus.sh \(BenchCorpus.shellQuote(corpus))")
        }
        let utterances = try Self.loadCorpus(corpus).filter { only == nil || $0.file.contains(only ?? "") }
        let list = try KeywordList.load(file: keywords)
        var peerList = list
        peerList.confirmClasses = []
        for index in peerList.phrases.indices { peerList.phrases[index].threshold = peerThreshold }
        let voices = Set(utterances.map(\.voice)).sorted()
        print("speech bench: \(utterances.count) utterances, voices \(voices.joined(separator: " "))")
        print("channel: pink line noise at SNR below speech (\(Int(Self.speechLevelDBm0)) dBm0 active level), then G.711 µ-law")
        print("warmline: \(keywords), per-phrase thresholds, VAD-gated, confirm \(list.confirmClasses.map(\.rawValue).sorted())")
        print("peer:     PocketSphinx KWS alone, every phrase at \(peerThreshold), ungated, no confirmation")
        print("latency: keyword end (end of speech, keyword-final sentences) to the hit, audio time plus the compute time of the call that decided")
        print("CPU: process CPU seconds per second of speech (VAD) and per second of line audio; recall counts the expected class")
        let header = "system    SNR  distress  person   menu     mention  false distress/h  false person/h  false menu/h  latency p50/p90/max ms  CPU/speech  CPU/audio"
        print(header)
        for snrDB in snr.split(separator: ",").compactMap({ Double($0) }) {
            let lines = utterances.enumerated().map { index, utterance in
                Self.line(utterance, snrDB: snrDB, seed: UInt64(index) &* 7919 &+ UInt64(snrDB))
            }
            if !peerOnly {
                let ours = try evaluate(list, utterances: utterances, lines: lines, gated: true, name: "warmline")
                print(Self.row("warmline", snrDB, ours))
            }
            if !noPeer {
                let peer = try evaluate(peerList, utterances: utterances, lines: lines, gated: false, name: "peer")
                print(Self.row("peer", snrDB, peer))
            }
        }
    }

    /// Speech at the reference level plus pink noise at `snrDB` below it, through a µ-law round trip.
    static func line(_ utterance: Utterance, snrDB: Double, seed: UInt64) -> [Int16] {
        let speech = BenchCorpus.normalize(utterance.samples, toActiveLevelDBm0: speechLevelDBm0)
        let noise = VADBench.noise("pink", count: speech.count, seed: seed, levelDBm0: speechLevelDBm0 - snrDB)
        return zip(speech, noise).map { G711.muLawDecode(G711.muLawEncode(DTMFGenerator.quantize($0 + $1))) }
    }

    func evaluate(_ list: KeywordList, utterances: [Utterance], lines: [[Int16]], gated: Bool, name: String) throws -> Tally {
        let spotter = try KeywordSpotter(keywords: list)
        spotter.decodesWholeUtterances = wholeUtterances && gated
        spotter.recordsPeakScores = verbose
        var tally = Tally()
        let chunk = 160
        let gap = [Int16](repeating: 0, count: 4000)
        for (utterance, line) in zip(utterances, lines) {
            var vad = VoiceActivityDetector()
            let base = spotter.framesFed
            var hits: [SpottedKeyword] = []
            let cpuStart = BenchSupport.cpuSeconds()
            var start = 0
            while start < line.count {
                let piece = Array(line[start..<min(line.count, start + chunk)])
                let speaking = gated ? KeywordSpotter.isVoiced(vad.process(piece)) : true
                if speaking { tally.speechSeconds += Double(piece.count) / 8000 }
                let callStart = BenchSupport.cpuSeconds()
                var found = spotter.process(piece, isSpeech: speaking)
                // the decision reaches the engine only after the call that made it returns: count its compute time
                let computeFrames = Int((BenchSupport.cpuSeconds() - callStart) * 8000)
                for index in found.indices { found[index].decidedAtFrame += computeFrames }
                hits += found
                start += chunk
            }
            let flushStart = BenchSupport.cpuSeconds()
            var flushed = spotter.flush()
            let flushFrames = Int((BenchSupport.cpuSeconds() - flushStart) * 8000)
            for index in flushed.indices { flushed[index].decidedAtFrame += flushFrames }
            hits += flushed
            let rejected = spotter.rejected
            spotter.rejected.removeAll()
            let peaks = spotter.peakScores
            spotter.peakScores.removeAll()
            tally.cpuSeconds += BenchSupport.cpuSeconds() - cpuStart
            tally.audioSeconds += Double(line.count) / 8000
            _ = spotter.process(gap, isSpeech: false)
            score(utterance, hits: hits, rejected: rejected, peaks: peaks, base: base, into: &tally, name: name)
        }
        return tally
    }

    func score(_ utterance: Utterance, hits: [SpottedKeyword], rejected: [SpottedKeyword],
               peaks: [(phrase: String, score: Int)], base: Int, into tally: inout Tally, name: String) {
        tally.utterances[utterance.label, default: 0] += 1
        if utterance.label == "neutral" { tally.neutralSeconds += Double(utterance.samples.count) / 8000 }
        let expected: KeywordHit.Class? = switch utterance.label {
        case "distress": .distress
        case "person": .person
        case "menu": .menu
        default: nil
        }
        var recalled = false
        for spotted in hits {
            if let expected, spotted.hit.keywordClass == expected {
                if !recalled, utterance.keywordIsFinal {
                    tally.latenciesMs.append(Double(spotted.decidedAtFrame - base - utterance.speechEndFrame) / 8)
                }
                recalled = true
            } else if utterance.label == "mention", spotted.hit.phrase == utterance.phrase {
                recalled = true
            } else if utterance.label == "neutral" || utterance.label == "mention" {
                tally.falseByClass[spotted.hit.keywordClass.rawValue, default: 0] += 1
            }
        }
        if recalled { tally.recalled[utterance.label, default: 0] += 1 }
        if verbose {
            let heard = hits.map { "\($0.hit.phrase)(\($0.score),\($0.confirmedBy ?? "-"))" }.joined(separator: " ")
            let turnedDown = rejected.map { "\($0.hit.phrase)(\($0.score)) not in '\($0.confirmedBy ?? "")'" }.joined(separator: " ")
            let best = peaks.map { "\($0.phrase)[\($0.score)]" }.joined(separator: " ")
            print("  \(name) \(recalled ? "HIT " : "MISS") \(utterance.label) \(utterance.file) '\(utterance.text)' -> \(heard)"
                  + (turnedDown.isEmpty ? "" : " | rejected: \(turnedDown)") + (best.isEmpty ? "" : " | peaks: \(best)"))
        }
    }

    static func row(_ name: String, _ snrDB: Double, _ tally: Tally) -> String {
        func recall(_ label: String) -> String {
            BenchSupport.percent(tally.recalled[label, default: 0], tally.utterances[label, default: 0])
        }
        func perHour(_ keywordClass: String) -> String {
            let hours = tally.neutralSeconds / 3600
            let count = tally.falseByClass[keywordClass, default: 0]
            return String(format: "%.1f (%d)", Double(count) / max(hours, 1e-9), count)
        }
        let sorted = tally.latenciesMs.sorted()
        func percentile(_ p: Double) -> String {
            sorted.isEmpty ? "-" : String(format: "%.0f", sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))])
        }
        let latency = "\(percentile(0.5))/\(percentile(0.9))/\(sorted.last.map { String(format: "%.0f", $0) } ?? "-")"
        return String(format: "%-8@ %4.0f  %-8@  %-7@  %-7@  %-7@  %-16@  %-14@  %-12@  %-22@  %-10@  %@",
                      name, snrDB, recall("distress"), recall("person"), recall("menu"), recall("mention"),
                      perHour("distress"), perHour("person"), perHour("menu"), latency,
                      String(format: "%.3f", tally.cpuSeconds / max(tally.speechSeconds, 1e-9)),
                      String(format: "%.3f", tally.cpuSeconds / max(tally.audioSeconds, 1e-9)))
    }

    static func loadCorpus(_ directory: String) throws -> [Utterance] {
        let manifest = try String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8)
        var result: [Utterance] = []
        for line in manifest.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5 else { continue }
            let samples = try WAVFile.read(path: directory + "/wav/" + fields[0]).samples
            result.append(Utterance(file: fields[0], label: fields[1], phrase: fields[2], voice: fields[3], text: fields[4],
                                    samples: samples, speechEndFrame: LevelMeter.speechEndFrame(samples)))
        }
        return result
    }
}
