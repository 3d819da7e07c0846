import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineCore
import WarmlineDSP
import WarmlineSpeech
import WarmlineText
import WarmlineUnit

/// `warmline speech`: check the speech set-up per language and the recogniser, or spot keywords in a WAV file.
struct Speech: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Speech keywords: check each language's keywords.yaml, its model and the recogniser, or spot keywords in a file.",
        subcommands: [Check.self, Spot.self, Evaluate.self])

    /// `warmline speech check`: one status line per language (what `warmline doctor` shows).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show per language whether keyword spotting runs or DTMF only, and whether the recogniser loads, and why not.",
            discussion: "Exits 2 when a keywords.yaml is there but malformed (spoken distress would go unheard).")

        @OptionGroup var config: ConfigOption

        @Option(help: "Prompts directory holding <lang>/keywords.yaml (default: the config's prompts_dir).")
        var prompts: String?

        @Option(parsing: .upToNextOption, help: "Languages to check (default: the config's languages).")
        var languages: [String] = []

        @Option(help: "Recogniser model directory (default: the config's recognizer.model_dir, else \(RecognizerModel.installedDirectory), else ./\(RecognizerModel.cacheDirectory)).")
        var model: String?

        @Option(help: "libmoonshine.so to load instead of the model directory's (e.g. moonshine-voice's aarch64 build).")
        var library: String?

        func run() throws {
            let unit = try config.loadOrRepositoryDefaults()
            let prompts = self.prompts ?? unit.promptsDirectory
            guard FileManager.default.fileExists(atPath: prompts) else {
                throw CommandFailure.badInput("prompts directory \(prompts) does not exist (prompts_dir in \(config.path), or --prompts)")
            }
            var broken: [String] = []
            for language in languages.isEmpty ? unit.languages : languages {
                let (status, keywords) = SpeechStatus.check(keywordsFile: "\(prompts)/\(language)/keywords.yaml", language: language)
                print(TerminalText.escaped(status.description))
                if status.isBroken { broken.append(language) }
                if let matcher = keywords?.matcher {
                    print("speech \(language): phrase matcher on, \(matcher.rules.count) patterns")
                }
            }
            guard unit.recognizer.enabled else {
                print("recogniser off in the config (recognizer.enabled: false): PocketSphinx decides alone")
                return try finish(broken)
            }
            let directory = model ?? unit.recognizer.modelDirectory ?? RecognizerModel.locate().directory
            print(Self.recognizerReport(model: RecognizerModel(directory: directory, library: library ?? unit.recognizer.library)))
            try finish(broken)
        }

        private func finish(_ broken: [String]) throws {
            guard broken.isEmpty else {
                throw CommandFailure.badInput("malformed keywords file for \(broken.joined(separator: ", ")): "
                    + "spoken distress detection is off there until it is fixed")
            }
        }

        /// Starts the worker once and says what happened: model, library, worker, load time, or why not.
        static func recognizerReport(model: RecognizerModel) -> String {
            let recognizer = Recognizer(configuration: .init(model: model))
            defer { recognizer.stop() }
            let status = recognizer.waitUntilSettled(timeoutMs: recognizer.configuration.startTimeoutMs)
            guard status.isReady else { return status.description }
            let resident = recognizer.statistics.workerPID.flatMap { pid in
                (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))?.split(separator: "\n")
                    .first { $0.hasPrefix("VmRSS:") }.map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
            }
            return "\(status): Moonshine base-en in \(model.directory), \(model.decoderSummary), library \(model.libraryPath), "
                + "worker \(recognizer.configuration.workerPath)" + (resident.map { ", worker resident \($0)" } ?? "")
        }
    }

    /// `warmline speech spot FILE.wav`: per utterance, keyword hits, the recogniser's transcript and the matcher's verdict.
    struct Spot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spot keywords, transcribe and judge each utterance, and show raised voice in an 8 kHz 16-bit mono WAV file.")

        @Argument(help: "8 kHz 16-bit mono WAV file.")
        var file: String

        @OptionGroup var config: ConfigOption

        @Option(help: "Keywords file (default: the config's prompts_dir/<first language>/keywords.yaml).")
        var keywords: String?

        @Option(help: "Recogniser model directory (default: the config's recognizer.model_dir, else \(RecognizerModel.installedDirectory), else ./\(RecognizerModel.cacheDirectory)).")
        var model: String?

        @Flag(help: "PocketSphinx alone: do not start the recogniser.")
        var noRecognizer = false

        func run() throws {
            let unit = try config.loadOrRepositoryDefaults()
            let keywords = self.keywords ?? "\(unit.promptsDirectory)/\(unit.languages.first ?? "en")/keywords.yaml"
            guard FileManager.default.fileExists(atPath: file) else { throw CommandFailure.badInput("\(file): no such file") }
            guard FileManager.default.fileExists(atPath: keywords) else {
                throw CommandFailure.badInput("\(keywords): no such keywords file (prompts_dir in \(config.path), or --keywords)")
            }
            let list = try KeywordList.load(file: keywords)
            let recognizer = noRecognizer || !unit.recognizer.enabled ? nil
                : FileAnalysis.startRecognizer(model: model ?? unit.recognizer.modelDirectory, keywords: keywords)
            defer { recognizer?.stop() }
            let analysis = try FileAnalysis(file: file, keywords: list, recognizer: recognizer, printing: true)
            for (index, utterance) in analysis.utterances.enumerated() {
                print(String(format: "%7.2f s  utterance %d, %.2f s", Double(utterance.audio.startFrame) / 8000, index + 1,
                             Double(utterance.audio.samples.count) / 8000))
                if let outcome = utterance.outcome { print("           transcript \(outcome)") }
                if let decision = utterance.decision { print("           matcher    \(decision)") }
            }
            let mode = analysis.twoPass ? "two passes: PocketSphinx candidates, Moonshine transcript" : "PocketSphinx alone"
            if analysis.hits.isEmpty {
                print("no keyword heard (\(mode))")
            } else {
                print("decided (\(mode)): " + analysis.hits.map { "\($0.hit.keywordClass.rawValue) '\($0.hit.phrase)'" }.joined(separator: ", "))
            }
        }
    }

    /// `warmline speech evaluate DIR`: recall and false triggers of PocketSphinx alone beside the recogniser and matcher.
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per class, how often PocketSphinx alone and the recogniser with the phrase matcher hear a labelled set of WAV files.",
            discussion: "DIR holds manifest.tsv (file, class, phrase, voice, text; as Scripts/speech-corpus.sh writes it) and wav/. "
                + "Classes distress and person are requests; neutral and mention must not trigger.")

        @Argument(help: "Directory with manifest.tsv and wav/.")
        var directory: String

        @Option(help: "Keywords file.")
        var keywords = "Prompts/en/keywords.yaml"

        @Option(help: "Recogniser model directory (default: \(RecognizerModel.installedDirectory), else ./\(RecognizerModel.cacheDirectory)).")
        var model: String?

        @Flag(help: "Print every file's verdicts.")
        var verbose = false

        func run() throws {
            let list = try KeywordList.load(file: keywords)
            guard list.matcher != nil else { throw ValidationError("\(keywords) has no matcher: section") }
            let recognizer = FileAnalysis.startRecognizer(model: model, keywords: keywords)
            defer { recognizer.stop() }
            guard recognizer.status.isReady else { throw ValidationError("\(recognizer.status)") }
            let manifest = try String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8)
            var files: [String: Int] = [:], sphinx: [String: Int] = [:], matched: [String: Int] = [:], twoPass: [String: Int] = [:]
            var decodeMs: [Int] = [], audioMs: [Int] = [], failures = 0
            for line in manifest.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard fields.count >= 5 else { continue }
                let (file, label, text) = (fields[0], fields[1], fields[4])
                let analysis = try FileAnalysis(file: directory + "/wav/" + file, keywords: list, recognizer: recognizer, printing: false)
                // a request counts when its own class is heard; on neutral speech and mentions any distress or person is false
                let wanted: Set<KeywordHit.Class> = label == "distress" ? [.distress] : label == "person" ? [.person, .distress] : [.distress, .person]
                let bySphinx = analysis.aloneHits.contains { wanted.contains($0.hit.keywordClass) }
                let byTwoPass = analysis.hits.contains { wanted.contains($0.hit.keywordClass) }
                let byMatcher = analysis.utterances.contains { $0.decision?.keywordClass.map(wanted.contains) == true }
                for utterance in analysis.utterances {
                    if case .transcript(let transcript) = utterance.outcome {
                        decodeMs.append(transcript.decodeMs)
                        audioMs.append(transcript.audioMs)
                    } else if utterance.outcome != nil {
                        failures += 1
                    }
                }
                files[label, default: 0] += 1
                sphinx[label, default: 0] += bySphinx ? 1 : 0
                matched[label, default: 0] += byMatcher ? 1 : 0
                twoPass[label, default: 0] += byTwoPass ? 1 : 0
                if verbose {
                    let heard = analysis.utterances.compactMap { $0.outcome?.text }.joined(separator: " / ")
                    let verdicts = analysis.utterances.compactMap { $0.decision?.kind.rawValue }.joined(separator: ",")
                    print("\(label)\t\(bySphinx ? "S" : "-")\(byMatcher ? "M" : "-")\(byTwoPass ? "2" : "-")\t\(file)\t'\(text)' -> '\(heard)' [\(verdicts)] "
                          + "sphinx: \(analysis.aloneHits.map(\.hit.phrase)) two-pass: \(analysis.hits.map(\.hit.phrase))")
                }
            }
            print("class     files  PocketSphinx alone  recogniser alone    two passes    (neutral, mention: false triggers)")
            for label in ["distress", "person", "neutral", "mention"] where files[label] != nil {
                let count = files[label] ?? 0
                func share(_ table: [String: Int]) -> String {
                    String(format: "%3d (%5.1f %%)", table[label] ?? 0, 100 * Double(table[label] ?? 0) / Double(max(1, count)))
                }
                print(String(format: "%-9@ %5d  %@     %@     %@", label, count, share(sphinx), share(matched), share(twoPass)))
            }
            let sorted = decodeMs.sorted()
            if !sorted.isEmpty {
                let stats = recognizer.statistics
                print(String(format: "recogniser: %d utterances, %.2f s of audio on average; decode median %d ms, p95 %d ms, max %d ms; "
                             + "%d without a transcript; worker resident %d MB after the last, peak %d MB; %d worker starts",
                             sorted.count, Double(audioMs.reduce(0, +)) / Double(audioMs.count) / 1000, sorted[sorted.count / 2],
                             sorted[min(sorted.count - 1, sorted.count * 95 / 100)], sorted.last ?? 0, failures,
                             stats.residentMB ?? 0, stats.peakResidentMB, stats.starts))
            }
        }
    }
}

/// One WAV file as a line hears it: the spotter's hits, the recorder's utterances, each transcribed and judged.
struct FileAnalysis {
    /// One utterance with what was heard in it.
    struct Utterance {
        var audio: UtteranceRecorder.Utterance
        var hits: [SpottedKeyword] = []
        var outcome: RecognizerOutcome?
        var decision: PhraseDecision?
    }

    /// The unit's decisions: the two passes with a recogniser, else PocketSphinx alone.
    var hits: [SpottedKeyword] = []
    /// PocketSphinx alone at its tuned cuts (the unit without the recogniser).
    var aloneHits: [SpottedKeyword] = []
    /// Candidates the second pass turned down, with the transcript and why.
    var rejected: [SpottedKeyword] = []
    var utterances: [Utterance] = []
    /// Hits before the first utterance began.
    var strayHits: [SpottedKeyword] = []
    /// The decisions came from the two passes.
    var twoPass = false

    /// A recogniser for a command (verifying with `keywords`' phrasings): started and waited for; prints why when it is not ready.
    static func startRecognizer(model: String?, keywords: String?) -> Recognizer {
        var configuration = Recognizer.Configuration(model: model.map { RecognizerModel(directory: $0) } ?? .locate())
        configuration.keywordsFile = keywords
        let recognizer = Recognizer(configuration: configuration)
        let status = recognizer.waitUntilSettled(timeoutMs: recognizer.configuration.startTimeoutMs)
        if !status.isReady { print(status) }
        return recognizer
    }

    /// Spots, cuts, transcribes and judges `file`; `printing` shows voice stress and second-pass rejections as they come.
    init(file: String, keywords: KeywordList, recognizer: Recognizer?, printing: Bool) throws {
        let usable = recognizer.flatMap { recognizer -> Recognizer? in
            if case .unavailable = recognizer.status { return nil }
            return recognizer
        }
        let spotter = try KeywordSpotter(keywords: keywords, recognizer: usable)
        let alone = usable == nil ? nil : try KeywordSpotter(keywords: keywords)
        twoPass = spotter.isTwoPass
        let wav = try WAVFile.read(path: file)
        let (samples, rate) = (wav.samples, wav.sampleRate)
        guard rate == 8000 else { throw ValidationError("\(file): \(rate) Hz; convert with sox FILE -r 8000 -c 1 -b 16 OUT.wav") }
        // the line's own listener decides speech and key tones, so a file is spotted as a call would be
        var listener = LineListener(tonePlan: nil)
        var stress = VoiceStressDetector()
        var recorder = UtteranceRecorder()
        var start = 0
        var cut: [UtteranceRecorder.Utterance] = []
        while start < samples.count {
            let chunk = Array(samples[start..<min(samples.count, start + 160)])
            _ = chunk.withUnsafeBufferPointer { listener.process($0) }
            let found = spotter.process(chunk, isSpeech: listener.isSpeaking, keyTone: listener.heardKeyTone)
            hits += found
            if printing { for hit in found { print(FileAnalysis.describe(hit)) } }
            aloneHits += alone?.process(chunk, isSpeech: listener.isSpeaking, keyTone: listener.heardKeyTone) ?? []
            if let utterance = recorder.process(chunk, isSpeech: listener.isSpeaking) { cut.append(utterance) }
            let signals = stress.process(chunk, isSpeech: listener.isSpeaking)
            if printing {
                for case .stress(let signal) in signals {
                    print(String(format: "%7.2f s  voice  %@", Double(signal.segment.startFrame) / 8000, signal.description))
                }
                for turned in spotter.rejected { print(FileAnalysis.describe(rejected: turned)) }
            }
            rejected += spotter.rejected
            spotter.rejected.removeAll()
            start += 160
        }
        let last = spotter.flush()
        hits += last
        if printing {
            for hit in last { print(FileAnalysis.describe(hit)) }
            for turned in spotter.rejected { print(FileAnalysis.describe(rejected: turned)) }
        }
        rejected += spotter.rejected
        aloneHits += alone?.flush() ?? []
        if alone == nil { aloneHits = hits }
        if let last = recorder.flush() { cut.append(last) }
        utterances = cut.map { Utterance(audio: $0) }
        // each hit goes with the last utterance begun (100 ms of slack: the spotter's VAD differs from the recorder's)
        for hit in hits {
            if let owner = utterances.lastIndex(where: { $0.audio.startFrame - 800 < hit.endFrame }) {
                utterances[owner].hits.append(hit)
            } else {
                strayHits.append(hit)
            }
        }
        // a worker being replaced (memory limit) queues the utterance; only a recogniser that cannot run is skipped
        guard let recognizer else { return }
        if case .unavailable = recognizer.status { return }
        for index in utterances.indices {
            let outcome = recognizer.transcribe(utterances[index].audio.samples, timeoutMs: recognizer.configuration.hangLimitMs)
            utterances[index].outcome = outcome
            if let text = outcome.text { utterances[index].decision = keywords.matcher?.decide(text) }
        }
    }

    static func describe(_ hit: SpottedKeyword) -> String {
        let how: String
        if let verdict = hit.verdict {
            how = ", " + verdict + (hit.recognizerMs.map { " (recogniser answered in \($0) ms)" } ?? "")
        } else {
            how = hit.confirmedBy.map { ", confirmed by '\($0)'" } ?? ""
        }
        return String(format: "%7.2f s  %-8@ '%@' confidence %.2f (score %d), decided %.0f ms of audio after its end%@",
                      Double(hit.endFrame) / 8000, hit.hit.keywordClass.rawValue, hit.hit.phrase, hit.hit.confidence,
                      hit.score, Double(hit.decidedAtFrame - hit.endFrame) / 8, how)
    }

    static func describe(rejected turned: SpottedKeyword) -> String {
        // no first-pass candidate: the recogniser read the sentence anyway
        let what = turned.hit.phrase == KeywordSpotter.wholeSentencePhrase ? "a sentence with no first-pass candidate"
            : String(format: "%@ candidate '%@' (score %d)", turned.hit.keywordClass.rawValue, turned.hit.phrase, turned.score)
        return String(format: "%7.2f s  not a request: %@: %@%@", Double(turned.endFrame) / 8000, what,
                      turned.verdict ?? "turned down", turned.confirmedBy.map { "; caller said: '\($0)'" } ?? "")
    }
}
