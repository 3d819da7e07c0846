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
    /// Decoder frames of the utterances before this one: the keyphrase search numbers its detections' frames from its
    /// first utterance on, not from the open one's start (measured: the second utterance's detections start past its
    /// own length).
    private var searchFrameBase = 0
    /// Candidates the second pass turned down, with what it heard instead (for the log); the owner may clear it.
    public var rejected: [SpottedKeyword] = []
    /// Every detection of each finished utterance with its final score, kept only when `recordsPeakScores` is set
    /// (threshold tuning); the owner clears it.
    public var peakScores: [(phrase: String, score: Int)] = []
    /// Keep `peakScores` (off on a line: it would grow for the life of the unit).
    public var recordsPeakScores = false
    private var wideband = WidebandFill()
    private var acceptedInUtterance: [SpottedKeyword] = []
    /// The shared recogniser of the second pass (nil: PocketSphinx alone).
    public let recognizer: Recognizer?
    // Two passes: the caller's open sentence in 8 kHz line audio (pre-roll included), cut at 500 ms of silence rather
    // than the decoder's 200 ms (a comma's pause must not split what the recogniser reads), and its candidates.
    private var sentence: [Int16] = []
    private var sentenceStartFrame = 0
    private var sentenceSilentFrames = 0
    /// Where in the open sentence (indices into `sentence`) the VAD heard speech, in order, touching runs merged.
    private var sentenceSpeech: [Range<Int>] = []
    /// Frames of the open sentence the VAD took for speech.
    private var sentenceSpeechFrames: Int { sentenceSpeech.reduce(0) { $0 + $1.count } }
    /// The open sentence's loudest 60 ms (dB of mean square, 16-bit full scale 96): the caller's own level.
    private var sentencePeakDB = -Double.infinity
    /// The caller's level: the loudest 60 ms of the last sentence read with speech in it, and the line frame it ended.
    private var callerPeak: (db: Double, frame: Int)?
    /// The last three chunks' mean squares, for the 60 ms level.
    private var recentPower: [Double] = []
    /// The last chunk of line audio, for the voicing of the next (a pitch period may span two 20 ms chunks).
    private var lastChunk: [Int16] = []
    /// Speech chunks of the open sentence checked for voicing while a caller's level stands, and how many were voiced.
    private var sentenceVoicing = (checked: 0, voiced: 0)
    private var inSentence = false
    private var linePreRoll: [Int16] = []
    private let sentenceTailFrames = 4000
    private let longestSentenceFrames = 160_000
    /// Least speech in a sentence without a candidate for the recogniser to read it at its end: what the utterance
    /// recorder keeps (a click or a breath is not read).
    private let leastSentenceSpeechFrames = UtteranceRecorder.defaultMinSpeechFrames
    private var candidates: [Candidate] = []
    private var decidedClasses: Set<KeywordHit.Class> = []
    /// The early look's transcript of the open sentence, while no speech has followed it (the sentence's end reuses it).
    private var earlyTranscript: RecognizerTranscript?
    private var lookedEarly = false
    /// Transcripts the recogniser returned to this spotter, and the sum of their decode times (the worker's CPU).
    public private(set) var transcriptions = 0
    /// Sum of the decode times of `transcriptions`, milliseconds.
    public private(set) var transcriptionDecodeMs = 0

    /// A detection of a second-pass class in the open utterance, at the loose cut.
    private struct Candidate {
        var phrase: KeywordList.Phrase
        var startFrame: Int
        var endFrame: Int
        var peakScore: Int
        /// The whole sentence, read at its pause or end because the first pass flagged nothing in it: the recogniser's
        /// transcript alone decides ("my wife took an overdose" holds no first-pass keyword).
        var wholeSentence = false
        var sent = false
        var settled = false
        /// A transcript of the sentence so far (cut `margin_ms` after a candidate) read a request the rest could still
        /// change: the candidate waits for a pause or the sentence's end instead of the next cut.
        var waitsForPause = false
    }

    /// Wait for a transcript up to the recogniser's hang limit instead of `second_pass.timeout_ms` (a file-fed call, where
    /// the same audio must give the same decisions however loaded the machine is; a live line never sets it).
    public var patient = false

    /// True when hits of the second-pass classes are decided by the recogniser's transcript (a recogniser was given
    /// and the list has matcher rules); the first pass then runs at the loose candidate cuts.
    public var isTwoPass: Bool { recognizer != nil && keywords.matcher != nil }

    /// Loads the model for `keywords`; with `recognizer` (and matcher rules in the list) distress and person hits go
    /// through the second pass. Throws when the list has no model or the model cannot load.
    public init(keywords: KeywordList, recognizer: Recognizer? = nil) throws(SpeechSetupError) {
        guard let model = keywords.model else {
            throw SpeechSetupError(file: keywords.file, reason: keywords.noModelReason ?? "no speech model for '\(keywords.language)'")
        }
        // one pass over the dictionary both checks the phrases' words and gives the decoder its entries
        let dictionaryText = try keywords.phraseDictionary()
        self.keywords = keywords
        self.recognizer = keywords.matcher == nil ? nil : recognizer
        let twoPass = self.recognizer != nil
        let keyphrases = keywords.phrases.map { phrase in
            "\(phrase.text) /\(twoPass ? keywords.secondPass.candidateThreshold(for: phrase) : phrase.threshold)/"
        }.joined(separator: "\n") + "\n"
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
        let found = spot(samples, isSpeech: isSpeech, keyTone: keyTone)
        guard isTwoPass else { return found }
        return found + followSentence(samples, isSpeech: isSpeech, keyTone: keyTone)
    }

    private func spot(_ samples: UnsafeBufferPointer<Int16>, isSpeech: Bool, keyTone: Bool) -> [SpottedKeyword] {
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
        linePreRoll.removeAll(keepingCapacity: true)
        forgetSentence()
        callerPeak = nil
    }

    /// A new call on the line: what the last call left open is ended without a decision (that caller is gone) and its
    /// caller's level is forgotten, so the new caller's first sentence is never measured against the last one's voice.
    /// The open sentence is dropped unread: a transcript of it would only keep the new caller waiting for the recogniser.
    public func startCall() {
        if inUtterance { _ = finishUtterance(decidedAt: fedFrames) }
        forgetSentence()
        linePreRoll.removeAll(keepingCapacity: true)
        lastChunk.removeAll()
        recentPower.removeAll()
        callerPeak = nil
        rejected.removeAll()
    }

    /// Ends any open utterance (line idle or call over) and returns what it still held.
    public func flush() -> [SpottedKeyword] {
        let found = (inUtterance ? finishUtterance(decidedAt: fedFrames) : []) + (inSentence ? endSentence(decidedAt: fedFrames) : [])
        callerPeak = nil
        return found
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
        searchFrameBase += decoder.framesInUtterance
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
        let all = decoder.segments()
        let secondPassClasses = isTwoPass ? keywords.secondPass.classes : []
        if isTwoPass { updateCandidates(all) }
        let segments = all.reversed().filter { segment in
            !secondPassClasses.contains(keywords.phrase(segment.word.trimmingCharacters(in: .whitespaces))?.keywordClass ?? .menu)
        }.filter { segment in
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
                startFrame: utteranceStartFrame + (segment.startFrame - searchFrameBase) * 80,
                endFrame: utteranceStartFrame + (segment.endFrame + 1 - searchFrameBase) * 80,
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

    // MARK: - Two passes

    /// Follows the caller's sentence for the recogniser (after `spot` has taken the chunk): opens it on speech with
    /// 300 ms of pre-roll, ends it at 500 ms of silence, a key tone or 20 s, and runs the second pass.
    private func followSentence(_ samples: UnsafeBufferPointer<Int16>, isSpeech vadSpeech: Bool, keyTone: Bool) -> [SpottedKeyword] {
        let chunkStart = fedFrames - samples.count
        let level = recentLevel(samples)
        // the caller's voice is gone when the line falls far below the loudest of the sentence, even where the VAD still
        // takes the background for speech (other voices, a television): their own pause ends their sentence
        let isSpeech = vadSpeech && !(inSentence && level < sentencePeakDB - Self.pauseDropDB)
        if keyTone {
            linePreRoll.removeAll(keepingCapacity: true)
            return inSentence ? endSentence(decidedAt: fedFrames) : []
        }
        defer { lastChunk = Array(samples) }
        if isSpeech, callerPeak != nil {
            if !inSentence { sentenceVoicing = (0, 0) }
            sentenceVoicing.checked += 1
            if Self.hasPitch(samples, after: lastChunk) { sentenceVoicing.voiced += 1 }
        }
        guard inSentence else {
            if isSpeech {
                inSentence = true
                sentenceStartFrame = chunkStart - linePreRoll.count
                sentence = linePreRoll
                sentence.append(contentsOf: samples)
                sentenceSilentFrames = 0
                sentenceSpeech = [(sentence.count - samples.count)..<sentence.count]
                sentencePeakDB = level
                linePreRoll.removeAll(keepingCapacity: true)
            } else {
                linePreRoll.append(contentsOf: samples)
                if linePreRoll.count > preRollFrames { linePreRoll.removeFirst(linePreRoll.count - preRollFrames) }
            }
            return secondPass(decidedAt: fedFrames, utteranceOver: false)
        }
        sentence.append(contentsOf: samples)
        sentenceSilentFrames = isSpeech ? 0 : sentenceSilentFrames + samples.count
        if isSpeech {
            sentencePeakDB = max(sentencePeakDB, level)
            let chunk = (sentence.count - samples.count)..<sentence.count
            if let last = sentenceSpeech.last, last.upperBound == chunk.lowerBound {
                sentenceSpeech[sentenceSpeech.count - 1] = last.lowerBound..<chunk.upperBound
            } else {
                sentenceSpeech.append(chunk)
            }
            // the caller goes on: what the early look read is no longer the whole sentence
            earlyTranscript = nil
            lookedEarly = false
        }
        var found = secondPass(decidedAt: fedFrames, utteranceOver: false)
        if sentenceSilentFrames >= sentenceTailFrames || sentence.count >= longestSentenceFrames {
            found += endSentence(decidedAt: fedFrames)
        } else if !lookedEarly, sentenceSilentFrames >= keywords.secondPass.earlyMs * 8 {
            lookedEarly = true
            found += secondPass(decidedAt: fedFrames, utteranceOver: false, early: true)
        }
        return found
    }

    /// How far (dB) the line must fall below the open sentence's loudest 60 ms for a chunk to count as the caller's
    /// pause whatever the VAD says: a voice is rarely that far under its own peak for long, line noise 20 dB under the
    /// caller is.
    static let pauseDropDB = 20.0

    /// How long the caller's level stands for the line (10 s): a sentence far under it meanwhile is the room behind them.
    static let callerLevelFrames = 80_000

    /// True when the open sentence stays `pauseDropDB` under the caller's last sentence of the past 10 s: voices behind
    /// the caller (a television, a crowd). It is not read; what the first pass flagged in it is turned down at its end.
    /// A whisper is never the room: a caller who drops to a whisper (someone else has come into the room) is read however
    /// far under their last sentence it is; voices behind them (a television, a crowd) are voiced.
    private var isBackground: Bool {
        guard let callerPeak, sentenceStartFrame - callerPeak.frame <= Self.callerLevelFrames,
              sentencePeakDB < callerPeak.db - Self.pauseDropDB else { return false }
        return !Self.isWhisper(sentenceVoicing)
    }

    /// Least share of a sentence's speech chunks with a pitch period for it to count as voiced: espeak-ng's whispered
    /// voices measure 0-6 % (clean, G.711 or GSM), a voice in pink noise at 5 dB 27-39 %, four to six voices at
    /// once 73-100 %.
    static let leastVoicedShare = 0.12

    /// True when at least 300 ms of the sentence's speech was checked and under `leastVoicedShare` of it was voiced (a
    /// shorter stretch may be the hiss of one fricative, the "s" that ends a voiced sentence).
    static func isWhisper(_ voicing: (checked: Int, voiced: Int)) -> Bool {
        voicing.checked >= 15 && Double(voicing.voiced) < leastVoicedShare * Double(voicing.checked)
    }

    /// Whether a 20 ms chunk has a pitch period: its normalised autocorrelation against the audio 2.5-20 ms (400-50 Hz)
    /// earlier, reaching into the chunk before, peaks at 0.5 or more. Whispered speech and noise have none.
    static func hasPitch(_ chunk: UnsafeBufferPointer<Int16>, after previous: [Int16]) -> Bool {
        let count = chunk.count
        guard count >= 80, previous.count >= count else { return false }
        let joined = previous.suffix(count).map(Double.init) + chunk.map(Double.init)
        let mean = joined.reduce(0, +) / Double(joined.count)
        let centred = joined.map { $0 - mean }
        var energy = 0.0
        for index in count..<(2 * count) { energy += centred[index] * centred[index] }
        guard energy > 0 else { return false }
        for lag in 20...min(160, count) {
            var cross = 0.0
            var lagged = 0.0
            for index in count..<(2 * count) {
                cross += centred[index] * centred[index - lag]
                lagged += centred[index - lag] * centred[index - lag]
            }
            if lagged > 0, cross >= 0.5 * (energy * lagged).squareRoot() { return true }
        }
        return false
    }

    /// The level (dB of mean square) of the last 60 ms of line audio, this chunk included.
    private func recentLevel(_ samples: UnsafeBufferPointer<Int16>) -> Double {
        let power = samples.isEmpty ? 0 : samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
        recentPower.append(power)
        if recentPower.count > 3 { recentPower.removeFirst() }
        return 10 * log10(max(1, recentPower.reduce(0, +) / Double(recentPower.count)))
    }

    /// The sentence is over: its candidates are decided now and forgotten.
    private func endSentence(decidedAt frame: Int) -> [SpottedKeyword] {
        let found = secondPass(decidedAt: frame, utteranceOver: true)
        if sentenceSpeechFrames >= leastSentenceSpeechFrames, !isBackground { callerPeak = (sentencePeakDB, frame) }
        linePreRoll = Array(sentence.suffix(preRollFrames))
        forgetSentence()
        return found
    }

    /// Closes the open sentence and forgets its audio, candidates and reads.
    private func forgetSentence() {
        sentence.removeAll(keepingCapacity: true)
        sentenceVoicing = (0, 0)
        inSentence = false
        candidates.removeAll()
        decidedClasses.removeAll()
        earlyTranscript = nil
        lookedEarly = false
    }

    /// Folds the decoder's detections of second-pass phrases into the candidates: a detection the search improves keeps
    /// its word and overlaps the earlier one, so it raises that candidate's peak score instead of adding one.
    private func updateCandidates(_ segments: [PocketSphinxDecoder.Segment]) {
        for segment in segments {
            guard let phrase = keywords.phrase(segment.word.trimmingCharacters(in: .whitespaces)),
                  keywords.secondPass.classes.contains(phrase.keywordClass) else { continue }
            let start = utteranceStartFrame + (segment.startFrame - searchFrameBase) * 80
            let end = utteranceStartFrame + (segment.endFrame + 1 - searchFrameBase) * 80
            let score = Int(segment.probability)
            if let index = candidates.firstIndex(where: { $0.phrase.text == phrase.text && $0.startFrame <= end && $0.endFrame >= start }) {
                candidates[index].peakScore = max(candidates[index].peakScore, score)
                candidates[index].endFrame = max(candidates[index].endFrame, end)
            } else {
                candidates.append(Candidate(phrase: phrase, startFrame: start, endFrame: end, peakScore: score))
            }
        }
    }

    /// Score units a candidate stands above its phrase's own (tuned) cut; negative below it.
    private static func excess(_ candidate: Candidate) -> Double {
        guard !candidate.wholeSentence else { return -.infinity }
        return Double(candidate.peakScore) + 1500 - log(candidate.phrase.threshold) / log(1.0001) / 1024
    }

    private func spotted(_ candidate: Candidate, decidedAt frame: Int, verdict: String) -> SpottedKeyword {
        var hit = SpottedKeyword(
            hit: KeywordHit(phrase: candidate.phrase.text, keywordClass: candidate.phrase.keywordClass,
                            confidence: Self.confidence(score: candidate.peakScore, threshold: candidate.phrase.threshold)),
            startFrame: candidate.startFrame, endFrame: candidate.endFrame, decidedAtFrame: frame, score: candidate.peakScore)
        hit.verdict = verdict
        return hit
    }

    /// The second pass over the open utterance's candidates: a sure first-pass hit counts at once; the others wait for
    /// `margin_ms` of audio after them (or the utterance's end), then the recogniser's transcript and the phrase
    /// matcher decide. Without a transcript (no recogniser, restarting, busy, timed out) the first pass decides alone
    /// at the phrases' own cuts, as a unit without the recogniser does.
    ///
    /// `early`: the caller has paused (`second_pass.early_ms`) without ending the sentence: the sentence so far is
    /// transcribed, and a request in it is decided now; anything else waits for the sentence's end, which reuses this
    /// transcript when no speech came after it and it heard a keyword (`reusesEarlyRead`), and reads the sentence again
    /// when it heard none.
    private func secondPass(decidedAt frame: Int, utteranceOver: Bool, early: Bool = false) -> [SpottedKeyword] {
        guard let recognizer, let matcher = keywords.matcher else { return [] }
        let status = recognizer.status
        // a worker being replaced (memory limit) queues the sentence like a busy one; one that keeps dying or is missing
        // would only make the caller wait: PocketSphinx alone, at the phrases' own cuts
        let transcribes = switch status {
        case .ready, .starting: true
        case .restarting, .unavailable: false
        }
        if candidates.isEmpty, utteranceOver || early, sentenceSpeechFrames >= leastSentenceSpeechFrames, transcribes, !isBackground {
            // nothing flagged: the recogniser still reads the sentence, as it reads every other, and its words decide
            candidates.append(Self.wholeSentenceCandidate(from: sentenceStartFrame, to: sentenceStartFrame + sentence.count))
        }
        guard !candidates.isEmpty else { return [] }
        let settings = keywords.secondPass
        var found: [SpottedKeyword] = []
        func accept(_ index: Int, verdict: String, recognizerMs: Int? = nil) {
            let keywordClass = candidates[index].phrase.keywordClass
            candidates[index].settled = true
            guard !decidedClasses.contains(keywordClass) else { return }
            decidedClasses.insert(keywordClass)
            var hit = spotted(candidates[index], decidedAt: frame, verdict: verdict)
            hit.recognizerMs = recognizerMs
            found.append(hit)
        }
        func turnDown(_ index: Int, verdict: String, heard: String?, recognizerMs: Int?) {
            candidates[index].settled = true
            var hit = spotted(candidates[index], decidedAt: frame, verdict: verdict)
            hit.confirmedBy = heard
            hit.recognizerMs = recognizerMs
            rejected.append(hit)
        }
        // only a phrase that is itself a request ("help me", "please help") is sure on its score: a single word ("police",
        // "help") is as often said in passing ("the police station"), so it waits for the transcript
        for index in candidates.indices where !candidates[index].settled && candidates[index].phrase.text.contains(" ")
            && Self.excess(candidates[index]) >= Double(settings.sureMargin) {
            accept(index, verdict: String(format: "first pass, sure (%.0f over its cut)", Self.excess(candidates[index])))
        }
        let open = candidates.indices.filter { !candidates[$0].settled && !candidates[$0].sent
            && !decidedClasses.contains(candidates[$0].phrase.keywordClass) }
        guard !open.isEmpty else { return found }
        if isBackground, let callerPeak {
            // the room behind the caller (a television, a crowd): not read while it stays under them, turned down at its end
            if utteranceOver {
                let verdict = String(format: "voices behind the caller: %.0f dB under their last sentence", callerPeak.db - sentencePeakDB)
                for index in open { turnDown(index, verdict: verdict, heard: nil, recognizerMs: nil) }
            }
            return found
        }
        guard transcribes else {
            let margin = Self.marginWithoutTranscript(status, settings)
            for index in open where Self.excess(candidates[index]) >= margin {
                accept(index, verdict: String(format: "first pass alone (%@), %.0f over its cut", "\(status)", Self.excess(candidates[index])))
            }
            if utteranceOver {
                for index in open where !candidates[index].settled {
                    turnDown(index, verdict: "under its margin, no transcript (\(status))", heard: nil, recognizerMs: nil)
                }
            }
            return found
        }
        let lastEnd = open.map { candidates[$0].endFrame }.max() ?? frame
        let marginFrames = settings.marginMs * 8
        let lineEnd = sentenceStartFrame + sentence.count
        // the sentence so far is read `margin_ms` after the latest candidate that is not waiting for a pause
        let cutEnd = open.filter { !candidates[$0].waitsForPause }.map { candidates[$0].endFrame }.max()
        guard utteranceOver || early || cutEnd.map({ lineEnd >= $0 + marginFrames }) == true else { return found }
        let whole = utteranceOver || early
        let to = whole ? sentence.count : min(sentence.count, (cutEnd ?? lastEnd) + marginFrames - sentenceStartFrame)
        let from = clipStart(windowStart: max(0, to - settings.windowMs * 8), end: to)
        guard from < to else { return found }
        var outcome: RecognizerOutcome
        if utteranceOver, var reused = earlyTranscript, Self.reusesEarlyRead(matcher.decide(reused.text)) {
            // only silence since the early look: the same words, already read
            reused.waitedMs = 0
            outcome = .transcript(reused)
        } else {
            let timeout = patient ? max(settings.timeoutMs, recognizer.configuration.hangLimitMs) : settings.timeoutMs
            outcome = recognizer.transcribe(Array(sentence[from..<to]), timeoutMs: timeout)
            if case .transcript(let transcript) = outcome {
                transcriptions += 1
                transcriptionDecodeMs += transcript.decodeMs
                if utteranceOver, var first = earlyTranscript, transcript.verified {
                    // the second read counts on its own words only: a reading verification put in would be its second
                    // chance to put a request into words the first read heard without one (on the tune hour, four of the
                    // five neutral sentences the second read made requests of: "That's alright, set the freeze" read as
                    // "send the police")
                    first.waitedMs = transcript.waitedMs
                    outcome = .transcript(first)
                }
            }
        }
        earlyTranscript = nil
        if early {
            // a request is decided at once; anything else (no keyword, a mention, no answer) waits for the sentence's end
            guard case .transcript(let transcript) = outcome else { return found }
            let decision = matcher.decide(transcript.text)
            // a request the rest of the sentence could still make a mention ("can you help me" ... "with my top up")
            // waits for the sentence's end
            guard decision.keywordClass != nil, !isUnsupportedBareWord(decision, transcript.text, open),
                  !matcher.couldTurnIntoMention(transcript.text) else {
                earlyTranscript = transcript
                return found
            }
        }
        if !whole, case .transcript(let transcript) = outcome, Self.cutMayChange(matcher.decide(transcript.text), transcript.text, matcher) {
            // read mid-sentence, the request is the last thing heard and what follows may make it a mention ("can you
            // help me" ... "with my top up") or finish the cut-off word ("checking my" read "attacking my"): the pause
            // or the sentence's end decides, on the words that follow
            for index in open { candidates[index].waitsForPause = true }
            return found
        }
        for index in open { candidates[index].sent = true }
        switch outcome {
        case .transcript(let transcript):
            let decision = matcher.decide(transcript.text)
            if isUnsupportedBareWord(decision, transcript.text, open) {
                // one bare word, and the first pass did not hear it clearly: the two passes disagree, nothing is decided
                let support = bareWordSupport(decision, open)
                for index in open {
                    turnDown(index, verdict: String(format: "bare '%@' in the transcript, first pass %.0f over its cut (bare_margin %d)",
                                                    decision.words, support, settings.bareMargin ?? 0),
                             heard: transcript.text, recognizerMs: transcript.waitedMs)
                }
            } else if let keywordClass = decision.keywordClass {
                for index in open { candidates[index].settled = true }
                guard !decidedClasses.contains(keywordClass) else { return found }
                decidedClasses.insert(keywordClass)
                let best = open.max { candidates[$0].peakScore < candidates[$1].peakScore } ?? open[0]
                var hit = SpottedKeyword(
                    hit: KeywordHit(phrase: decision.words, keywordClass: keywordClass, confidence: 0.9,
                                    transcript: Self.snippet(transcript.text)),
                    startFrame: open.map { candidates[$0].startFrame }.min() ?? candidates[best].startFrame,
                    endFrame: lastEnd, decidedAtFrame: frame, score: candidates[best].peakScore, confirmedBy: transcript.text)
                hit.verdict = "transcript: \(decision)"
                hit.recognizerMs = transcript.waitedMs
                found.append(hit)
            } else if decision.kind == .nothing {
                // the recogniser heard no keyword at all: it may have misheard the word, so a candidate clearly over its
                // own cut still counts (a mention or a negation, below, is evidence against and always turns it down)
                for index in open where Self.excess(candidates[index]) >= Double(settings.unheardMargin) {
                    accept(index, verdict: String(format: "first pass (%.0f over its cut); the transcript has no keyword: '%@'",
                                                  Self.excess(candidates[index]), transcript.text), recognizerMs: transcript.waitedMs)
                }
                for index in open where !candidates[index].settled {
                    turnDown(index, verdict: Self.unconfirmedNote(transcript) + decision.description, heard: transcript.text,
                             recognizerMs: transcript.waitedMs)
                }
            } else {
                for index in open {
                    turnDown(index, verdict: Self.unconfirmedNote(transcript) + decision.description, heard: transcript.text,
                             recognizerMs: transcript.waitedMs)
                }
            }
        case .timedOut, .unavailable, .busy:
            let waited: Int? = if case .timedOut(let ms) = outcome { ms } else { nil }
            let margin = Self.marginWithoutTranscript(recognizer.status, settings)
            for index in open where Self.excess(candidates[index]) >= margin {
                accept(index, verdict: String(format: "first pass alone (%@), %.0f over its cut", "\(outcome)", Self.excess(candidates[index])),
                       recognizerMs: waited)
            }
            for index in open where !candidates[index].settled {
                turnDown(index, verdict: "under its margin, no transcript (\(outcome))", heard: nil, recognizerMs: waited)
            }
        }
        return found
    }

    /// Whether the sentence's end decides on the early look's transcript instead of reading the sentence again: yes when
    /// it heard a keyword (a mention or a negation is evidence against the request; a request waiting for the end is
    /// decided on it) or marked the sound as not speech. A transcript with no keyword is read again: by the end the clip
    /// has 500 ms of the line after the last word, not `early_ms`, and Moonshine reads a sentence's last word better
    /// with more of the line behind it ("I need a rampulent" at the early look was "I need an ambulance" with the whole
    /// file).
    static func reusesEarlyRead(_ decision: PhraseDecision) -> Bool {
        decision.kind != .nothing
    }

    /// Where a clip of the open sentence ending at `end` starts when the sentence is longer than the window: at a pause
    /// the VAD heard inside the window (with up to the pre-roll of it before the speech), so the recogniser does not
    /// start reading mid-word; at the window's start when there is no pause in its first half.
    private func clipStart(windowStart: Int, end: Int) -> Int {
        guard windowStart > 0 else { return 0 }
        for (index, run) in sentenceSpeech.enumerated() where run.lowerBound >= windowStart {
            guard run.lowerBound - windowStart <= (end - windowStart) / 2 else { break }
            let gapStart = index > 0 ? sentenceSpeech[index - 1].upperBound : 0
            return max(windowStart, gapStart, run.lowerBound - preRollFrames)
        }
        return windowStart
    }

    /// The phrase a turned-down sentence without a first-pass candidate carries in `rejected`.
    public static let wholeSentencePhrase = "whole sentence"

    /// The candidate standing for a sentence the first pass flagged nothing in: it only ever waits for a pause or the
    /// sentence's end, and only a transcript's request makes it count.
    private static func wholeSentenceCandidate(from start: Int, to end: Int) -> Candidate {
        let phrase = KeywordList.Phrase(text: wholeSentencePhrase, keywordClass: .distress, threshold: 1, line: 0)
        var candidate = Candidate(phrase: phrase, startFrame: start, endFrame: end, peakScore: 0)
        candidate.wholeSentence = true
        candidate.waitsForPause = true
        return candidate
    }

    /// How far over its cut a candidate must be to count with no transcript: a recogniser that cannot run at all (no
    /// model) leaves the line on PocketSphinx alone at its own cuts; one that is only busy, slow or restarting at
    /// `unheard_margin`, as for a transcript without the word.
    private static func marginWithoutTranscript(_ status: RecognizerStatus, _ settings: SecondPassSettings) -> Double {
        if case .unavailable = status { return 0 }
        return Double(settings.unheardMargin)
    }

    /// True when a transcript of a sentence cut mid-speech reads a request that its continuation could still change: the
    /// matched words end the transcript (the last of them may be a cut-off word) without the "!" of a finished cry, or a
    /// mention pattern could still take the request in.
    static func cutMayChange(_ decision: PhraseDecision, _ text: String, _ matcher: PhraseMatcher) -> Bool {
        guard decision.keywordClass != nil else { return false }
        if matcher.couldTurnIntoMention(text) { return true }
        guard text.trimmingCharacters(in: .whitespaces).last != "!", let last = matcher.normalizedClauses(text).last else { return false }
        let matched = decision.words.split(separator: " ").map(String.init)
        return !matched.isEmpty && last.count >= matched.count && Array(last.suffix(matched.count)) == matched
    }

    /// The best first-pass excess among the open candidates of the decision's class (-9999 when there is none).
    private func bareWordSupport(_ decision: PhraseDecision, _ open: [Int]) -> Double {
        open.filter { candidates[$0].phrase.keywordClass == decision.keywordClass }.map { Self.excess(candidates[$0]) }.max() ?? -9999
    }

    /// True for a request of one word in a transcript of at most two ("Police.", "Operator, please.") which the first
    /// pass did not hear at `bare_margin` over a cut of its class.
    private func isUnsupportedBareWord(_ decision: PhraseDecision, _ transcript: String, _ open: [Int]) -> Bool {
        guard let bareMargin = keywords.secondPass.bareMargin, decision.keywordClass != nil,
              decision.words.split(separator: " ").filter({ $0 != PhraseMatcher.courtesy }).count == 1,
              let matcher = keywords.matcher, matcher.normalizedClauses(transcript).joined().count <= 2 else { return false }
        return bareWordSupport(decision, open) < Double(bareMargin)
    }

    /// "first read 'I got hurt.' not heard again slowed down; " for a transcript whose first read's request a second
    /// read did not confirm (the log keeps what was heard once and set aside), else nothing.
    static func unconfirmedNote(_ transcript: RecognizerTranscript) -> String {
        transcript.unconfirmed.map { "first read '\(snippet($0))' not heard again slowed down; " } ?? ""
    }

    /// The transcript as the agent hears it: trimmed, at most 16 words.
    static func snippet(_ text: String) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        let kept = words.prefix(16).joined(separator: " ")
        return words.count > 16 ? kept + " ..." : kept
    }

    /// Maps the keyphrase score to 0...1: 0.5 at the phrase's own threshold, ~0.9 at 200 units (log base 1.0001, shifted 10 bits) over it.
    static func confidence(score: Int, threshold: Double) -> Double {
        // PocketSphinx reports margin − KWS_MAX (1500) as the detection's probability
        let margin = Double(score) + 1500
        let thresholdUnits = log(threshold) / log(1.0001) / 1024
        return 1 / (1 + exp(-(margin - thresholdUnits) / 100))
    }
}
