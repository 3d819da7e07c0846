import Foundation
import WarmlineConfig

/// Decides from a transcript whether the caller asks for help, asks for a person, or only mentions a word; pure, its
/// rules from `matcher:` in keywords.yaml (see the comment there for the pattern syntax).
public struct PhraseMatcher: Sendable, Equatable {
    /// Request and mention patterns, in file order.
    public var rules: [PhraseRule]
    /// Words that void a match standing in the three words before it or in its `...`.
    public var negations: Set<String>
    /// Transcript words (or runs of words) read as another word before matching ("nine one one" → "911").
    public var soundsLike: [(heard: [String], word: String)]
    /// Keywords whose mere presence makes a transcript a mention (the keyword list's distress and person phrases).
    public var keywords: [String]
    /// Pronunciations for the sound test on phones (the speech model's dictionary); nil: spelling alone.
    public var lexicon: PhoneticLexicon?
    /// Request phrasings the recogniser scores against the audio when its transcript is no request (`matcher.verify:`).
    public var verifier: PhraseVerifier?

    /// Words before a match that can negate it.
    static let negationReach = 3
    /// The courtesy word that, alone after a comma, stays with the clause before it ("Operator, please") and is no
    /// word of a request's own when counting a bare one.
    static let courtesy = "please"

    /// A matcher from its parts (tests, tools).
    public init(rules: [PhraseRule], negations: Set<String>, soundsLike: [(heard: [String], word: String)] = [], keywords: [String] = []) {
        self.rules = rules
        self.negations = negations
        self.soundsLike = soundsLike
        self.keywords = keywords
    }

    public static func == (lhs: PhraseMatcher, rhs: PhraseMatcher) -> Bool {
        lhs.rules == rhs.rules && lhs.negations == rhs.negations && lhs.keywords == rhs.keywords && lhs.lexicon?.path == rhs.lexicon?.path && lhs.verifier == rhs.verifier
            && lhs.soundsLike.map(\.heard) == rhs.soundsLike.map(\.heard) && lhs.soundsLike.map(\.word) == rhs.soundsLike.map(\.word)
    }

    /// The matcher of a keywords file, nil when the file has no `matcher:` section.
    public static func load(file: String) throws(SpeechSetupError) -> PhraseMatcher? {
        try KeywordList.load(file: file).matcher
    }

    /// Reads the `matcher:` mapping (`keywords`: the list's distress and person phrases, for mentions).
    static func parse(_ node: YAMLNode, keywords: [String], reader: KeywordList.Reader) throws(SpeechSetupError) -> PhraseMatcher {
        var matcher = PhraseMatcher(rules: [], negations: [], keywords: keywords)
        let known = PhraseRule.Intent.allCases.map(\.rawValue) + ["negations", "sounds_like", "verify"]
        var verify: YAMLNode?
        for entry in try reader.mapping(node, "matcher") {
            if let intent = PhraseRule.Intent(rawValue: entry.key) {
                guard let items = entry.value.sequence else {
                    throw SpeechSetupError(file: reader.file, line: entry.line, reason: "matcher.\(entry.key) must be a list of patterns")
                }
                for item in items {
                    let line = item.mark?.line ?? entry.line
                    if item.sequence != nil {
                        throw SpeechSetupError(file: reader.file, line: line, reason: "a \(entry.key) pattern that starts with an optional word "
                                               + "must be quoted, or YAML reads it as a list: - \"[please] help me\"")
                    }
                    let text = try reader.string(item, "a \(entry.key) pattern").lowercased()
                    let pattern = text.split(separator: " ").joined(separator: " ")
                    if let earlier = matcher.rules.first(where: { $0.intent == intent && $0.pattern == pattern }) {
                        throw SpeechSetupError(file: reader.file, line: line,
                                               reason: "\(entry.key) pattern '\(pattern)' is already listed on line \(earlier.line)")
                    }
                    matcher.rules.append(try PhraseRule(pattern: pattern, intent: intent, file: reader.file, line: line))
                }
            } else if entry.key == "negations" {
                for word in try reader.strings(entry.value, "matcher.negations") {
                    guard !word.isEmpty, !word.contains(" ") else {
                        throw SpeechSetupError(file: reader.file, line: entry.line, reason: "matcher.negations: '\(word)' must be one word")
                    }
                    matcher.negations.insert(word.lowercased())
                }
            } else if entry.key == "verify" {
                verify = entry.value
            } else if entry.key == "sounds_like" {
                for pair in try reader.mapping(entry.value, "matcher.sounds_like") {
                    let heard = pair.key.lowercased().split(separator: " ").map(String.init)
                    let word = try reader.string(pair.value, "matcher.sounds_like.\(pair.key)").lowercased()
                    guard !heard.isEmpty, !word.isEmpty, !word.contains(" ") else {
                        throw SpeechSetupError(file: reader.file, line: pair.line,
                                               reason: "matcher.sounds_like: '\(pair.key)' must map to one word, not '\(word)'")
                    }
                    matcher.soundsLike.append((heard, word))
                }
            } else {
                throw SpeechSetupError(file: reader.file, line: entry.line,
                                       reason: "unknown matcher key '\(entry.key)' (expected one of \(known.joined(separator: ", ")))")
            }
        }
        for intent in [PhraseRule.Intent.distress, .person] where !matcher.rules.contains(where: { $0.intent == intent }) {
            throw SpeechSetupError(file: reader.file, line: node.mark?.line, reason: "matcher has no \(intent.rawValue) patterns")
        }
        if let verify { matcher.verifier = try PhraseVerifier.parse(verify, matcher: matcher, reader: reader) }
        return matcher
    }

    /// The marks the recogniser writes for music rather than words: Moonshine wraps what it hears in a tune, a ring-back
    /// or hold music in them ("♪ breaking in hot over rules ♪" for a sentence read over noise), or writes notes alone
    /// ("🎵 🎵 🎵" for a synth pad).
    static let musicMarks: Set<Character> = ["\u{266A}", "\u{266B}", "\u{266C}", "\u{1F3B5}", "\u{1F3B6}", "\u{1F3BC}"]

    /// Whether a transcript is what the recogniser writes for sound that is not an English speaker, so nothing in it is
    /// the caller's: music marks; a caption credit (the copyright sign: "© transcript Emily Beynon" is what Moonshine,
    /// trained on captioned video, writes for a held synth chord, and no caller says one); or mostly letters of another
    /// script ("इমাতর পাइমা", "2-3ตวบนลาง" for music): the model reads English only.
    static func isNotSpeech(_ transcript: String) -> Bool {
        if transcript.contains(where: { musicMarks.contains($0) || $0 == "\u{00A9}" }) { return true }
        var latin = 0
        var other = 0
        for scalar in transcript.unicodeScalars where scalar.properties.isAlphabetic {
            // Basic Latin, Latin-1 and the Latin Extended blocks (an accented name is still English speech)
            if scalar.value < 0x250 || (0x1E00...0x1EFF).contains(scalar.value) { latin += 1 } else { other += 1 }
        }
        return other > latin
    }

    /// The verdict on one transcript.
    public func decide(_ transcript: String) -> PhraseDecision {
        if Self.isNotSpeech(transcript) {
            return PhraseDecision(kind: .notSpeech, rule: nil, words: "", because: nil, mentioned: [])
        }
        let clauses = normalizedClauses(transcript)
        let near = phoneticNeighbours(clauses)
        let sameWord = { (patternWord: String, heard: String) in
            Self.soundsAlike(patternWord, heard) || near[heard]?.contains(patternWord) == true
        }
        var negated: PhraseDecision?
        var turnedDown: PhraseDecision?
        for intent in [PhraseRule.Intent.distress, .person] {
            for clause in clauses {
                let mentions = rules.filter { $0.intent == .mention }.flatMap { rule in
                    rule.matches(in: clause, sameWord: sameWord).map { (rule, $0) }
                }
                for rule in rules where rule.intent == intent {
                    for match in rule.matches(in: clause, sameWord: sameWord) {
                        let words = clause[match.start..<match.end].joined(separator: " ")
                        if let (mention, _) = mentions.first(where: { $0.1.start < match.end && match.start < $0.1.end }) {
                            turnedDown = turnedDown ?? PhraseDecision(kind: .mention, rule: rule, words: words,
                                                                      because: "turned down by \(mention)", mentioned: [])
                            continue
                        }
                        let before = clause[max(0, match.start - Self.negationReach)..<match.start]
                        if let negation = (Array(before) + match.gapWords.map { clause[$0] }).first(where: negations.contains) {
                            negated = negated ?? PhraseDecision(kind: .negated, rule: rule, words: words, because: negation, mentioned: [])
                            continue
                        }
                        return PhraseDecision(kind: intent == .distress ? .distress : .person, rule: rule, words: words,
                                              because: nil, mentioned: mentionedKeywords(clauses))
                    }
                }
            }
        }
        let mentioned = mentionedKeywords(clauses)
        if var negated {
            negated.mentioned = mentioned
            return negated
        }
        if var turnedDown {
            turnedDown.mentioned = mentioned
            return turnedDown
        }
        if !mentioned.isEmpty {
            return PhraseDecision(kind: .mention, rule: nil, words: mentioned.joined(separator: " "), because: nil, mentioned: mentioned)
        }
        return PhraseDecision(kind: .nothing, rule: nil, words: "", because: nil, mentioned: [])
    }

    /// True when a mention pattern matches somewhere in the transcript ("the police station"), request or not.
    public func hasMention(_ transcript: String) -> Bool {
        let clauses = normalizedClauses(transcript)
        let near = phoneticNeighbours(clauses)
        let sameWord = { (patternWord: String, heard: String) in
            Self.soundsAlike(patternWord, heard) || near[heard]?.contains(patternWord) == true
        }
        return clauses.contains { clause in rules.contains { $0.intent == .mention && !$0.matches(in: clause, sameWord: sameWord).isEmpty } }
    }

    /// True when the transcript's last clause ends in the start of a mention pattern ("can you help me" could go on
    /// "with my top up"): a request read at a pause waits for the sentence's end rather than count at once.
    public func couldTurnIntoMention(_ transcript: String) -> Bool {
        guard let last = normalizedClauses(transcript).last else { return false }
        // a transcript that ends in punctuation closed its sentence: the recogniser heard an end ("Help me!")
        let closed = transcript.trimmingCharacters(in: .whitespaces).last.map { "!".contains($0) } ?? false
        guard !closed else { return false }
        let near = phoneticNeighbours([last])
        let sameWord = { (patternWord: String, heard: String) in
            Self.soundsAlike(patternWord, heard) || near[heard]?.contains(patternWord) == true
        }
        return rules.contains { $0.intent == .mention && $0.canBeContinued(last, sameWord: sameWord) }
    }

    /// The transcript as the rules see it: clauses of lower-case words, contractions opened, sound-alikes replaced.
    public func normalizedClauses(_ transcript: String) -> [[String]] {
        let text = transcript.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
        var clauses: [[String]] = []
        for clause in text.split(whereSeparator: { ".!?;:,\n".contains($0) }) {
            var words: [String] = []
            // "9-1-1" is one number; "nine-one-one" three words
            let joined = clause.replacingOccurrences(of: #"(?<=\d)-(?=\d)"#, with: "", options: .regularExpression)
            let cleaned = String(joined.map { $0.isLetter || $0.isNumber || $0 == "'" ? $0 : " " })
            for raw in cleaned.split(separator: " ") {
                words += Self.opened(String(raw.trimmingCharacters(in: CharacterSet(charactersIn: "'"))))
            }
            words = Self.withoutRepeats(replacingSoundAlikes(words.filter { !$0.isEmpty }))
            // "Operator, please.": a "please" after a comma ends the clause before it rather than starting one
            if words == [Self.courtesy], let last = clauses.indices.last {
                clauses[last].append(Self.courtesy)
            } else if !words.isEmpty {
                clauses.append(words)
            }
        }
        return clauses
    }

    /// A word said twice running once ("help help" → help, "operator operator" → operator): a caller in trouble repeats
    /// the word, and the recogniser writes the repeat without the comma that would make it a clause of its own.
    static func withoutRepeats(_ words: [String]) -> [String] {
        var kept: [String] = []
        for word in words where kept.last != word { kept.append(word) }
        return kept
    }

    /// "don't" → do not, "i'm" → i am, "someone's" → someone is, "won't" → will not.
    static func opened(_ word: String) -> [String] {
        let whole: [String: [String]] = ["can't": ["can", "not"], "cannot": ["can", "not"], "won't": ["will", "not"],
                                         "ain't": ["is", "not"], "shan't": ["shall", "not"], "let's": ["let", "us"]]
        if let opened = whole[word] { return opened }
        let endings: [(String, String)] = [("n't", "not"), ("'m", "am"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"),
                                           ("'d", "would"), ("'s", "is")]
        for (ending, meaning) in endings where word.hasSuffix(ending) && word.count > ending.count {
            return [String(word.dropLast(ending.count)), meaning]
        }
        return [word.replacingOccurrences(of: "'", with: "")]
    }

    private func replacingSoundAlikes(_ words: [String]) -> [String] {
        guard !soundsLike.isEmpty else { return words }
        var result: [String] = []
        var index = 0
        outer: while index < words.count {
            for (heard, word) in soundsLike where index + heard.count <= words.count && Array(words[index..<(index + heard.count)]) == heard {
                result.append(word)
                index += heard.count
                continue outer
            }
            result.append(words[index])
            index += 1
        }
        return result
    }

    /// For each heard word the rules do not name, the rules' words of six phones or more it sounds like in the lexicon
    /// ("bleeping" → bleeding): a recogniser's misreading keeps most phones. A word a rule names means itself ("please"
    /// is never "police"), and short words are left to spelling, where another real word is too near.
    func phoneticNeighbours(_ clauses: [[String]]) -> [String: Set<String>] {
        guard let lexicon else { return [:] }
        let named = rules.reduce(into: Set<String>()) { $0.formUnion($1.words) }
        let eligible = named.filter { word in lexicon.pronunciations(word).contains { $0.count >= 6 } }
        var result: [String: Set<String>] = [:]
        for heard in Set(clauses.joined()) where !named.contains(heard) && heard.count >= 4 {
            let alike = eligible.filter { lexicon.soundsAlike($0, heard) }
            if !alike.isEmpty { result[heard] = alike }
        }
        return result
    }

    /// The keyword list's phrases present in the transcript; a word that begins with a one-word keyword counts
    /// ("helpful" mentions "help", "hurts" "hurt").
    private func mentionedKeywords(_ clauses: [[String]]) -> [String] {
        keywords.filter { keyword in
            let parts = keyword.split(separator: " ").map(String.init)
            return clauses.contains { clause in
                guard clause.count >= parts.count else { return false }
                return (0...(clause.count - parts.count)).contains { start in
                    parts.count == 1
                        ? clause[start].hasPrefix(parts[0]) || Self.soundsAlike(parts[0], clause[start])
                        : zip(parts, clause[start...]).allSatisfy { Self.soundsAlike($0, $1) }
                }
            }
        }
    }

    /// True when a heard word is the pattern's word, or (five letters or more) spelled otherwise for the same sounds,
    /// or (eight or more) the same consonants with other vowels.
    public static func soundsAlike(_ patternWord: String, _ heard: String) -> Bool {
        if patternWord == heard { return true }
        guard patternWord.count >= 5, heard.count >= 4 else { return false }
        let patternKey = soundKey(patternWord), heardKey = soundKey(heard)
        if patternKey == heardKey { return true }
        return patternWord.count >= 8 && skeleton(patternKey) == skeleton(heardKey)
    }

    /// Spelling folded to sounds: ph→f, ck/q→k, c→s before e/i/y else k, ch→x, z→s, x→ks, -ing→-in, no final e,
    /// final y→i, doubled letters once.
    static func soundKey(_ word: String) -> String {
        let letters = Array(word)
        var key: [Character] = []
        var index = 0
        while index < letters.count {
            let letter = letters[index]
            let next: Character? = index + 1 < letters.count ? letters[index + 1] : nil
            switch letter {
            case "p" where next == "h": key.append("f"); index += 1
            case "c" where next == "k": key.append("k"); index += 1
            case "c" where next == "h": key.append("x"); index += 1
            case "c": key.append(next.map { "eiy".contains($0) } == true ? "s" : "k")
            case "q": key.append("k")
            case "z": key.append("s")
            case "x": key += ["k", "s"]
            default: key.append(letter)
            }
            index += 1
        }
        var folded = String(key)
        if folded.hasSuffix("ing") { folded = String(folded.dropLast()) }
        if folded.count > 3, folded.hasSuffix("e") { folded = String(folded.dropLast()) }
        if folded.hasSuffix("y") { folded = String(folded.dropLast()) + "i" }
        var single: [Character] = []
        for letter in folded where single.last != letter { single.append(letter) }
        return String(single)
    }

    /// A sound key with every run of vowels as one "a".
    static func skeleton(_ key: String) -> String {
        var result: [Character] = []
        for letter in key {
            let mapped: Character = "aeiouy".contains(letter) ? "a" : letter
            if mapped == "a", result.last == "a" { continue }
            result.append(mapped)
        }
        return String(result)
    }
}
