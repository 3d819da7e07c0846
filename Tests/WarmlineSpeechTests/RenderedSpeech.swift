import Foundation
import WarmlineAudio
import WarmlineDSP
@testable import WarmlineSpeech

/// Real speech for tests: flite or espeak-ng rendered at test time into a temp dir, as 8 kHz telephone audio.
enum RenderedSpeech {
    /// Renders `text` and returns 8 kHz samples after a G.711 µ-law round trip.
    static func render(_ text: String, engine: Engine) throws -> [Int16] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-speech-tests-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let raw = directory.appendingPathComponent("\(UUID().uuidString)-raw.wav").path
        let line = directory.appendingPathComponent("\(UUID().uuidString)-8k.wav").path
        defer {
            try? FileManager.default.removeItem(atPath: raw)
            try? FileManager.default.removeItem(atPath: line)
        }
        switch engine {
        case .flite(let voice): try ChildProcess.runSucceeding(["/usr/bin/flite", "-voice", voice, "-t", text, "-o", raw])
        case .espeak(let arguments): try ChildProcess.runSucceeding(["/usr/bin/espeak-ng"] + arguments + ["-w", raw, text])
        }
        try ChildProcess.runSucceeding(["/usr/bin/sox", "-q", "-D", raw, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", line,
                                       "sinc", "300-3400", "pad", "0.3", "0.3"])
        let samples = try WAVFile.read(path: line).samples
        return samples.map { G711.muLawDecode(G711.muLawEncode($0)) }
    }

    /// A TTS engine and voice.
    enum Engine {
        case flite(String)
        case espeak([String])
    }

    /// `samples` as 20 ms periods, each with WarmlineDSP's VAD decision for the spotter.
    static func periods(_ samples: [Int16]) -> [(samples: [Int16], isSpeech: Bool)] {
        var vad = VoiceActivityDetector()
        return stride(from: 0, to: samples.count, by: 160).map { start in
            let chunk = Array(samples[start..<min(samples.count, start + 160)])
            return (chunk, KeywordSpotter.isVoiced(vad.process(chunk)))
        }
    }

    /// Feeds `samples` in 20 ms chunks with WarmlineDSP's VAD deciding speech; returns every hit.
    static func spot(_ samples: [Int16], with spotter: KeywordSpotter) -> [SpottedKeyword] {
        periods(samples).flatMap { spotter.process($0.samples, isSpeech: $0.isSpeech) } + spotter.flush()
    }

    /// The repository's Prompts directory (tests run from the package root).
    static let promptsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Prompts").path
}
