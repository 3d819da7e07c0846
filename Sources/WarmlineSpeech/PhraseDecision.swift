import WarmlineCore

/// What the phrase matcher made of a transcript, with the rule and words behind it (for the log and the whisper).
public struct PhraseDecision: Sendable, Equatable, CustomStringConvertible {
    /// The verdict.
    public enum Kind: String, Sendable, Equatable {
        /// The caller asks for help.
        case distress
        /// The caller asks for a person.
        case person
        /// A request the caller negated ("I do not need help").
        case negated
        /// A keyword only talked about ("the police station", "helpful").
        case mention
        /// No keyword at all.
        case nothing
        /// Not words: the recogniser marked the sound as music ("♪ ... ♪"), wrote a caption credit ("© ...") or another
        /// script, so nothing it wrote is the caller's.
        case notSpeech
    }

    /// The verdict.
    public var kind: Kind
    /// The request rule that matched (also for `.negated`, and for a `.mention` a mention rule turned down).
    public var rule: PhraseRule?
    /// The transcript words it matched, normalised ("call the police").
    public var words: String
    /// The negation ("not") for `.negated`; the mention rule for a turned-down request.
    public var because: String?
    /// Keywords of the keyword list heard anywhere in the transcript ("police", "help" for "helpful").
    public var mentioned: [String]

    /// The keyword class a request stands for: distress or person; nil when the caller asked for neither.
    public var keywordClass: KeywordHit.Class? {
        switch kind {
        case .distress: .distress
        case .person: .person
        case .negated, .mention, .nothing, .notSpeech: nil
        }
    }

    /// One line: "distress: 'call the police' (line 44 'call|get|send|phone ... police|ambulance|...')".
    public var description: String {
        switch kind {
        case .distress, .person:
            return "\(kind.rawValue): '\(words)'" + (rule.map { " (\($0))" } ?? "")
        case .negated:
            return "not a request: '\(words)' negated by '\(because ?? "")'" + (rule.map { " (\($0))" } ?? "")
        case .mention:
            let heard = mentioned.isEmpty ? "'\(words)'" : mentioned.map { "'\($0)'" }.joined(separator: ", ")
            return "mention only: \(heard)" + (because.map { ", \($0)" } ?? "")
        case .nothing:
            return "no keyword in the transcript"
        case .notSpeech:
            return "not speech: the recogniser wrote music marks, a caption credit or another script"
        }
    }
}
