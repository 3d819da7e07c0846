import Foundation
import WarmlineConfig

/// A PocketSphinx model on disk: acoustic model directory, pronunciation dictionary, optional language model.
public struct SpeechModel: Sendable, Equatable {
    /// Acoustic model directory (holds mdef, means, variances, ...).
    public var acousticModel: String
    /// Pronunciation dictionary.
    public var dictionary: String
    /// N-gram language model for the confirmation pass; nil for keyword spotting alone.
    public var languageModel: String?
    /// Extra decoder arguments (name, value pairs), for tuning.
    public var extraArguments: [String] = []

    /// Makes a model description.
    public init(acousticModel: String, dictionary: String, languageModel: String? = nil) {
        self.acousticModel = acousticModel
        self.dictionary = dictionary
        self.languageModel = languageModel
    }

    /// Debian's pocketsphinx-en-us model.
    public static let debianEnglish = SpeechModel(
        acousticModel: "/usr/share/pocketsphinx/model/en-us/en-us",
        dictionary: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
        languageModel: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin")

    static func parse(_ entries: [YAMLEntry],
                      reader: KeywordList.Reader) throws(SpeechSetupError) -> SpeechModel {
        var values: [String: (line: Int, value: String)] = [:]
        let known = ["acoustic", "dictionary", "language_model"]
        for entry in entries {
            guard known.contains(entry.key) else {
                throw SpeechSetupError(file: reader.file, line: entry.line,
                                       reason: "unknown model key '\(entry.key)' (expected \(known.joined(separator: ", ")))")
            }
            values[entry.key] = (entry.line, try reader.string(entry.value, "model.\(entry.key)"))
        }
        let line = entries.first?.line
        guard let acoustic = values["acoustic"] else {
            throw SpeechSetupError(file: reader.file, line: line, reason: "model needs 'acoustic' (the acoustic model directory)")
        }
        guard let dictionary = values["dictionary"] else {
            throw SpeechSetupError(file: reader.file, line: line, reason: "model needs 'dictionary'")
        }
        return SpeechModel(acousticModel: acoustic.value, dictionary: dictionary.value,
                           languageModel: values["language_model"]?.value)
    }

    /// Checks every model file is there (the decoder's own messages are not shown to technicians).
    public func validateFiles() throws(SpeechSetupError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: acousticModel, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SpeechSetupError(file: acousticModel,
                                   reason: "acoustic model directory missing (Debian package pocketsphinx-en-us)")
        }
        for part in ["mdef", "means", "variances", "transition_matrices", "feat.params"] {
            let path = acousticModel + "/" + part
            guard manager.isReadableFile(atPath: path) else {
                throw SpeechSetupError(file: path, reason: "acoustic model is incomplete: '\(part)' missing or unreadable")
            }
        }
        guard manager.isReadableFile(atPath: dictionary) else {
            throw SpeechSetupError(file: dictionary, reason: "pronunciation dictionary missing or unreadable")
        }
        if let languageModel, !manager.isReadableFile(atPath: languageModel) {
            throw SpeechSetupError(file: languageModel, reason: "language model missing or unreadable")
        }
    }

    /// The dictionary's lines for `words` (every pronunciation, `word(2)` folded into `word`), found by one pass over
    /// the file's bytes: a decoder that spots a few phrases needs a few dozen entries, and holding all 134 000 as
    /// strings, even for a moment, leaves tens of MB of heap behind in a long-running unit.
    func dictionaryLines(for words: Set<String>) throws(SpeechSetupError) -> [(word: String, line: String)] {
        try validateFiles()
        guard let data = FileManager.default.contents(atPath: dictionary) else {
            throw SpeechSetupError(file: dictionary, reason: "pronunciation dictionary unreadable")
        }
        let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), paren = UInt8(ascii: "(")
        return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var found: [(word: String, line: String)] = []
            guard let base = bytes.baseAddress else { return found }
            var lineStart = 0
            // memchr and a plain index loop: the generic `firstIndex(of:)` over 3.6 MB took seconds per spotter in a
            // debug build (the test run's start-up waited on it)
            while lineStart < bytes.count {
                let lineEnd = memchr(base + lineStart, Int32(newline), bytes.count - lineStart)
                    .map { UnsafeRawPointer($0) - base } ?? bytes.count
                var wordEnd = lineStart
                while wordEnd < lineEnd, bytes[wordEnd] != space, bytes[wordEnd] != tab, bytes[wordEnd] != paren { wordEnd += 1 }
                // words are short: the String stays inline, no allocation for the lines we skip
                let word = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<wordEnd]), as: UTF8.self)
                if words.contains(word) {
                    found.append((word, String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self)))
                }
                lineStart = lineEnd + 1
            }
            return found
        }
    }
}
