import WarmlineConfig
import WarmlineCore

/// How the two passes share the work (`second_pass:` in keywords.yaml): PocketSphinx flags candidates at a loose cut,
/// the recogniser transcribes the utterance around them, and the phrase matcher decides.
public struct SecondPassSettings: Sendable, Equatable {
    /// How far each class's phrases are loosened for the first pass, as a factor on each phrase's own threshold: a
    /// detection at that cut makes its sentence a candidate (1e-20: twenty orders of magnitude looser than the cut).
    public var candidateThresholds: [KeywordHit.Class: Double] = [.distress: 1e-30, .person: 1e-30]
    /// First-pass score units (log base 1.0001, shifted 10 bits) above a phrase's own cut at which a hit of a phrase of
    /// two words or more counts at once, before the transcript: the unambiguous ones still flash without waiting (a
    /// single word, "police", is said in passing as often and always waits).
    public var sureMargin = 400
    /// Score units over a phrase's own cut at which a candidate still counts with no word of a transcript behind it: the
    /// transcript holds no keyword (the recogniser misheard the word: "shelve me" for "help me"), or there is none (busy,
    /// timed out, restarting); a transcript that reads it as a mention or a negated request always turns it down. The
    /// loose candidate search scores differently from the tuned one, so its own cut alone lets neutral speech through.
    public var unheardMargin = 400
    /// Score units over a phrase's own cut the first pass must reach for a transcript whose request is one bare word
    /// ("Police.", "Operator."), so the two passes must agree; nil (the default): a bare word counts as any request. On
    /// the tune split the first pass gave a misread "Police." for "yes please" more support (-249) than a right
    /// "Operator" (-502), so it does not tell them apart there.
    public var bareMargin: Int?
    /// Audio after the candidate's end before it is transcribed, unless the utterance ends first (milliseconds). Moonshine
    /// misreads a clip cut in the middle of a sentence ("someone is hur-" came back as "-8-0-8-0"), so by default a
    /// candidate waits for the end of the caller's sentence (200 ms of silence) or 1.5 s of further speech.
    public var marginMs = 1500
    /// Silence after speech at which the open sentence is read early (milliseconds): a request in it is decided then,
    /// without waiting for the sentence's end (500 ms); the end reuses the transcript when the caller said nothing more.
    public var earlyMs = 200
    /// Longest stretch of the utterance sent, ending at the margin (milliseconds).
    public var windowMs = 6000
    /// Longest wait for the transcript before the first pass decides alone (milliseconds).
    public var timeoutMs = 2500

    /// The defaults.
    public init() {}

    /// The classes that go through the second pass.
    public var classes: Set<KeywordHit.Class> { Set(candidateThresholds.keys) }

    /// The cut a phrase is detected at in two-pass mode: its own, loosened by its class's factor.
    public func candidateThreshold(for phrase: KeywordList.Phrase) -> Double {
        guard let factor = candidateThresholds[phrase.keywordClass] else { return phrase.threshold }
        return max(1e-50, phrase.threshold * factor)
    }

    static func parse(_ node: YAMLNode, reader: KeywordList.Reader) throws(SpeechSetupError) -> SecondPassSettings {
        var settings = SecondPassSettings()
        for entry in try reader.mapping(node, "second_pass") {
            switch entry.key {
            case "candidate":
                settings.candidateThresholds = [:]
                for item in try reader.mapping(entry.value, "second_pass.candidate") {
                    guard let keywordClass = KeywordHit.Class(rawValue: item.key), keywordClass != .menu else {
                        throw SpeechSetupError(file: reader.file, line: item.line,
                                               reason: "second_pass.candidate: '\(item.key)' is not distress or person")
                    }
                    let raw = try reader.string(item.value, "second_pass.candidate.\(item.key)")
                    guard let threshold = Double(raw), threshold > 0, threshold <= 1 else {
                        throw SpeechSetupError(file: reader.file, line: item.line,
                                               reason: "second_pass.candidate.\(item.key) must be a factor above 0 and at most 1 such as 1e-20, not '\(raw)'")
                    }
                    settings.candidateThresholds[keywordClass] = threshold
                }
            case "sure_margin":
                settings.sureMargin = try integer(entry, reader: reader, range: 0...5000)
            case "unheard_margin":
                settings.unheardMargin = try integer(entry, reader: reader, range: -2000...5000)
            case "bare_margin":
                settings.bareMargin = try integer(entry, reader: reader, range: -2000...5000)
            case "margin_ms":
                settings.marginMs = try integer(entry, reader: reader, range: 0...2000)
            case "early_ms":
                settings.earlyMs = try integer(entry, reader: reader, range: 100...500)
            case "window_ms":
                settings.windowMs = try integer(entry, reader: reader, range: 1000...30_000)
            case "timeout_ms":
                settings.timeoutMs = try integer(entry, reader: reader, range: 100...30_000)
            default:
                throw SpeechSetupError(file: reader.file, line: entry.line,
                                       reason: "unknown key 'second_pass.\(entry.key)' (expected candidate, sure_margin, unheard_margin, bare_margin, margin_ms, early_ms, window_ms, timeout_ms)")
            }
        }
        return settings
    }

    private static func integer(_ entry: YAMLEntry, reader: KeywordList.Reader,
                                range: ClosedRange<Int>) throws(SpeechSetupError) -> Int {
        let raw = try reader.string(entry.value, "second_pass.\(entry.key)")
        guard let value = Int(raw), range.contains(value) else {
            throw SpeechSetupError(file: reader.file, line: entry.line,
                                   reason: "second_pass.\(entry.key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(raw)'")
        }
        return value
    }
}
