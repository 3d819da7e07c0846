import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineDSP
import WarmlineSpeech
import WarmlineUnit

/// `warmline speech`: check the speech set-up per language and the recogniser, or spot keywords in a WAV file.
struct Speech: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Speech keywords: check each language's keywords.yaml, its model and the recogniser, or spot keywords in a file.",
        subcommands: [Check.self, Spot.self])

    /// `warmline speech check`: one status line per language (what `warmline doctor` shows).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show per language whether keyword spotting runs or DTMF only, and whether the recogniser loads, and why not.")

        @Option(help: "Prompts directory holding <lang>/keywords.yaml.")
        var prompts = "Prompts"

        @Option(parsing: .upToNextOption, help: "Languages to check.")
        var languages = ["en", "uk", "tr"]

        @Option(help: "Recogniser model directory (default: \(RecognizerModel.installedDirectory), else ./\(RecognizerModel.cacheDirectory)).")
        var model: String?

        func run() throws {
            for language in languages {
                let (status, keywords) = SpeechStatus.check(keywordsFile: "\(prompts)/\(language)/keywords.yaml", language: language)
                print(status)
                if let matcher = keywords?.matcher {
                    print("speech \(language): phrase matcher on, \(matcher.rules.count) patterns")
                }
            }
            print(Self.recognizerReport(model: model.map(RecognizerModel.init(directory:)) ?? .locate()))
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
            return "\(status): Moonshine base-en in \(model.directory), library \(model.path(RecognizerModel.libraryFile)), "
                + "worker \(recognizer.configuration.workerPath)" + (resident.map { ", worker resident \($0)" } ?? "")
        }
    }

    /// `warmline speech spot FILE.wav`: per utterance, keyword hits, the recogniser's transcript and the matcher's verdict.
    struct Spot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spot keywords, transcribe and judge each utterance, and show raised voice in an 8 kHz 16-bit mono WAV file.")

        @Argument(help: "8 kHz 16-bit mono WAV file.")
        var file: String

        @Option(help: "Keywords file.")
        var keywords = "Prompts/en/keywords.yaml"

        @Option(help: "Recogniser model directory (default: \(RecognizerModel.installedDirectory), else ./\(RecognizerModel.cacheDirectory)).")
        var model: String?

        @Flag(help: "PocketSphinx alone: do not start the recogniser.")
        var noRecognizer = false

        func run() throws {
            let list = try KeywordList.load(file: keywords)
            let spotter = try KeywordSpotter(keywords: list)
            let wav = try WAVFile.read(path: file)
            let (samples, rate) = (wav.samples, wav.sampleRate)
            guard rate == 8000 else { throw ValidationError("\(file): \(rate) Hz; convert with sox FILE -r 8000 -c 1 -b 16 OUT.wav") }
            let recognizer = noRecognizer ? nil : Recognizer(configuration: .init(model: model.map(RecognizerModel.init(directory:)) ?? .locate()))
            defer { recognizer?.stop() }
            if let recognizer {
                let status = recognizer.waitUntilSettled(timeoutMs: recognizer.configuration.startTimeoutMs)
                if !status.isReady { print(status) }
            }
            // the line's own listener decides speech and key tones, so a file is spotted as a call would be
            var listener = LineListener(tonePlan: nil)
            var stress = VoiceStressDetector()
            var recorder = UtteranceRecorder()
            var start = 0
            var hits: [SpottedKeyword] = []
            var utterances: [UtteranceRecorder.Utterance] = []
            while start < samples.count {
                let chunk = Array(samples[start..<min(samples.count, start + 160)])
                _ = chunk.withUnsafeBufferPointer { listener.process($0) }
                hits += spotter.process(chunk, isSpeech: listener.isSpeaking, keyTone: listener.heardKeyTone)
                if let utterance = recorder.process(chunk, isSpeech: listener.isSpeaking) { utterances.append(utterance) }
                for case .stress(let signal) in stress.process(chunk, isSpeech: listener.isSpeaking) {
                    print(String(format: "%7.2f s  voice  %@", Double(signal.segment.startFrame) / 8000, signal.description))
                }
                for rejected in spotter.rejected {
                    print(String(format: "%7.2f s  (rejected %@ '%@': second pass heard '%@')", Double(rejected.endFrame) / 8000,
                                 rejected.hit.keywordClass.rawValue, rejected.hit.phrase, rejected.confirmedBy ?? ""))
                }
                spotter.rejected.removeAll()
                start += 160
            }
            hits += spotter.flush()
            if let last = recorder.flush() { utterances.append(last) }
            var heardAnything = !hits.isEmpty
            // each hit goes with the last utterance begun (100 ms of slack: the spotter's VAD differs from the recorder's)
            let owner = { (hit: SpottedKeyword) in utterances.lastIndex { $0.startFrame - 800 < hit.endFrame } }
            for hit in hits where owner(hit) == nil { print(Self.describe(hit)) }
            for (index, utterance) in utterances.enumerated() {
                print(String(format: "%7.2f s  utterance %d, %.2f s", Double(utterance.startFrame) / 8000, index + 1,
                             Double(utterance.samples.count) / 8000))
                for hit in hits where owner(hit) == index { print(Self.describe(hit)) }
                guard let recognizer, recognizer.status.isReady else { continue }
                let outcome = recognizer.transcribe(utterance.samples, timeoutMs: recognizer.configuration.hangLimitMs)
                print("           transcript \(outcome)")
                if let text = outcome.text, let matcher = list.matcher {
                    let decision = matcher.decide(text)
                    if decision.keywordClass != nil { heardAnything = true }
                    print("           matcher    \(decision)")
                }
            }
            if !heardAnything { print("no keyword heard") }
        }

        static func describe(_ hit: SpottedKeyword) -> String {
            String(format: "%7.2f s  %-8@ '%@' confidence %.2f (score %d), decided %.0f ms after its end%@",
                   Double(hit.endFrame) / 8000, hit.hit.keywordClass.rawValue, hit.hit.phrase, hit.hit.confidence,
                   hit.score, Double(hit.decidedAtFrame - hit.endFrame) / 8, hit.confirmedBy.map { ", confirmed by '\($0)'" } ?? "")
        }
    }
}
