import Foundation
import Yams

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

    static func parse(_ entries: [(key: String, line: Int, value: Node)],
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

    /// The dictionary's words (alternate pronunciations `word(2)` folded in).
    func dictionaryWords() throws(SpeechSetupError) -> Set<String> {
        Set(try dictionaryLines().map(\.word))
    }

    /// The dictionary's entries for `words` only (every pronunciation), as dictionary file text: a decoder
    /// that spots a few phrases needs a few dozen entries, not the 134 000 that cost 22 MB per decoder.
    func dictionaryText(for words: Set<String>) throws(SpeechSetupError) -> String {
        try dictionaryLines().filter { words.contains($0.word) }.map(\.line).joined(separator: "\n") + "\n"
    }

    private func dictionaryLines() throws(SpeechSetupError) -> [(word: String, line: Substring)] {
        try validateFiles()
        guard let data = FileManager.default.contents(atPath: dictionary),
              let text = String(data: data, encoding: .utf8) else {
            throw SpeechSetupError(file: dictionary, reason: "pronunciation dictionary unreadable or not UTF-8")
        }
        return text.split(separator: "\n").compactMap { line in
            guard let word = line.split(separator: " ", maxSplits: 1).first else { return nil }
            return (String(word.split(separator: "(").first ?? word), line)
        }
    }
}
