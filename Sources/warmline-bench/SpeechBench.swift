import ArgumentParser
import Foundation
import Synchronization
import WarmlineAudio
import WarmlineCore
import WarmlineDSP
import WarmlineSpeech

/// `warmline-bench speech`: spoken distress and person requests on a labelled evaluation set, four systems side by side:
/// the two passes (PocketSphinx candidates confirmed by Moonshine's transcript), PocketSphinx alone at its tuned cuts,
/// Moonshine alone on every utterance, and plain PocketSphinx KWS as the peer.
struct SpeechBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speech",
        abstract: "Spoken requests per class: recall, false hits per hour, decision latency, CPU; two passes vs PocketSphinx and Moonshine alone.")

    @Option(help: "Evaluation set directory: Scripts/speech-evalset.py's (channels and noise applied, split and SNR columns), Scripts/speech-neutral-set.py's (an hour of neutral read speech: a path with 'neutral' in it), or Scripts/speech-corpus.sh's (clean; the bench adds noise at --snr). Rendered when missing.")
    var corpus = "bench-out/speech-evalset"

    @Option(help: "Only this split of an evaluation set: heldout (voices never tuned on), tune, or all.")
    var split = "heldout"

    @Option(help: "Systems to run, comma separated: two-pass, pocketsphinx, moonshine, peer.")
    var systems = "two-pass,pocketsphinx,moonshine,peer"

    @Option(help: "Recogniser model directory (default: the installed one, else ./.cache/models/moonshine-base-en).")
    var model: String?

    @Option(help: "Keywords file with per-phrase thresholds.")
    var keywords = "Prompts/en/keywords.yaml"

    @Option(help: "SNRs in dB, comma separated: the noise the bench adds to a clean corpus (default 30,20,10), or the rendered SNRs of an evaluation set to run (default 20, the issue's condition; 'clean' for its noiseless files; e.g. clean,20,10,5).")
    var snr: String?

    @Option(help: "Single keyphrase threshold of the peer (plain PocketSphinx KWS, ungated, unconfirmed).")
    var peerThreshold = 1e-10

    @Flag(help: "Skip the peer run (faster tuning).")
    var noPeer = false

    @Flag(help: "Run only the peer.")
    var peerOnly = false

    @Flag(help: "Also decode every whole utterance with the language model (more recall, ~0.3 of a core).")
    var wholeUtterances = false

    @Flag(help: "Give up on a transcript after second_pass.timeout_ms as a live line does (default: wait for it as a file-fed call does, so a loaded machine gives the same decisions; the wait still counts in the latency).")
    var liveTimeouts = false

    @Option(help: "Only utterances whose file name contains this.")
    var only: String?

    @Flag(help: "Print every hit and miss.")
    var verbose = false

    @Option(help: "Times the recogniser worker is killed mid-request after the runs (issue 14: back within 5 s); 0 skips.")
    var restarts = 3

    static let speechLevelDBm0 = -20.0
    /// The phrase column of Scripts/speech-neutral-set.py's sentences (read text, class neutral).
    static let readTextPhrase = "read-text"

    /// One rendered utterance from manifest.tsv.
    struct Utterance {
        var file: String
        var label: String
        var phrase: String
        var voice: String
        var text: String
        var samples: [Int16]
        /// tune or heldout (evaluation sets), else "all".
        var split = "all"
        /// SNR the set rendered it at (nil: clean, the bench adds noise; +inf: clean in an evaluation set).
        var renderedSNR: Double?
        /// Frame just after the last speech sample.
        var speechEndFrame: Int
    }

    /// Counts for one system at one SNR.
    struct Tally {
        var utterances: [String: Int] = [:]
        var recalled: [String: Int] = [:]
        var falseByClass: [String: Int] = [:]
        var neutralSeconds = 0.0
        var latenciesMs: [Double] = []
        /// Of those decisions, the time spent waiting for the recogniser's answer (decided by a transcript only).
        var recognizerWaitMs: [Double] = []
        var cpuSeconds = 0.0
        var audioSeconds = 0.0
        var speechSeconds = 0.0
        /// Utterances the recogniser transcribed, their audio and its wall-clock decode time.
        var transcriptions = 0
        var transcribedSeconds = 0.0
        var decodeSeconds = 0.0
        /// Requests per voice: (asked, heard).
        var byVoice: [String: (asked: Int, heard: Int)] = [:]
    }

    enum System: String, CaseIterable {
        case twoPass = "two-pass"
        case pocketsphinx
        case moonshine
        case peer
    }

    func run() throws {
        if !FileManager.default.fileExists(atPath: corpus + "/manifest.tsv") {
            let script = corpus.contains("evalset") ? "python3 Scripts/speech-evalset.py"
                : corpus.contains("neutral") ? "python3 Scripts/speech-neutral-set.py" : "Scripts/speech-corpus.sh"
            try BenchSupport.shell("\(script) \(BenchCorpus.shellQuote(corpus))")
        }
        let loaded = try Self.loadCorpus(corpus).filter {
            (only == nil || $0.file.contains(only ?? "")) && (split == "all" || $0.split == split || $0.renderedSNR == nil)
        }
        let list = try KeywordList.load(file: keywords)
        // a sentence of read text not written for Warmline (Scripts/speech-neutral-set.py: phrase "read-text") whose own
        // words are a request ("some of our best friends are trying to kill us") is no false hand-off when heard as
        // one; the evaluation set's sentences were written to be what their class says, so they all count
        func saysARequest(_ utterance: Utterance) -> Bool {
            guard utterance.phrase == Self.readTextPhrase, let matcher = list.matcher else { return false }
            return matcher.decide(utterance.text).keywordClass.map { $0 == .distress || $0 == .person } ?? false
        }
        let saidRequests = loaded.filter(saysARequest)
        let utterances = loaded.filter { !saysARequest($0) }
        let chosen: [System] = try systems.split(separator: ",").map { name -> System in
            guard let system = System(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown system '\(name)' (expected \(System.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return system
        }.filter { !(noPeer && $0 == .peer) && !(peerOnly && $0 != .peer) }
        var peerList = list
        peerList.confirmClasses = []
        peerList.matcher = nil
        for index in peerList.phrases.indices { peerList.phrases[index].threshold = peerThreshold }
        var recognizer: Recognizer?
        if chosen.contains(.twoPass) || chosen.contains(.moonshine) {
            var configuration = Recognizer.Configuration(model: model.map { RecognizerModel(directory: $0) } ?? .locate())
            // file-fed: a loaded machine must not turn a slow decode into a "hung" worker and a lost transcript
            if !liveTimeouts { configuration.hangLimitMs = 60_000 }
            configuration.keywordsFile = keywords
            let started = Recognizer(configuration: configuration)
            let status = started.waitUntilSettled(timeoutMs: started.configuration.startTimeoutMs)
            guard status.isReady else { throw ValidationError("the recogniser is not ready: \(status) (run `make deps`)") }
            recognizer = started
        }
        defer { recognizer?.stop() }
        let voices = Set(utterances.map(\.voice)).sorted()
        let rendered = utterances.contains { $0.renderedSNR != nil }
        print("speech bench: \(utterances.count) utterances (\(String(format: "%.1f", Double(utterances.map(\.samples.count).reduce(0, +)) / 8000 / 60)) min), "
              + "\(voices.count) voices: \(voices.joined(separator: " "))")
        if !saidRequests.isEmpty {
            print("left out: \(saidRequests.count) sentences of read text whose written words the phrase matcher takes as a request: "
                  + saidRequests.prefix(3).map { "'\($0.text)'" }.joined(separator: ", ") + (saidRequests.count > 3 ? ", ..." : ""))
        }
        if rendered {
            print("channel: as rendered by the evaluation set (band-pass, codec, noise, level, style per file); rows per split and SNR")
        } else {
            print("channel: pink line noise at SNR below speech (\(Int(Self.speechLevelDBm0)) dBm0 active level), then G.711 µ-law")
        }
        print("two-pass:     PocketSphinx at loose candidate cuts \(list.secondPass.candidateThresholds.map { "\($0.key.rawValue) \($0.value)" }.sorted()), "
              + "sure at +\(list.secondPass.sureMargin) over a phrase's cut, else Moonshine base-en's transcript of the utterance "
              + "(\(list.secondPass.marginMs) ms after the candidate) and the phrase matcher decide")
        print("pocketsphinx: \(keywords), per-phrase thresholds, VAD-gated (the unit without the recogniser)")
        print("moonshine:    every VAD utterance transcribed at its end (500 ms of silence), phrase matcher decides")
        print("peer:         PocketSphinx KWS alone, every phrase at \(peerThreshold), ungated, no confirmation")
        print("line: each file, then \(Self.tailMs) ms of its own line noise (a live line goes on after the caller stops: the sentence ends on audio, not at the file's end)")
        print("latency: end of speech (request-final sentences) to the decision: audio waited plus the wall time of the call that decided"
              + (liveTimeouts ? "; a transcript later than second_pass.timeout_ms is given up (live line)" : "; transcripts are waited for (file-fed)"))
        print("rec.wait: of the decisions in the latency, the wait for the recogniser's answer (queue and decode; transcript decisions only)")
        print("CPU: seconds per second of line audio, spotter process plus the recogniser's decode wall time")
        print(Self.header)
        var groups: [(name: String, snr: Double, utterances: [Utterance], lines: [[Int16]])] = []
        if rendered {
            for splitName in Set(utterances.map(\.split)).sorted() {
                let wanted = (snr ?? "20").split(separator: ",").map { $0 == "clean" ? Double.infinity : Double($0) ?? .nan }
                for snrDB in Set(utterances.compactMap(\.renderedSNR)).sorted(by: >) where wanted.contains(snrDB) {
                    let members = utterances.filter { $0.split == splitName && $0.renderedSNR == snrDB }
                    if !members.isEmpty { groups.append((splitName, snrDB, members, members.map(\.samples))) }
                }
            }
        } else {
            for snrDB in (snr ?? "30,20,10").split(separator: ",").compactMap({ Double($0) }) {
                let lines = utterances.enumerated().map { index, utterance in
                    Self.line(utterance, snrDB: snrDB, seed: UInt64(index) &* 7919 &+ UInt64(snrDB))
                }
                groups.append(("all", snrDB, utterances, lines))
            }
        }
        var perVoice: [System: [String: (asked: Int, heard: Int)]] = [:]
        for group in groups {
            for system in chosen {
                let tally: Tally
                switch system {
                case .peer: tally = try evaluate(peerList, utterances: group.utterances, lines: group.lines, gated: false, name: "peer")
                case .pocketsphinx: tally = try evaluate(list, utterances: group.utterances, lines: group.lines, gated: true, name: "pocketsphinx")
                case .twoPass: tally = try evaluate(list, utterances: group.utterances, lines: group.lines, gated: true, name: "two-pass",
                                                    recognizer: recognizer)
                case .moonshine: tally = try evaluateRecognizerAlone(list, utterances: group.utterances, lines: group.lines, recognizer: recognizer)
                }
                print(Self.row(system.rawValue, group.name, group.snr, tally))
                for (voice, counts) in tally.byVoice {
                    let old = perVoice[system, default: [:]][voice] ?? (0, 0)
                    perVoice[system, default: [:]][voice] = (old.asked + counts.asked, old.heard + counts.heard)
                }
            }
        }
        // per voice: distress and person requests heard, every condition of the set together, every system run (the peer too)
        let shown = chosen
        print("\nrequests heard per voice (distress + person, every split and SNR run above)")
        print("voice" + String(repeating: " ", count: 20) + shown.map { $0.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        let splitOf = Dictionary(utterances.map { ($0.voice, $0.split) }, uniquingKeysWith: { first, _ in first })
        for voice in voices {
            let name = "\(voice) (\(splitOf[voice] ?? "-"))".padding(toLength: 25, withPad: " ", startingAt: 0)
            let cells = shown.map { system -> String in
                let counts = perVoice[system]?[voice] ?? (0, 0)
                return BenchSupport.percent(counts.heard, counts.asked).padding(toLength: 16, withPad: " ", startingAt: 0)
            }
            print(name + cells.joined())
        }
        if let stats = recognizer?.statistics {
            print("\nrecogniser: \(stats.sent) utterances sent, \(stats.answered) answered, \(stats.timedOut) timed out, \(stats.busy) busy; "
                  + "worker resident \(stats.residentMB ?? 0) MB after the last, peak \(stats.peakResidentMB) MB, \(stats.starts) worker starts")
        }
        if let recognizer, restarts > 0, let clip = utterances.first(where: { $0.label == "distress" }) ?? utterances.first {
            try Self.measureRestarts(recognizer, times: restarts, clip: clip.samples)
        }
    }

    /// Kills the worker with SIGKILL while it decodes, `times` times: how soon the request is answered (by the death,
    /// not its timeout) and how soon a new worker is ready, on the wall clock. Each worker first lives 10 s, so every
    /// kill is a first death (restarted at once; a worker that keeps dying young is backed off).
    static func measureRestarts(_ recognizer: Recognizer, times: Int, clip: [Int16]) throws {
        var answeredMs: [Int] = []
        var readyMs: [Int] = []
        var loadMs: [Int] = []
        // a long request (the clip over and over, 8 s) so the kill lands mid-decode
        let audio = Array(repeating: clip, count: max(1, 64_000 / max(1, clip.count))).flatMap { $0 }
        var lastReadyAt: ContinuousClock.Instant?
        for _ in 0..<times {
            if let lastReadyAt {
                let lived = ContinuousClock.now - lastReadyAt
                if lived < .seconds(10) { Thread.sleep(forTimeInterval: Double((.seconds(10) - lived).milliseconds) / 1000 + 0.2) }
            }
            guard let pid = recognizer.statistics.workerPID else { throw ValidationError("no worker to kill: \(recognizer.status)") }
            let sentBefore = recognizer.statistics.sent
            let answered = DispatchSemaphore(value: 0)
            let answeredAt = Mutex<ContinuousClock.Instant?>(nil)
            recognizer.submit(audio, timeoutMs: 60_000) { _ in
                answeredAt.withLock { $0 = .now }
                answered.signal()
            }
            let sentBy = ContinuousClock.now + .seconds(30)
            while recognizer.statistics.sent == sentBefore, ContinuousClock.now < sentBy { usleep(1000) }
            let killedAt = ContinuousClock.now
            kill(pid, SIGKILL)
            _ = answered.wait(timeout: .now() + .seconds(60))
            let status = recognizer.waitUntilSettled(timeoutMs: 60_000)
            let readyAt = ContinuousClock.now
            lastReadyAt = readyAt
            guard case .ready(let load) = status else { throw ValidationError("the worker did not come back: \(status)") }
            answeredMs.append(answeredAt.withLock { $0 }.map { ($0 - killedAt).milliseconds } ?? -1)
            readyMs.append((readyAt - killedAt).milliseconds)
            loadMs.append(load)
        }
        print("\nrecogniser worker killed mid-request (SIGKILL), \(times) times")
        print("  kill -> that request answered (unavailable)     \(answeredMs.map { "\($0)" }.joined(separator: ", ")) ms")
        print("  kill -> new worker ready          <= 5000 ms     \(readyMs.map { "\($0)" }.joined(separator: ", ")) ms"
              + (readyMs.allSatisfy { $0 <= 5000 } ? "" : "  MISSED"))
        print("    of which the model load (worker's own figure)  \(loadMs.map { "\($0)" }.joined(separator: ", ")) ms")
    }

    /// Speech at the reference level plus pink noise at `snrDB` below it, through a µ-law round trip.
    static func line(_ utterance: Utterance, snrDB: Double, seed: UInt64) -> [Int16] {
        let speech = BenchCorpus.normalize(utterance.samples, toActiveLevelDBm0: speechLevelDBm0)
        let noise = VADBench.noise("pink", count: speech.count, seed: seed, levelDBm0: speechLevelDBm0 - snrDB)
        return zip(speech, noise).map { G711.muLawDecode(G711.muLawEncode(DTMFGenerator.quantize($0 + $1))) }
    }

    func evaluate(_ list: KeywordList, utterances: [Utterance], lines: [[Int16]], gated: Bool, name: String,
                  recognizer: Recognizer? = nil) throws -> Tally {
        let spotter = try KeywordSpotter(keywords: list, recognizer: recognizer)
        spotter.decodesWholeUtterances = wholeUtterances && gated
        spotter.recordsPeakScores = verbose
        spotter.patient = !liveTimeouts
        var tally = Tally()
        let chunk = 160
        let gap = [Int16](repeating: 0, count: 4000)
        for (utterance, line) in zip(utterances, lines) {
            var vad = VoiceActivityDetector()
            let base = spotter.framesFed
            let transcriptionsBefore = spotter.transcriptions
            let decodeMsBefore = spotter.transcriptionDecodeMs
            var hits: [SpottedKeyword] = []
            let cpuStart = BenchSupport.cpuSeconds()
            // a live line goes on after the caller stops: the file, then its own line noise
            let heard = line + Self.lineTail(after: line)
            var start = 0
            while start < heard.count {
                let piece = Array(heard[start..<min(heard.count, start + chunk)])
                let speaking = gated ? KeywordSpotter.isVoiced(vad.process(piece)) : true
                if speaking { tally.speechSeconds += Double(piece.count) / 8000 }
                let callStart = MonotonicClock.seconds()
                var found = spotter.process(piece, isSpeech: speaking)
                // the decision reaches the engine only after the call that made it returns: count its wall time
                let computeFrames = Int((MonotonicClock.seconds() - callStart) * 8000)
                for index in found.indices { found[index].decidedAtFrame += computeFrames }
                hits += found
                start += chunk
            }
            let flushStart = MonotonicClock.seconds()
            var flushed = spotter.flush()
            let flushFrames = Int((MonotonicClock.seconds() - flushStart) * 8000)
            for index in flushed.indices { flushed[index].decidedAtFrame += flushFrames }
            hits += flushed
            let rejected = spotter.rejected
            spotter.rejected.removeAll()
            let peaks = spotter.peakScores
            spotter.peakScores.removeAll()
            tally.cpuSeconds += BenchSupport.cpuSeconds() - cpuStart
            tally.audioSeconds += Double(heard.count) / 8000
            // every transcript the spotter asked for, early looks that decided nothing included
            tally.transcriptions += spotter.transcriptions - transcriptionsBefore
            tally.decodeSeconds += Double(spotter.transcriptionDecodeMs - decodeMsBefore) / 1000
            _ = spotter.process(gap, isSpeech: false)
            score(utterance, hits: hits, rejected: rejected, peaks: peaks, base: base, into: &tally, name: name)
        }
        return tally
    }

    /// Moonshine alone: every utterance the recorder cuts is transcribed at its end and the matcher decides.
    func evaluateRecognizerAlone(_ list: KeywordList, utterances: [Utterance], lines: [[Int16]], recognizer: Recognizer?) throws -> Tally {
        guard let recognizer, let matcher = list.matcher else { throw ValidationError("\(keywords) has no matcher: section") }
        var tally = Tally()
        let chunk = 160
        for (utterance, line) in zip(utterances, lines) {
            var vad = VoiceActivityDetector()
            var recorder = UtteranceRecorder()
            var hits: [SpottedKeyword] = []
            let cpuStart = BenchSupport.cpuSeconds()
            var cut: [(UtteranceRecorder.Utterance, Int)] = []
            let heard = line + Self.lineTail(after: line)
            var start = 0
            while start < heard.count {
                let piece = Array(heard[start..<min(heard.count, start + chunk)])
                let speaking = KeywordSpotter.isVoiced(vad.process(piece))
                if let done = piece.withUnsafeBufferPointer({ recorder.process($0, isSpeech: speaking) }) { cut.append((done, start + piece.count)) }
                start += chunk
            }
            // still open after the tail (a caller who never pauses): the recorder's tail would end it there
            if let last = recorder.flush() { cut.append((last, max(heard.count, last.endFrame + recorder.tailFrames))) }
            for (piece, decidedAt) in cut {
                let began = MonotonicClock.seconds()
                let outcome = recognizer.transcribe(piece.samples, timeoutMs: recognizer.configuration.hangLimitMs)
                let waitedFrames = Int((MonotonicClock.seconds() - began) * 8000)
                guard case .transcript(let transcript) = outcome else { continue }
                tally.transcriptions += 1
                tally.transcribedSeconds += Double(piece.samples.count) / 8000
                tally.decodeSeconds += Double(transcript.decodeMs) / 1000
                let decision = matcher.decide(transcript.text)
                guard let keywordClass = decision.keywordClass else { continue }
                hits.append(SpottedKeyword(hit: KeywordHit(phrase: decision.words, keywordClass: keywordClass, confidence: 0.9,
                                                           transcript: transcript.text),
                                           startFrame: piece.startFrame, endFrame: piece.endFrame,
                                           decidedAtFrame: decidedAt + waitedFrames, score: 0, confirmedBy: transcript.text))
            }
            tally.cpuSeconds += BenchSupport.cpuSeconds() - cpuStart
            tally.audioSeconds += Double(heard.count) / 8000
            score(utterance, hits: hits, rejected: [], peaks: [], base: 0, into: &tally, name: "moonshine")
        }
        return tally
    }

    func score(_ utterance: Utterance, hits: [SpottedKeyword], rejected: [SpottedKeyword],
               peaks: [(phrase: String, score: Int)], base: Int, into tally: inout Tally, name: String) {
        tally.utterances[utterance.label, default: 0] += 1
        let innocent = utterance.label == "neutral" || utterance.label == "mention"
        if innocent { tally.neutralSeconds += Double(utterance.samples.count) / 8000 }
        // a person request is served by a distress hit too (both reach a person); a mention "recalled" means it triggered
        let wanted: Set<KeywordHit.Class> = switch utterance.label {
        case "distress": [.distress]
        case "person": [.person, .distress]
        case "menu": [.menu]
        case "mention": [.distress, .person]
        default: []
        }
        var recalled = false
        for spotted in hits {
            if wanted.contains(spotted.hit.keywordClass) {
                if !recalled, !innocent, utterance.label != "menu" {
                    // decided before the speech ended counts as 0
                    tally.latenciesMs.append(max(0, Double(spotted.decidedAtFrame - base - utterance.speechEndFrame) / 8))
                    if let waited = spotted.recognizerMs { tally.recognizerWaitMs.append(Double(waited)) }
                }
                recalled = true
            }
            if innocent, spotted.hit.keywordClass != .menu {
                tally.falseByClass[spotted.hit.keywordClass.rawValue, default: 0] += 1
            }
        }
        let expected: KeywordHit.Class? = utterance.label == "distress" ? .distress : utterance.label == "person" ? .person : nil
        if recalled { tally.recalled[utterance.label, default: 0] += 1 }
        if expected == .distress || expected == .person {
            let old = tally.byVoice[utterance.voice] ?? (0, 0)
            tally.byVoice[utterance.voice] = (old.asked + 1, old.heard + (recalled ? 1 : 0))
        }
        if verbose {
            let heard = hits.map { "\($0.hit.phrase)(\($0.score),\($0.verdict ?? "-")" + ($0.confirmedBy.map { " '\($0)'" } ?? "")
                + ", \(($0.decidedAtFrame - base - utterance.speechEndFrame) / 8) ms after the speech)" }.joined(separator: " ")
            let turnedDown = rejected.map { "\($0.hit.phrase)(\($0.score)) \($0.verdict ?? "") '\($0.confirmedBy ?? "")'" }.joined(separator: " ")
            let best = peaks.map { "\($0.phrase)[\($0.score)]" }.joined(separator: " ")
            print("  \(name) \(recalled ? "HIT " : "MISS") \(utterance.label) \(utterance.file) '\(utterance.text)' -> \(heard)"
                  + (turnedDown.isEmpty ? "" : " | rejected: \(turnedDown)") + (best.isEmpty ? "" : " | peaks: \(best)"))
        }
    }

    static let header = "system        split    SNR   distress       person         mention(trig)  false hand-offs/h (distress+person)  "
        + "latency p50/p90/max ms  rec.wait p50/90 CPU/audio  transcribed"

    static func row(_ name: String, _ split: String, _ snrDB: Double, _ tally: Tally) -> String {
        func recall(_ label: String) -> String {
            BenchSupport.percent(tally.recalled[label, default: 0], tally.utterances[label, default: 0])
        }
        let hours = tally.neutralSeconds / 3600
        let falseCount = tally.falseByClass["distress", default: 0] + tally.falseByClass["person", default: 0]
        let falsePerHour = String(format: "%.1f (%d in %.1f min)", Double(falseCount) / max(hours, 1e-9), falseCount, tally.neutralSeconds / 60)
        let sorted = tally.latenciesMs.sorted()
        func percentile(_ p: Double) -> String {
            sorted.isEmpty ? "-" : String(format: "%.0f", sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))])
        }
        let latency = "\(percentile(0.5))/\(percentile(0.9))/\(sorted.last.map { String(format: "%.0f", $0) } ?? "-")"
        let waits = tally.recognizerWaitMs.sorted()
        let waitParts = waits.isEmpty ? "-" : String(format: "%.0f/%.0f", waits[waits.count / 2], waits[min(waits.count - 1, Int(0.9 * Double(waits.count)))])
        let total = tally.utterances.values.reduce(0, +)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        return pad(name, 13) + " " + pad(split, 8) + " " + pad(snrDB.isInfinite ? "clean" : String(format: "%.0f", snrDB), 5) + " "
            + pad(recall("distress"), 14) + " " + pad(recall("person"), 14) + " " + pad(recall("mention"), 14) + " "
            + pad(falsePerHour, 36) + " " + pad(latency, 23) + " " + pad(waitParts, 15) + " "
            + pad(String(format: "%.3f", (tally.cpuSeconds + tally.decodeSeconds) / max(tally.audioSeconds, 1e-9)), 10) + " "
            + "\(tally.transcriptions) for \(total) files"
    }

    /// How long the line is heard after a file ends (milliseconds): past the sentence's end (500 ms of silence) and the
    /// VAD's hangover, so every decision a live line would make after the caller stops is made on audio, not on a flush.
    static let tailMs = 1000

    /// Samples in the 20 ms frames `lineTail` and `speechEnd` measure.
    static let benchFrame = 160

    /// The mean square of each whole 20 ms frame of `samples`.
    static func framePowers(_ samples: [Int16]) -> [Double] {
        stride(from: 0, to: samples.count - benchFrame + 1, by: benchFrame).map { start in
            samples[start..<(start + benchFrame)].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(benchFrame)
        }
    }

    /// The line after the caller stops, `tailMs` of it: the file's own line noise (its 20 ms frames at least 25 dB under
    /// its loudest 60 ms: the renderer's lead and tail, the gaps between words), in file order and overlapped by half
    /// under a sine window so the power stays level and no seam clicks; digital silence when the file has too little.
    static func lineTail(after line: [Int16]) -> [Int16] {
        let length = benchFrame, hop = benchFrame / 2, frames = tailMs * 8
        let power = framePowers(line)
        var loudest = 0.0
        for index in power.indices {
            let around = power[max(0, index - 1)...min(power.count - 1, index + 1)]
            loudest = max(loudest, around.reduce(0, +) / Double(around.count))
        }
        let cut = loudest / pow(10, 2.5)
        let noise = power.indices.filter { power[$0] <= cut }.map { line[($0 * length)..<(($0 + 1) * length)] }
        guard noise.count >= 5 else { return [Int16](repeating: 0, count: frames) }
        var out = [Double](repeating: 0, count: frames + length)
        for (index, start) in stride(from: 0, to: frames, by: hop).enumerated() {
            let piece = noise[index % noise.count]
            for offset in 0..<length {
                out[start + offset] += Double(piece[piece.startIndex + offset]) * sin(Double.pi * (Double(offset) + 0.5) / Double(length))
            }
        }
        return out[hop..<(frames + hop)].map { Int16(clamping: Int($0.rounded())) }
    }

    /// Where the speech of a rendered file ends: the end of its last 20 ms frame within 30 dB of the loudest and at
    /// least 12 dB over the file's noise floor, the mean of its ten quietest frames (the last sample over 1/30 of the
    /// peak lands in the noise of a 20 dB file, up to its end).
    static func speechEnd(of samples: [Int16]) -> Int {
        let power = framePowers(samples)
        guard !power.isEmpty else { return samples.count }
        let levels = power.map { 10 * log10(max(1, $0)) }
        let quietest = power.sorted().prefix(10)
        let floor = 10 * log10(max(1, quietest.reduce(0, +) / Double(quietest.count)))
        let threshold = max((levels.max() ?? 0) - 30, floor + 12)
        guard let last = levels.lastIndex(where: { $0 >= threshold }) else { return samples.count }
        return (last + 1) * benchFrame
    }

    static func loadCorpus(_ directory: String) throws -> [Utterance] {
        let manifest = try String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8)
        var result: [Utterance] = []
        let columns = manifest.split(separator: "\n").first.map { $0.split(separator: "\t").map(String.init) } ?? []
        for line in manifest.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5 else { continue }
            let samples = try WAVFile.read(path: directory + "/wav/" + fields[0]).samples
            var utterance = Utterance(file: fields[0], label: fields[1], phrase: fields[2], voice: fields[3], text: fields[4],
                                      samples: samples, speechEndFrame: Self.speechEnd(of: samples))
            // evaluation sets add: split, channel, noise, snr_db (blank or "inf": clean), level, style
            if let index = columns.firstIndex(of: "split"), index < fields.count { utterance.split = fields[index] }
            if let index = columns.firstIndex(of: "snr_db"), index < fields.count {
                utterance.renderedSNR = Double(fields[index]) ?? .infinity
                // Scripts/speech-evalset.py puts 500 ms of line after the speech: babble there can read as speech
                utterance.speechEndFrame = min(utterance.speechEndFrame, max(0, samples.count - 4000))
            }
            result.append(utterance)
        }
        return result
    }
}
