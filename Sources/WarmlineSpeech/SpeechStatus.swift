import Foundation

/// Whether a language's callers can use speech, or the unit runs on DTMF alone and why (for `warmline doctor` and the log).
public enum SpeechStatus: Sendable, Equatable, CustomStringConvertible {
    /// Keyword spotting is ready.
    case keywords(language: String, phraseCount: Int)
    /// No speech for this language; callers use the keypad.
    case dtmfOnly(language: String, reason: String)
    /// The keywords file is there but malformed: spoken distress goes unheard until it is fixed (an error, not a choice).
    case broken(language: String, reason: String)

    /// True when keyword spotting runs.
    public var isSpeechAvailable: Bool {
        if case .keywords = self { return true }
        return false
    }

    /// One line for the doctor and the log.
    public var description: String {
        switch self {
        case .keywords(let language, let count): "speech \(language): keyword spotting on, \(count) phrases"
        case .dtmfOnly(let language, let reason): "speech \(language): DTMF only — \(reason)"
        case .broken(let language, let reason):
            "speech \(language): ERROR — \(reason); spoken distress words are NOT heard until the file is fixed"
        }
    }

    /// True when the keywords file is malformed (`speech check` exits 2, `doctor` fails, `run` warns).
    public var isBroken: Bool {
        if case .broken = self { return true }
        return false
    }

    /// Loads and checks `Prompts/<lang>/keywords.yaml` and its model; never throws. A missing file or model becomes
    /// `.dtmfOnly`; a file that is there but does not parse becomes `.broken`.
    public static func check(keywordsFile file: String, language: String) -> (status: SpeechStatus, keywords: KeywordList?) {
        let list: KeywordList
        do {
            list = try KeywordList.load(file: file)
        } catch {
            guard FileManager.default.fileExists(atPath: file) else { return (.dtmfOnly(language: language, reason: error.description), nil) }
            return (.broken(language: language, reason: error.description), nil)
        }
        do {
            guard list.model != nil else {
                return (.dtmfOnly(language: language, reason: list.noModelReason ?? "no model"), nil)
            }
            try list.model?.validateFiles()
            try list.validateModel()
            return (.keywords(language: list.language, phraseCount: list.phrases.count), list)
        } catch {
            return (.dtmfOnly(language: language, reason: error.description), nil)
        }
    }
}
