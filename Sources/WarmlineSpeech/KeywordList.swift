import Foundation
import WarmlineConfig
import WarmlineCore

/// One language's spoken keywords from `Prompts/<lang>/keywords.yaml`: the model, and each phrase with its class and threshold.
public struct KeywordList: Sendable, Equatable {
    /// One phrase to spot.
    public struct Phrase: Sendable, Equatable {
        /// Lower-case words, as in the dictionary ("help me").
        public var text: String
        /// What a hit means to the call.
        public var keywordClass: KeywordHit.Class
        /// PocketSphinx keyphrase threshold (1e-50 loose ... 1e+30 strict: above 1 the phrase must beat the phone loop).
        public var threshold: Double
        /// Line in the keywords file, for errors about the phrase.
        public var line: Int
    }

    /// Language code ("en").
    public var language: String
    /// The file it was read from.
    public var file: String
    /// The model, or nil when the language has none (DTMF only).
    public var model: SpeechModel?
    /// Why there is no model (from the file), when `model` is nil.
    public var noModelReason: String?
    /// The phrases, in file order.
    public var phrases: [Phrase]
    /// Classes whose hits need a second-pass confirmation before they count.
    public var confirmClasses: Set<KeywordHit.Class>
    /// Reads the recogniser's transcripts: request, negation or mention (nil when the file has no `matcher:`).
    public var matcher: PhraseMatcher?
    /// How the recogniser confirms the first pass (defaults when the file has no `second_pass:`).
    public var secondPass = SecondPassSettings()

    /// The phrase entry for a spotted text.
    public func phrase(_ text: String) -> Phrase? { phrases.first { $0.text == text } }

    /// Largest keywords file read (the shipped ones are a few KB).
    public static let maximumFileBytes = 256 * 1024
    /// Most phrases a language spots (each one costs the decoder time on every frame).
    public static let maximumPhrases = 300

    /// Reads and checks a keywords file; every problem is a `SpeechSetupError` with file and line.
    public static func load(file: String) throws(SpeechSetupError) -> KeywordList {
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue ?? 0
        guard bytes <= maximumFileBytes else {
            throw SpeechSetupError(file: file, line: 1, reason: "the file is \(bytes) bytes; a keywords file is at most \(maximumFileBytes)")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SpeechSetupError(file: file, reason: "keywords file not found or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpeechSetupError(file: file, reason: "keywords file is not UTF-8 text")
        }
        return try parse(text, file: file)
    }

    /// Parses keywords YAML text (`file` names it in errors).
    public static func parse(_ text: String, file: String) throws(SpeechSetupError) -> KeywordList {
        let parsed: YAMLNode?
        do throws(YAMLReadFailure) {
            parsed = try YAMLDocument.compose(text, maximumBytes: maximumFileBytes)
        } catch {
            switch error {
            case .tooLarge(let bytes, let limit):
                throw SpeechSetupError(file: file, line: 1, reason: "the file is \(bytes) bytes; a keywords file is at most \(limit)")
            case .syntax(let syntax):
                throw SpeechSetupError(file: file, line: syntax.line, reason: "not valid YAML: \(syntax.problemInContext)")
            case .tooManyNodes(let limit):
                throw SpeechSetupError(file: file, line: 1, reason: "more than \(limit) YAML nodes")  // no node limit is asked
            }
        }
        guard let root = parsed else { throw SpeechSetupError(file: file, line: 1, reason: "file is empty") }
        let reader = Reader(file: file)
        let top = try reader.mapping(root, "the file")
        let known = ["language", "model", "reason", "keywords", "confirm", "matcher", "second_pass"]
        for entry in top where !known.contains(entry.key) {
            throw SpeechSetupError(file: file, line: entry.line,
                                   reason: "unknown key '\(entry.key)' (expected one of \(known.joined(separator: ", ")))")
        }
        guard let language = top.first(where: { $0.key == "language" }) else {
            throw SpeechSetupError(file: file, line: 1, reason: "missing 'language'")
        }
        guard let modelEntry = top.first(where: { $0.key == "model" }) else {
            throw SpeechSetupError(file: file, line: 1, reason: "missing 'model' (a model mapping, or 'none' with a 'reason')")
        }
        var list = KeywordList(language: try reader.string(language.value, "language"), file: file, model: nil,
                               noModelReason: nil, phrases: [], confirmClasses: [])
        if modelEntry.value.scalar?.string == "none" {
            guard let reason = top.first(where: { $0.key == "reason" }) else {
                throw SpeechSetupError(file: file, line: modelEntry.line, reason: "model 'none' needs a 'reason' saying why")
            }
            list.noModelReason = try reader.string(reason.value, "reason")
            return list
        }
        list.model = try SpeechModel.parse(reader.mapping(modelEntry.value, "model"), reader: reader)
        guard let keywords = top.first(where: { $0.key == "keywords" }) else {
            throw SpeechSetupError(file: file, line: modelEntry.line, reason: "a language with a model needs 'keywords'")
        }
        for classEntry in try reader.mapping(keywords.value, "keywords") {
            guard let keywordClass = KeywordHit.Class(rawValue: classEntry.key) else {
                throw SpeechSetupError(file: file, line: classEntry.line,
                                       reason: "unknown keyword class '\(classEntry.key)' (expected distress, person or menu)")
            }
            for phraseEntry in try reader.mapping(classEntry.value, classEntry.key) {
                let phrase = phraseEntry.key.lowercased().split(separator: " ").joined(separator: " ")
                guard !phrase.isEmpty else {
                    throw SpeechSetupError(file: file, line: phraseEntry.line, reason: "empty phrase")
                }
                let raw = try reader.string(phraseEntry.value, "threshold of '\(phrase)'")
                guard let threshold = Double(raw), threshold > 0, threshold <= 1e50 else {
                    throw SpeechSetupError(file: file, line: phraseEntry.value.mark?.line ?? phraseEntry.line,
                                           reason: "threshold of '\(phrase)' must be a positive number up to 1e50 such as 1e-20, not '\(raw)'")
                }
                if let earlier = list.phrase(phrase) {
                    throw SpeechSetupError(file: file, line: phraseEntry.line,
                                           reason: "phrase '\(phrase)' is already listed on line \(earlier.line)")
                }
                list.phrases.append(Phrase(text: phrase, keywordClass: keywordClass, threshold: threshold,
                                           line: phraseEntry.line))
                if list.phrases.count > maximumPhrases {
                    throw SpeechSetupError(file: file, line: phraseEntry.line,
                                           reason: "more than \(maximumPhrases) phrases; a language spots a few dozen")
                }
            }
        }
        if list.phrases.isEmpty {
            throw SpeechSetupError(file: file, line: keywords.line, reason: "no phrases under 'keywords'")
        }
        if let confirm = top.first(where: { $0.key == "confirm" }) {
            for name in try reader.strings(confirm.value, "confirm") {
                guard let keywordClass = KeywordHit.Class(rawValue: name) else {
                    throw SpeechSetupError(file: file, line: confirm.line, reason: "confirm: unknown keyword class '\(name)'")
                }
                list.confirmClasses.insert(keywordClass)
            }
            if !list.confirmClasses.isEmpty, list.model?.languageModel == nil {
                throw SpeechSetupError(file: file, line: confirm.line,
                                       reason: "confirm needs model.language_model (the second pass decodes with it)")
            }
        }
        if let matcher = top.first(where: { $0.key == "matcher" }) {
            let requested = list.phrases.filter { $0.keywordClass != .menu }.map(\.text)
            list.matcher = try PhraseMatcher.parse(matcher.value, keywords: requested, reader: reader)
            // the model's own dictionary gives the matcher its sound test on phones (spelling alone without one)
            if let dictionary = list.model?.dictionary { list.matcher?.lexicon = PhoneticLexicon.shared(path: dictionary) }
        }
        if let secondPass = top.first(where: { $0.key == "second_pass" }) {
            list.secondPass = try SecondPassSettings.parse(secondPass.value, reader: reader)
        }
        return list
    }

    /// Checks that the model files exist and every word of every phrase is in the dictionary.
    public func validateModel() throws(SpeechSetupError) {
        _ = try phraseDictionary()
    }

    /// The dictionary entries of the phrases' words, as dictionary file text (empty without a model); throws, naming
    /// the phrase's line, when a word is missing.
    func phraseDictionary() throws(SpeechSetupError) -> String {
        guard let model else { return "" }
        let needed = Set(phrases.flatMap { $0.text.split(separator: " ").map(String.init) })
        let entries = try model.dictionaryLines(for: needed)
        let words = Set(entries.map(\.word))
        for phrase in phrases {
            for word in phrase.text.split(separator: " ").map(String.init) where !words.contains(word) {
                throw SpeechSetupError(file: file, line: phrase.line,
                                       reason: "word '\(word)' of '\(phrase.text)' is not in the dictionary \(model.dictionary)")
            }
        }
        return entries.map(\.line).joined(separator: "\n") + "\n"
    }

    /// Typed access to the YAML nodes of a keywords file; each mistake is an error at the node's line.
    struct Reader {
        let file: String

        func mapping(_ node: YAMLNode, _ what: String) throws(SpeechSetupError) -> [YAMLEntry] {
            guard let entries = node.entries else {
                throw SpeechSetupError(file: file, line: node.mark?.line, reason: "\(what) must be a mapping of keys to values")
            }
            return entries
        }

        func string(_ node: YAMLNode, _ what: String) throws(SpeechSetupError) -> String {
            guard let scalar = node.scalar else {
                throw SpeechSetupError(file: file, line: node.mark?.line, reason: "\(what) must be a single value")
            }
            return scalar.string
        }

        func strings(_ node: YAMLNode, _ what: String) throws(SpeechSetupError) -> [String] {
            if let scalar = node.scalar { return [scalar.string] }
            guard let sequence = node.sequence else {
                throw SpeechSetupError(file: file, line: node.mark?.line, reason: "\(what) must be a value or a list of values")
            }
            var result: [String] = []
            for item in sequence { result.append(try string(item, what)) }
            return result
        }
    }
}
