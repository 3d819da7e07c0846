import Foundation
import WarmlineCore
import WarmlineDSP

/// Spots the keyword list's phrases in 8 kHz line audio, only while the caller speaks; synchronous, one per line.
///
/// Feed every chunk with the VAD's decision for it; the spotter keeps a short pre-roll so a word's onset
/// before the VAD rises is not lost, decodes with PocketSphinx's keyphrase search, and (for the classes
/// the list names) confirms a hit with a language-model decode of the same speech before reporting it.
public final class KeywordSpotter {
    /// Whether a chunk's VAD decisions open (or keep open) an utterance for the spotter: a sustained voiced
    /// vowel can read as a tone to the VAD, and cutting the word there would lose the keyword.
    public static func isVoiced(_ decisions: [VoiceActivityDetector.Decision]) -> Bool {
        decisions.contains { $0.isSpeech || $0.isTone }
    }

    /// The phrases spotted.
    public let keywords: KeywordList
    private let decoder: PocketSphinxDecoder
    private let confirmer: PocketSphinxDecoder?
    /// Line frames kept before the VAD rises (its onset lags the first phone).
    private let preRollFrames = 2400
    private let tailFrames = 1600
    private let confirmMarginFrames = 1600
    /// Longest stretch the second pass decodes (line frames).
    private let confirmWindowFrames = 20000
    // preRoll and utterance hold the 16 kHz decoder audio (two samples per line frame)
    private var preRoll: [Int16] = []
    private var utterance: [Int16] = []
    private var utteranceStartFrame = 0
    private var inUtterance = false
    private var silentFramesInUtterance = 0
    /// The decoder's cepstral mean before the open utterance: put back when a key tone cut the utterance, so the
    /// tone cannot drag the next words' normalisation. Every other utterance still teaches the mean the line
    /// (the thresholds were tuned that way).
    private var cepstralMeanBefore: [Float] = []
    private var reportedDetections: [PocketSphinxDecoder.Segment] = []
    private var pending: [SpottedKeyword] = []
    private var fedFrames = 0
    /// Candidates the second pass turned down, with what it heard instead (for the log); the owner may clear it.
    public var rejected: [SpottedKeyword] = []
    /// Every detection of each finished utterance with its final score, kept only when `recordsPeakScores` is set
    /// (threshold tuning); the owner clears it.
    public var peakScores: [(phrase: String, score: Int)] = []
    /// Keep `peakScores` (off on a line: it would grow for the life of the unit).
    public var recordsPeakScores = false
    private var wideband = WidebandFill()
    private var acceptedInUtterance: [SpottedKeyword] = []

    /// Loads the model for `keywords`; throws when the list has no model or the model cannot load.
    public init(keywords: KeywordList) throws(SpeechSetupError) {
        guard let model = keywords.model else {
            throw SpeechSetupError(file: keywords.file, reason: keywords.noModelReason ?? "no speech model for '\(keywords.language)'")
        }
        // one pass over the dictionary both checks the phrases' words and gives the decoder its entries
        let dictionaryText = try keywords.phraseDictionary()
        self.keywords = keywords
        let keyphrases = keywords.phrases.map { "\($0.text) /\($0.threshold)/" }.joined(separator: "\n") + "\n"
        decoder = try PocketSphinxDecoder(model: model, keyphrases: keyphrases, dictionaryText: dictionaryText, languageModel: nil)
        if !keywords.confirmClasses.isEmpty, let languageModel = model.languageModel {
            let confirmer = try PocketSphinxDecoder(model: model, keyphrases: keyphrases, dictionaryText: nil,
                                                   languageModel: languageModel, liveCMN: false)
            confirmer.use(search: PocketSphinxDecoder.confirmSearch)
            self.confirmer = confirmer
        } else {
            confirmer = nil
        }
    }

    /// Also decode every whole utterance at its end (finds what the keyphrase search missed; costs ~0.3 of a core).
    public var decodesWholeUtterances = false

    /// Frames of line audio fed so far.
    public var framesFed: Int { fedFrames }

    /// Feeds a chunk of line audio and the VAD's decision for it; returns keywords decided by the end of it.
    /// `keyTone`: the line's DTMF detector hears a key in this chunk. A key tone is never decoded: it ends the
    /// open utterance and clears the pre-roll (a tone's cepstra in an utterance drag live cepstral mean
    /// normalisation so far that the words after it go unheard).
    public func process(_ samples: UnsafeBufferPointer<Int16>, isSpeech: Bool, keyTone: Bool = false) -> [SpottedKeyword] {
        defer { fedFrames += samples.count }
        if keyTone {
            let found = inUtterance ? finishUtterance(decidedAt: fedFrames, endedByKeyTone: true) : []
            preRoll.removeAll(keepingCapacity: true)
            return found
        }
        if !inUtterance {
            guard isSpeech else {
                keepPreRoll(samples)
                return []
            }
            startUtterance(at: fedFrames)
        }
        silentFramesInUtterance = isSpeech ? 0 : silentFramesInUtterance + samples.count
        let wide = wideband.process(samples)
        utterance.append(contentsOf: wide)
        wide.withUnsafeBufferPointer { decoder.process($0) }
        var found = collectDetections(decidedAt: fedFrames + samples.count)
        if silentFramesInUtterance >= tailFrames {
            found += finishUtterance(decidedAt: fedFrames + samples.count)
        } else {
            found += confirmPending(decidedAt: fedFrames + samples.count, force: false)
        }
        return found
    }

    /// Feeds a chunk of line audio and the VAD's decision for it (`keyTone`: see above).
    public func process(_ samples: [Int16], isSpeech: Bool, keyTone: Bool = false) -> [SpottedKeyword] {
        samples.withUnsafeBufferPointer { process($0, isSpeech: isSpeech, keyTone: keyTone) }
    }

    /// Advances line time over audio that was not fed (dropped chunks); call `flush()` first.
    public func skip(frames: Int) {
        fedFrames += frames
        preRoll.removeAll(keepingCapacity: true)
    }

    /// Ends any open utterance (line idle or call over) and returns what it still held.
    public func flush() -> [SpottedKeyword] {
        guard inUtterance else { return [] }
        return finishUtterance(decidedAt: fedFrames)
    }

    private func keepPreRoll(_ samples: UnsafeBufferPointer<Int16>) {
        preRoll.append(contentsOf: wideband.process(samples))
        if preRoll.count > 2 * preRollFrames { preRoll.removeFirst(preRoll.count - 2 * preRollFrames) }
    }

    private func startUtterance(at frame: Int) {
        inUtterance = true
        silentFramesInUtterance = 0
        cepstralMeanBefore = decoder.cepstralMeanState
        reportedDetections.removeAll()
        utteranceStartFrame = frame - preRoll.count / 2
        utterance = preRoll
        preRoll.removeAll(keepingCapacity: true)
        decoder.startUtterance()
        utterance.withUnsafeBufferPointer { decoder.process($0) }
    }

    private func finishUtterance(decidedAt frame: Int, endedByKeyTone: Bool = false) -> [SpottedKeyword] {
        decoder.endUtterance()
        if endedByKeyTone { decoder.cepstralMeanState = cepstralMeanBefore }
        var found = collectDetections(decidedAt: frame)
        // the search raises a detection's score while the keyword's evidence grows: keep each one's best for tuning
        if recordsPeakScores { peakScores += decoder.segments().compactMap { segment in
            keywords.phrase(segment.word.trimmingCharacters(in: .whitespaces)).map { ($0.text, Int(segment.probability)) }
        } }
        found += confirmPending(decidedAt: frame, force: true)
        if decodesWholeUtterances { found += decodeWholeUtterance(decidedAt: frame, alreadyFound: found) }
        acceptedInUtterance.removeAll()
        inUtterance = false
        let keep = min(2 * preRollFrames, utterance.count)
        preRoll = Array(utterance.suffix(keep))
        utterance.removeAll(keepingCapacity: true)
        return found
    }

    /// New keyphrase detections of the open utterance; unconfirmed ones wait in `pending`.
    private func collectDetections(decidedAt frame: Int) -> [SpottedKeyword] {
        // The keyphrase search lists every detection of the utterance so far, newest first.
        // a detection that is later improved keeps its word and overlaps its first report: report it once
        let segments = decoder.segments().reversed().filter { segment in
            !reportedDetections.contains { $0.word == segment.word && $0.startFrame <= segment.endFrame && $0.endFrame >= segment.startFrame }
        }
        guard !segments.isEmpty else { return [] }
        var accepted: [SpottedKeyword] = []
        for segment in segments {
            reportedDetections.append(segment)
            guard let phrase = keywords.phrase(segment.word.trimmingCharacters(in: .whitespaces)) else { continue }
            let spotted = SpottedKeyword(
                hit: KeywordHit(phrase: phrase.text, keywordClass: phrase.keywordClass,
                                confidence: Self.confidence(score: Int(segment.probability), threshold: phrase.threshold)),
                startFrame: utteranceStartFrame + segment.startFrame * 80,
                endFrame: utteranceStartFrame + (segment.endFrame + 1) * 80,
                decidedAtFrame: frame, score: Int(segment.probability))
            if confirmer != nil, keywords.confirmClasses.contains(phrase.keywordClass) {
                pending.append(spotted)
            } else {
                accepted.append(spotted)
            }
        }
        return accepted
    }

    /// The second pass over the whole utterance at its end: confirm-class phrases the keyphrase search missed.
    private func decodeWholeUtterance(decidedAt frame: Int, alreadyFound: [SpottedKeyword]) -> [SpottedKeyword] {
        guard let confirmer, !utterance.isEmpty else { return [] }
        confirmer.startUtterance()
        utterance.withUnsafeBufferPointer { confirmer.process($0, wholeUtterance: true) }
        confirmer.endUtterance()
        let segments = confirmer.segments().filter { !$0.word.hasPrefix("<") && !$0.word.hasPrefix("[") }
        let words = segments.map { $0.word.split(separator: "(").first.map(String.init) ?? $0.word }
        let heard = words.joined(separator: " ")
        let known = Set((alreadyFound + acceptedInUtterance).map(\.hit.phrase))
        var found: [SpottedKeyword] = []
        for phrase in keywords.phrases where keywords.confirmClasses.contains(phrase.keywordClass) && !known.contains(phrase.text) {
            let phraseWords = phrase.text.split(separator: " ").map(String.init)
            guard let start = (0...max(0, words.count - phraseWords.count)).first(where: { index in
                index + phraseWords.count <= words.count
                    && zip(words[index...], phraseWords).allSatisfy { Self.sameWord($0, $1) }
            }) else { continue }
            // a shorter phrase inside a longer one already found ("help" in "help me") adds nothing
            if found.contains(where: { $0.hit.phrase.contains(phrase.text) || phrase.text.contains($0.hit.phrase) }) { continue }
            let first = segments[start], last = segments[start + phraseWords.count - 1]
            found.append(SpottedKeyword(
                hit: KeywordHit(phrase: phrase.text, keywordClass: phrase.keywordClass, confidence: 0.6),
                startFrame: utteranceStartFrame + first.startFrame * 80, endFrame: utteranceStartFrame + (last.endFrame + 1) * 80,
                decidedAtFrame: frame, score: Int(last.probability), confirmedBy: heard))
        }
        return found
    }

    /// Runs the second pass for pending hits once `confirmMarginFrames` of audio follow the keyword.
    private func confirmPending(decidedAt frame: Int, force: Bool) -> [SpottedKeyword] {
        guard let confirmer, !pending.isEmpty else { return [] }
        let lineEnd = utteranceStartFrame + utterance.count / 2
        let ready = pending.filter { force || lineEnd >= $0.endFrame + confirmMarginFrames }
        guard !ready.isEmpty else { return [] }
        pending.removeAll { candidate in ready.contains(candidate) }
        // one decode for every ready candidate: the utterance so far, at most `confirmWindowFrames` back
        let to = min(utterance.count, 2 * ((ready.map(\.endFrame).max() ?? lineEnd) - utteranceStartFrame + confirmMarginFrames))
        let from = max(0, to - 2 * confirmWindowFrames)
        guard from < to else { return [] }
        confirmer.startUtterance()
        utterance[from..<to].withUnsafeBufferPointer { confirmer.process($0, wholeUtterance: true) }
        confirmer.endUtterance()
        let words = confirmer.segments().map { $0.word.split(separator: "(").first.map(String.init) ?? $0.word }
        let heard = words.filter { !$0.hasPrefix("<") && !$0.hasPrefix("[") }.joined(separator: " ")
        var accepted: [SpottedKeyword] = []
        for candidate in ready {
            var decided = candidate
            decided.decidedAtFrame = frame
            decided.confirmedBy = heard
            // a confirmed hit is at least even odds, whatever its first-pass score
            decided.hit.confidence = 0.5 + 0.5 * candidate.hit.confidence
            if Self.confirms(words, candidate.hit.phrase),
               !(accepted + acceptedInUtterance).contains(where: { $0.hit.phrase == candidate.hit.phrase }) {
                accepted.append(decided)
                acceptedInUtterance.append(decided)
            } else if !Self.confirms(words, candidate.hit.phrase) {
                rejected.append(decided)
            }
        }
        return accepted
    }

    /// True when the second pass heard every word of the phrase: as is, with -s ("hurts"), or for long words the
    /// same first seven letters ("emergent" for "emergency"); never "helpful" or "helped" for "help".
    static func confirms(_ heard: [String], _ phrase: String) -> Bool {
        phrase.split(separator: " ").map(String.init).allSatisfy { keyword in
            heard.contains { word in sameWord(word, keyword) }
        }
    }

    private static func sameWord(_ word: String, _ keyword: String) -> Bool {
        if word == keyword || word == keyword + "s" { return true }
        return keyword.count >= 7 && word.count >= 7 && word.prefix(7) == keyword.prefix(7)
    }

    /// Maps the keyphrase score to 0...1: 0.5 at the phrase's own threshold, ~0.9 at 200 units (log base 1.0001, shifted 10 bits) over it.
    static func confidence(score: Int, threshold: Double) -> Double {
        // PocketSphinx reports margin − KWS_MAX (1500) as the detection's probability
        let margin = Double(score) + 1500
        let thresholdUnits = log(threshold) / log(1.0001) / 1024
        return 1 / (1 + exp(-(margin - thresholdUnits) / 100))
    }
}
