import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineDSP
import WarmlineSpeech
import WarmlineUnit

/// `warmline speech`: check the speech set-up per language, or spot keywords in a WAV file.
struct Speech: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Speech keywords: check each language's keywords.yaml and model, or spot keywords in a file.",
        subcommands: [Check.self, Spot.self])

    /// `warmline speech check`: one status line per language (what `warmline doctor` shows).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show per language whether keyword spotting runs or DTMF only, and why.")

        @Option(help: "Prompts directory holding <lang>/keywords.yaml.")
        var prompts = "Prompts"

        @Option(parsing: .upToNextOption, help: "Languages to check.")
        var languages = ["en", "uk", "tr"]

        func run() throws {
            for language in languages {
                print(SpeechStatus.check(keywordsFile: "\(prompts)/\(language)/keywords.yaml", language: language).status)
            }
        }
    }

    /// `warmline speech spot FILE.wav`: keyword hits and voice stress in an 8 kHz 16-bit mono file.
    struct Spot: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Spot keywords and raised voice in an 8 kHz 16-bit mono WAV file.")

        @Argument(help: "8 kHz 16-bit mono WAV file.")
        var file: String

        @Option(help: "Keywords file.")
        var keywords = "Prompts/en/keywords.yaml"

        func run() throws {
            let list = try KeywordList.load(file: keywords)
            let spotter = try KeywordSpotter(keywords: list)
            let wav = try WAVFile.read(path: file)
            let (samples, rate) = (wav.samples, wav.sampleRate)
            guard rate == 8000 else { throw ValidationError("\(file): \(rate) Hz; convert with sox FILE -r 8000 -c 1 -b 16 OUT.wav") }
            // the line's own listener decides speech and key tones, so a file is spotted as a call would be
            var listener = LineListener(tonePlan: nil)
            var stress = VoiceStressDetector()
            var start = 0
            var hits: [SpottedKeyword] = []
            while start < samples.count {
                let chunk = Array(samples[start..<min(samples.count, start + 160)])
                _ = chunk.withUnsafeBufferPointer { listener.process($0) }
                hits += spotter.process(chunk, isSpeech: listener.isSpeaking, keyTone: listener.heardKeyTone)
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
            for hit in hits {
                print(String(format: "%7.2f s  %-8@ '%@' confidence %.2f (score %d), decided %.0f ms after its end%@",
                             Double(hit.endFrame) / 8000, hit.hit.keywordClass.rawValue, hit.hit.phrase, hit.hit.confidence,
                             hit.score, Double(hit.decidedAtFrame - hit.endFrame) / 8, hit.confirmedBy.map { ", confirmed by '\($0)'" } ?? ""))
            }
        }
    }
}
