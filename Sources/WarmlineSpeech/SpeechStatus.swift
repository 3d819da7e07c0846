/// Whether a language's callers can use speech, or the unit runs on DTMF alone and why (for `warmline doctor` and the log).
public enum SpeechStatus: Sendable, Equatable, CustomStringConvertible {
    /// Keyword spotting is ready.
    case keywords(language: String, phraseCount: Int)
    /// No speech for this language; callers use the keypad.
    case dtmfOnly(language: String, reason: String)

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
        }
    }

    /// Loads and checks `Prompts/<lang>/keywords.yaml` and its model; never throws, a problem becomes `.dtmfOnly`.
    public static func check(keywordsFile file: String, language: String) -> (status: SpeechStatus, keywords: KeywordList?) {
        do {
            let list = try KeywordList.load(file: file)
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
