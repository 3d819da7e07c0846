import Foundation
import WarmlineConfig
import WarmlineDSP

/// Verification by forced scoring (`matcher.verify:` in keywords.yaml): when the recogniser's free transcript of an
/// utterance is no request, the request phrasings nearest in sound to a stretch of it ("hold me" → "help me", "Nepalese"
/// → "the police") are put in that stretch's place, and the recogniser scores each such reading against the same audio.
/// A reading the audio supports within `margin` nats per token of the free transcript's own score replaces it, and the
/// phrase matcher decides on it as on any transcript, so negation and mention rules still apply ("the police station").
public struct PhraseVerifier: Sendable, Equatable {
    /// One request phrasing and its class.
    public struct Phrase: Sendable, Equatable {
        /// Lower-case words as the matcher reads them, contractions opened ("can not breathe").
        public var words: [String]
        /// The words as written in the file, put into a reading ("can't breathe").
        public var written: [String]
        /// Distress or person.
        public var intent: PhraseRule.Intent
        /// Its line in the keywords file.
        public var line: Int

        /// A phrasing as written ("I can't breathe").
        public init(_ text: String, intent: PhraseRule.Intent, line: Int = 0) {
            written = text.split(separator: " ").map(String.init)
            words = text.lowercased().split(separator: " ").flatMap { PhraseMatcher.opened(String($0)) }
            self.intent = intent
            self.line = line
        }
    }

    /// A reading of the utterance to score: the free transcript with one stretch replaced by a phrasing.
    public struct Candidate: Sendable, Equatable {
        /// The text scored, in the recogniser's style ("He's trying to kill me.").
        public var text: String
        /// The phrasing put in.
        public var phrase: Phrase
        /// Sound distance between the replaced stretch and the phrasing, per letter of the phrasing (0 identical).
        public var distance: Double
        /// Share of the reading's words that differ from the free transcript (1: all of it): the margin is scaled by
        /// it, since a per-token score over a long sentence hides how badly two replaced words fit.
        public var coverage: Double = 1
    }

    /// The phrasings, in file order.
    public var phrases: [Phrase]
    /// Nats per token a reading that changes every word may score below the free transcript and still be accepted (a
    /// reading that changes a share of the words: that share of it).
    public var margin: Double
    /// Readings scored per utterance at most (each is one decoder call).
    public var calls: Int
    /// Largest sound distance per letter between a stretch of the transcript and a phrasing put in its place.
    public var reach: Double

    /// `margin` for a free transcript that already names a keyword with no request around it ("Clean help.", "She is a
    /// person with ..."): there the words around the keyword are in dispute, and a near reading ("She is a real person")
    /// needs stronger support.
    public var keywordMargin: Double

    /// Fewest words in a transcript whose request is read a second time, from the same audio slowed by `confirmStretch`,
    /// before it counts (0: never). Every word a decode writes is a chance to misread a request, so a request heard
    /// inside a long utterance is the likeliest to be no request: the neutral hours' requests were all heard in
    /// sentences of 12 to 17 words, every distress phrase of the tune split in fewer than 10.
    public var confirmWords: Int = 0
    /// Output over input duration of the confirming read's audio (1.1: ten per cent slower); a misreading rarely
    /// survives the audio's frames landing elsewhere in the encoder's windows, a phrase the caller said mostly does.
    public var confirmStretch: Double = 1.1

    /// Most words a reading may leave after the stretch it replaces, in the same clause. On the tune split no request
    /// verification heard left more than 3; the two neutral hours' readings that left 7 and 10 were both false.
    static let longestTail = 4

    /// Words after `range` up to the end of its clause (a word ending in . , ; : ! or ?).
    static func wordsAfter(_ range: Range<Int>, in words: [String]) -> Int {
        if let last = words[range].last, let mark = last.last, ".,;:!?".contains(mark) { return 0 }
        var count = 0
        for word in words[range.upperBound...] {
            count += 1
            if let mark = word.last, ".,;:!?".contains(mark) { break }
        }
        return count
    }

    /// Ranking added to a reading that also replaces the transcript's last word.
    static let tailPenalty = 0.1

    /// A verifier from its parts (tests, tools).
    public init(phrases: [Phrase], margin: Double, keywordMargin: Double? = nil, calls: Int = 3, reach: Double = 0.5) {
        self.phrases = phrases
        self.margin = margin
        self.keywordMargin = keywordMargin ?? margin
        self.calls = calls
        self.reach = reach
    }

    /// Reads `matcher.verify:`; each phrasing must be a request of its class by `matcher`'s patterns (a typo there would
    /// never verify anything).
    static func parse(_ node: YAMLNode, matcher: PhraseMatcher, reader: KeywordList.Reader) throws(SpeechSetupError) -> PhraseVerifier {
        var verifier = PhraseVerifier(phrases: [], margin: 0)
        var sawMargin = false
        var keywordMargin: Double?
        for entry in try reader.mapping(node, "matcher.verify") {
            switch entry.key {
            case "margin", "keyword_margin", "reach":
                let text = try reader.string(entry.value, "matcher.verify.\(entry.key)")
                guard let value = Double(text), value >= 0, value <= 5 else {
                    throw SpeechSetupError(file: reader.file, line: entry.line,
                                           reason: "matcher.verify.\(entry.key) must be a number of nats per token in 0...5, not '\(text)'")
                }
                switch entry.key {
                case "margin": verifier.margin = value; sawMargin = true
                case "keyword_margin": keywordMargin = value
                default: verifier.reach = value
                }
            case "confirm_stretch":
                let text = try reader.string(entry.value, "matcher.verify.confirm_stretch")
                guard let value = Double(text), value >= 0.5, value <= 2, value != 1 else {
                    throw SpeechSetupError(file: reader.file, line: entry.line,
                                           reason: "matcher.verify.confirm_stretch must be a duration ratio in 0.5...2 other than 1, not '\(text)'")
                }
                verifier.confirmStretch = value
            case "calls", "confirm_words":
                let text = try reader.string(entry.value, "matcher.verify.\(entry.key)")
                let (range, unit) = entry.key == "calls" ? (0...16, "decoder calls") : (0...200, "words")
                guard let value = Int(text), range.contains(value) else {
                    throw SpeechSetupError(file: reader.file, line: entry.line, reason: "matcher.verify.\(entry.key) must be a whole number of \(unit) "
                                           + "in \(range.lowerBound)...\(range.upperBound)\(entry.key == "calls" ? "" : " (0: never)"), not '\(text)'")
                }
                if entry.key == "calls" { verifier.calls = value } else { verifier.confirmWords = value }
            case "distress", "person":
                guard let intent = PhraseRule.Intent(rawValue: entry.key), let items = entry.value.sequence else {
                    throw SpeechSetupError(file: reader.file, line: entry.line, reason: "matcher.verify.\(entry.key) must be a list of phrasings")
                }
                for item in items {
                    let line = item.mark?.line ?? entry.line
                    let written = try reader.string(item, "a verify.\(entry.key) phrasing")
                    let text = written.lowercased()
                    let words = text.split(separator: " ").flatMap { PhraseMatcher.opened(String($0)) }
                    guard !words.isEmpty else {
                        throw SpeechSetupError(file: reader.file, line: line, reason: "verify.\(entry.key) phrasing is empty")
                    }
                    let decision = matcher.decide(written)
                    guard decision.kind.rawValue == entry.key else {
                        throw SpeechSetupError(file: reader.file, line: line, reason: "verify.\(entry.key) phrasing '\(written)' is no \(entry.key) "
                                               + "request by the patterns (\(decision)), so a reading with it could never count")
                    }
                    if let earlier = verifier.phrases.first(where: { $0.words == words && $0.intent == intent }) {
                        throw SpeechSetupError(file: reader.file, line: line,
                                               reason: "verify.\(entry.key) phrasing '\(text)' is already listed on line \(earlier.line)")
                    }
                    verifier.phrases.append(Phrase(written, intent: intent, line: line))
                }
            default:
                throw SpeechSetupError(file: reader.file, line: entry.line,
                                       reason: "unknown matcher.verify key '\(entry.key)' (expected margin, keyword_margin, calls, reach, confirm_words, confirm_stretch, distress, person)")
            }
        }
        guard sawMargin else { throw SpeechSetupError(file: reader.file, line: node.mark?.line, reason: "matcher.verify needs a margin") }
        verifier.keywordMargin = keywordMargin ?? verifier.margin
        return verifier
    }

    /// The readings worth scoring for a free transcript the matcher did not take as a request, nearest first, at most
    /// `calls`: each a phrasing put in place of the stretch of one to (its length + 2) words that sounds most like it,
    /// kept only when the matcher decides the reading is a request (so a mention or a negation around it stays one).
    public func candidates(for transcript: String, matcher: PhraseMatcher) -> [Candidate] {
        guard calls > 0 else { return [] }
        let words = transcript.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard !words.isEmpty else { return [] }
        let keys = words.map { Self.key(of: $0) }
        var found: [Candidate] = []
        for phrase in phrases {
            let wanted = phrase.written.map { Self.key(of: $0) }.joined(separator: " ")
            var best: (distance: Double, start: Int, end: Int)?
            for length in max(1, phrase.written.count - 1)...(phrase.written.count + 2) where length <= words.count {
                for start in 0...(words.count - length) {
                    let heard = keys[start..<(start + length)].joined(separator: " ")
                    let distance = Double(Self.editDistance(Array(heard), Array(wanted))) / Double(max(1, wanted.count))
                    if distance > 0, distance <= reach, distance < (best?.distance ?? .infinity) {
                        best = (distance, start, start + length)
                    }
                }
            }
            guard let best else { continue }
            // a stretch one word short of the end: the decoder often splits a misheard last word ("It's a remote
            // junction" for "it's an emergency"), so the reading that takes the last word in too is tried after it
            var ranges = [(best.start..<best.end, best.distance)]
            if best.end == words.count - 1 { ranges.append((best.start..<words.count, best.distance + Self.tailPenalty)) }
            for (range, distance) in ranges {
                // a reading never drops a negation the caller said ("there is no fire" is not "there is a fire"), nor
                // puts one in ("I can breathe now" is not "I can't breathe", "do you hear me" not "don't hurt me")
                // a request put in early in a long clause would leave the rest of it, read as the free transcript read
                // it, running on after the request: read text, not a caller ("Help is nearly the slowest possible rate
                // at which one can die" as "Help us nearly ...")
                guard Self.wordsAfter(range, in: words) <= Self.longestTail else { continue }
                let dropped = Set(keys[range].flatMap { $0.split(separator: " ").map(String.init) })
                guard dropped.isDisjoint(with: matcher.negations.subtracting(phrase.words)),
                      matcher.negations.intersection(phrase.words).isSubset(of: dropped) else { continue }
                let text = Self.reading(words, replacing: range, with: phrase.written)
                let decision = matcher.decide(text)
                guard decision.kind.rawValue == phrase.intent.rawValue, !found.contains(where: { $0.text == text }) else { continue }
                let changed = max(range.count, phrase.written.count)
                let coverage = Double(changed) / Double(max(words.count, words.count - range.count + phrase.written.count))
                found.append(Candidate(text: text, phrase: phrase, distance: distance, coverage: coverage))
            }
        }
        return Array(found.sorted { $0.distance < $1.distance }.prefix(calls))
    }

    /// The best candidate the audio supports within the margin (`keywordMargin` when the free transcript names a keyword)
    /// times the share of words it changes, given the free transcript's score and each candidate's
    /// (mean log-probability per token); nil when none is.
    public func accepted(_ candidates: [Candidate], scores: [Double], freeScore: Double, keywordHeard: Bool = false)
        -> (candidate: Candidate, score: Double)? {
        let allowed = keywordHeard ? keywordMargin : margin
        let scored = zip(candidates, scores).filter { $0.1 >= freeScore - allowed * $0.0.coverage }
        return scored.max { $0.1 < $1.1 }.map { ($0.0, $0.1) }
    }

    /// A word of the transcript as a sound key, punctuation and case dropped ("Police." → "polis").
    static func key(of word: String) -> String {
        let cleaned = word.lowercased().replacingOccurrences(of: "\u{2019}", with: "'").filter { $0.isLetter || $0.isNumber || $0 == "'" }
        return PhraseMatcher.opened(cleaned).map(PhraseMatcher.soundKey).joined(separator: " ")
    }

    /// The transcript's words with `range` replaced by `phrase`, in the recogniser's style: the punctuation that ended the
    /// replaced stretch kept, the first word capitalised, a final full stop when the transcript had one.
    static func reading(_ words: [String], replacing range: Range<Int>, with phrase: [String]) -> String {
        var replaced = phrase
        let trailing = String(words[range.upperBound - 1].reversed().prefix { ".,!?;:".contains($0) }.reversed())
        if !trailing.isEmpty { replaced[replaced.count - 1] += trailing }
        var result = Array(words[..<range.lowerBound]) + replaced + Array(words[range.upperBound...])
        let opened = result.map { $0 == "i" ? "I" : $0 }
        result = opened
        if let first = result.first, let letter = first.first, letter.isLowercase {
            result[0] = letter.uppercased() + first.dropFirst()
        }
        return result.joined(separator: " ")
    }

    /// Levenshtein distance between two strings of characters.
    static func editDistance(_ left: [Character], _ right: [Character]) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = previous
        for (i, l) in left.enumerated() {
            current[0] = i + 1
            for (j, r) in right.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (l == r ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}

extension PhraseVerifier {
    /// What verification made of one utterance.
    public struct Outcome: Sendable, Equatable {
        /// The free transcript.
        public var free: String
        /// Its mean log-probability per token (nil when nothing was scored).
        public var freeScore: Double?
        /// Every reading scored, with its score.
        public var tried: [Scored]
        /// The reading accepted in the free transcript's place.
        public var accepted: Candidate?
        /// The confirming read of the slowed audio, when the request heard was in a long transcript (`confirmWords`).
        public var confirmation: String?
        /// True when the confirming read heard no request of the same class: the confirming read is then the answer.
        public var unconfirmed = false

        /// The transcript to decide on: the confirming read when it did not confirm, else the accepted reading, else
        /// the free transcript.
        public var text: String { unconfirmed ? (confirmation ?? "") : (accepted?.text ?? free) }
    }

    /// One reading and its score.
    public struct Scored: Sendable, Equatable {
        /// The reading.
        public var candidate: Candidate
        /// Its mean log-probability per token against the audio.
        public var score: Double
    }

    /// Whether a free transcript with this verdict is verified: nothing heard, or a keyword with no rule around it; never
    /// a request (already one), a negated request or a mention a rule turned down (and `transcribe` also leaves any
    /// transcript a mention pattern matches: "the police station").
    public static func rereads(_ decision: PhraseDecision) -> Bool {
        decision.kind == .nothing || (decision.kind == .mention && decision.rule == nil)
    }

    /// Reads 8 kHz line audio with `search` and verifies the transcript: when the matcher takes it for no request (nothing
    /// heard, or a keyword with no request or mention rule around it), the nearest readings are scored against the same
    /// encoded audio (`calls` decoder calls at most, one more when the free decode did not end on its own) and the best
    /// within `margin` replaces it. A negated or mentioned request is never re-read.
    /// A request heard in a transcript of `confirmWords` words or more is then read again from the audio slowed by
    /// `confirmStretch` and stands only when that read is a request of the same class.
    public func transcribe(line samples: [Int16], search: MoonshineSearch, matcher: PhraseMatcher) throws(SpeechSetupError) -> Outcome {
        var outcome = try read(line: samples, search: search, matcher: matcher)
        if let intent = confirmationNeeded(outcome.text, matcher: matcher) {
            // read the way the first was (free decode, then verification), so a request verification put in the first
            // read may be put in again; music marks are dropped, since the stretch itself can sound tonal to the decoder
            let second = try read(line: TempoStretch(stretch: confirmStretch).apply(samples), search: search, matcher: matcher,
                                  dropMusicMarks: true)
            let confirmation = second.text
            outcome.confirmation = confirmation
            outcome.unconfirmed = matcher.decide(confirmation).kind != intent
        }
        return outcome
    }

    /// `text` without the recogniser's music marks (♪), spaces collapsed.
    static func withoutMusicMarks(_ text: String) -> String {
        String(text.map { PhraseMatcher.musicMarks.contains($0) ? " " : $0 }).split(separator: " ").joined(separator: " ")
    }

    /// The request class of `text` when it is a request long enough to be confirmed (`confirmWords`); nil otherwise,
    /// and nil when two of its clauses ask in different words ("Please help me, ..., and now he is hitting me."): two
    /// misreadings in one utterance are far rarer than one, and a caller explaining at length often asks twice.
    public func confirmationNeeded(_ text: String, matcher: PhraseMatcher) -> PhraseDecision.Kind? {
        guard confirmWords > 0 else { return nil }
        let kind = matcher.decide(text).kind
        guard kind == .distress || kind == .person else { return nil }
        guard text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count >= confirmWords else { return nil }
        let clauses = text.split(whereSeparator: { ".,;:!?".contains($0) }).map(String.init)
        let asked = Set(clauses.compactMap { clause -> String? in
            let decision = matcher.decide(clause)
            return decision.keywordClass != nil ? decision.words : nil
        })
        return asked.count >= 2 ? nil : kind
    }

    /// The free read and its verification, unconfirmed (`dropMusicMarks`: its music marks taken out first).
    private func read(line samples: [Int16], search: MoonshineSearch, matcher: PhraseMatcher, dropMusicMarks: Bool = false)
        throws(SpeechSetupError) -> Outcome {
        let (read, readScore) = try search.transcribeScored(line: samples)
        let text = dropMusicMarks ? Self.withoutMusicMarks(read) : read
        let freeScore = text == read ? readScore : nil  // the marks' tokens are in the score: the words alone are rescored
        var outcome = Outcome(free: text, freeScore: freeScore, tried: [], accepted: nil)
        guard !text.isEmpty else { return outcome }
        let decision = matcher.decide(text)
        guard Self.rereads(decision), !matcher.hasMention(text) else { return outcome }
        let candidates = candidates(for: text, matcher: matcher)
        guard !candidates.isEmpty else { return outcome }
        let free: Double
        if let freeScore { free = freeScore } else { free = try search.scores(of: [text])[0] }
        let scores = try search.scores(of: candidates.map(\.text))
        outcome.freeScore = free
        outcome.tried = zip(candidates, scores).map { Scored(candidate: $0, score: $1) }
        outcome.accepted = accepted(candidates, scores: scores, freeScore: free, keywordHeard: decision.kind == .mention)?.candidate
        return outcome
    }
}
