import Foundation
import Testing
import WarmlineCore
import WarmlineTestScheduling
@testable import WarmlineAudio

@Suite("Recorded prompts", .holdsItsThread)
struct RecordedPromptTests {
    /// How a bad recording is made, and the reason it is refused with (after `<path>: `).
    enum BadFile: Sendable, CustomTestStringConvertible {
        case tone(name: String, rate: Int, channels: Int, bits: Int)
        case text(name: String)
        case empty(name: String)

        var name: String {
            switch self {
            case .tone(let name, _, _, _), .text(let name), .empty(let name): name
            }
        }

        var testDescription: String { name }

        func make(at path: String) throws {
            switch self {
            case .tone(_, let rate, let channels, let bits):
                try soxTone(path, seconds: 0.3, rate: rate, channels: channels, bits: bits)
            case .text:
                try Data("a voice memo, not audio\n".utf8).write(to: URL(fileURLWithPath: path))
            case .empty:
                try WAVFile(sampleRate: 8000, samples: []).write(path: path)
            }
        }
    }

    static let wanted = "recorded prompts must be 8000 Hz mono 16-bit PCM"

    @Test("a recording that cannot be played is refused with its path and a reason that says what to do", arguments: [
        (BadFile.tone(name: "goodbye.wav", rate: 16000, channels: 2, bits: 16),
         "16000 Hz stereo 16-bit PCM; \(wanted) (sox in.wav -r 8000 -c 1 -b 16 goodbye.wav)"),
        (BadFile.tone(name: "goodbye.wav", rate: 16000, channels: 1, bits: 16),
         "16000 Hz mono 16-bit PCM; \(wanted) (sox in.wav -r 8000 -c 1 -b 16 goodbye.wav)"),
        (BadFile.tone(name: "invalid.wav", rate: 8000, channels: 2, bits: 16),
         "8000 Hz stereo 16-bit PCM; \(wanted) (sox in.wav -r 8000 -c 1 -b 16 invalid.wav)"),
        (BadFile.tone(name: "timeout.wav", rate: 8000, channels: 1, bits: 8),
         "8000 Hz mono 8-bit PCM; \(wanted) (sox in.wav -r 8000 -c 1 -b 16 timeout.wav)"),
        (BadFile.text(name: "goodbye.wav"),
         "not a RIFF/WAVE file; \(wanted) (sox ORIGINAL -r 8000 -c 1 -b 16 goodbye.wav)"),
        (BadFile.text(name: "goodbye.mp3"),
         "not a .wav file; \(wanted), named <id>.wav (sox goodbye.mp3 -r 8000 -c 1 -b 16 goodbye.wav)"),
        (BadFile.empty(name: "goodbye.wav"), "holds no samples; record the prompt again"),
        (BadFile.tone(name: "goodby.wav", rate: 8000, channels: 1, bits: 16),
         "no prompt or piece 'goodby' in ROOT/en/prompts.yaml or pieces.yaml; did you mean goodbye.wav?"),
        (BadFile.tone(name: "balance_is.wav", rate: 8000, channels: 1, bits: 16),
         "prompt 'balance_is' has placeholders spoken from pieces, so it cannot be one recording; "
            + "record its fixed parts as balance_is.0.wav (\"Your balance is\")"),
        (BadFile.tone(name: "n5.wav", rate: 8000, channels: 1, bits: 16), "'n5' is a piece; name its recording piece.n5.wav"),
    ])
    func refusals(file: BadFile, reason: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        let path = "\(root)/en/recorded/\(file.name)"
        try file.make(at: path)
        let error = #expect(throws: RecordedPromptError.self) {
            try PromptLibrary(root: root, languages: ["en"], cacheDirectory: dir.path("cache"))
        }
        #expect(error?.problems == ["\(path): \(reason.replacingOccurrences(of: "ROOT", with: root))"])
    }

    @Test("every unusable recording is named at once, and hidden files are left alone")
    func everyProblemAtOnce() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        try soxTone("\(root)/en/recorded/goodbye.wav", seconds: 0.3, rate: 16000)
        try soxTone("\(root)/en/recorded/timeout.wav", seconds: 0.3, bits: 8)
        try soxTone("\(root)/en/recorded/invalid.wav", seconds: 0.3)
        try Data("junk".utf8).write(to: URL(fileURLWithPath: "\(root)/en/recorded/.DS_Store"))
        let error = #expect(throws: RecordedPromptError.self) {
            try PromptLibrary(root: root, languages: ["en"], cacheDirectory: dir.path("cache"))
        }
        #expect(error?.problems.map { $0.components(separatedBy: ": ")[0] } ==
            ["\(root)/en/recorded/goodbye.wav", "\(root)/en/recorded/timeout.wav"])
    }

    @Test("good recordings load under their render ids: a whole prompt, a fixed part and a piece")
    func goodRecordingsLoad() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        for (name, seconds) in [("goodbye", 1.0), ("balance_is.0", 0.8), ("piece.n5", 0.4)] {
            try soxTone("\(root)/en/recorded/\(name).wav", seconds: seconds)
        }
        let recordings = try RecordedPrompt.load(root: root, catalog: PromptCatalog.load(root: root, language: "en"), sampleRate: 8000)
        #expect(recordings.keys.sorted() == ["balance_is.0", "goodbye", "piece.n5"])
        #expect(recordings["goodbye"]?.samples.count == 8000)
        #expect(recordings["piece.n5"]?.path == "\(root)/en/recorded/piece.n5.wav")
    }
}
