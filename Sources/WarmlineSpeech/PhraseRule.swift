/// One pattern of the phrase matcher (`matcher:` in keywords.yaml): words in order within a clause of a transcript.
///
/// `a|b` one of these words, `[a|b]` optional, `...` up to three other words, `^`/`$` start/end of the clause.
public struct PhraseRule: Sendable, Equatable, CustomStringConvertible {
    /// What a match of the rule says about the caller.
    public enum Intent: String, Sendable, Equatable, CaseIterable {
        /// Asking for help.
        case distress
        /// Asking for a person.
        case person
        /// Only talking about a keyword: turns an overlapping request into a mention.
        case mention
    }

    /// The pattern as written.
    public var pattern: String
    /// Its section.
    public var intent: Intent
    /// Its line in the keywords file.
    public var line: Int
    let elements: [Element]

    /// Longest run of other words `...` stands for.
    static let gapWords = 3

    enum Element: Sendable, Equatable {
        case word(Set<String>)
        case optional(Set<String>)
        case gap
        case start
        case end
    }

    /// One place the rule matched: word indices in the clause.
    struct Match: Equatable {
        var start: Int
        /// Just after the last word.
        var end: Int
        /// Words that stood in for `...` (a negation there voids the match).
        var gapWords: [Int]
    }

    /// Every word the pattern names (required or optional).
    var words: Set<String> {
        elements.reduce(into: Set<String>()) { all, element in
            switch element {
            case .word(let alternatives), .optional(let alternatives): all.formUnion(alternatives)
            case .gap, .start, .end: break
            }
        }
    }

    /// `keywords.yaml:42: pattern 'call ... police'`.
    public var description: String { "line \(line) '\(pattern)'" }

    /// Compiles `pattern`; a mistake is an error at `file`:`line`.
    public init(pattern: String, intent: Intent, file: String, line: Int) throws(SpeechSetupError) {
        self.pattern = pattern
        self.intent = intent
        self.line = line
        func refuse(_ reason: String) -> SpeechSetupError {
            SpeechSetupError(file: file, line: line, reason: "\(intent.rawValue) pattern '\(pattern)': \(reason)")
        }
        let tokens = pattern.split(separator: " ").map(String.init)
        guard !tokens.isEmpty else { throw refuse("is empty") }
        var elements: [Element] = []
        for (index, token) in tokens.enumerated() {
            switch token {
            case "...":
                guard index > 0, index < tokens.count - 1, elements.last != .gap, elements.last != .start else {
                    throw refuse("'...' must stand between two words")
                }
                elements.append(.gap)
            case "^":
                guard index == 0 else { throw refuse("'^' (start of the clause) must come first") }
                elements.append(.start)
            case "$":
                guard index == tokens.count - 1 else { throw refuse("'$' (end of the clause) must come last") }
                elements.append(.end)
            default:
                let optional = token.hasPrefix("[")
                var body = Substring(token)
                if optional {
                    guard token.hasSuffix("]"), token.count > 2 else {
                        throw refuse("'\(token)': an optional word is written [word] or [a|b], with no spaces inside")
                    }
                    body = body.dropFirst().dropLast()
                } else if token.contains("[") || token.contains("]") {
                    throw refuse("'\(token)': brackets go around a whole word, as in [please]")
                }
                let alternatives = body.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                for word in alternatives {
                    guard !word.isEmpty else { throw refuse("'\(token)' has an empty alternative (a '|' too many)") }
                    guard word.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) }) else {
                        throw refuse("'\(word)' must be lower-case letters or digits (contractions are opened: write 'do not', 'i am')")
                    }
                }
                elements.append(optional ? .optional(Set(alternatives)) : .word(Set(alternatives)))
            }
        }
        guard elements.contains(where: { if case .word = $0 { true } else { false } }) else {
            throw refuse("needs at least one word that is not optional")
        }
        self.elements = elements
    }

    /// Every place the rule matches in `words`, leftmost first, one per start word.
    func matches(in words: [String], sameWord: (String, String) -> Bool) -> [Match] {
        (0...words.count).compactMap { start in
            var gaps: [Int] = []
            return match(element: 0, word: start, words: words, gaps: &gaps, sameWord: sameWord)
                .flatMap { end in end > start ? Match(start: start, end: end, gapWords: gaps) : nil }
        }
    }

    /// True when the clause's last words are the start of this rule that more words could complete ("can you help me"
    /// is the start of "help me with ..."): the caller paused, and the sentence may yet turn out otherwise.
    func canBeContinued(_ words: [String], sameWord: (String, String) -> Bool) -> Bool {
        (0..<words.count).contains { start in continues(element: 0, word: start, first: start, words: words, sameWord: sameWord) }
    }

    private func continues(element: Int, word: Int, first: Int, words: [String], sameWord: (String, String) -> Bool) -> Bool {
        // ran out of words inside the pattern, with a word of it heard: more words could complete it
        if word == words.count { return word > first && element < elements.count && elements[element...].contains { $0 != .end } }
        guard element < elements.count else { return false }
        func accepts(_ alternatives: Set<String>) -> Bool { alternatives.contains { sameWord($0, words[word]) } }
        switch elements[element] {
        case .start:
            return word == 0 && continues(element: element + 1, word: word, first: first, words: words, sameWord: sameWord)
        case .end:
            return false
        case .word(let alternatives):
            return accepts(alternatives) && continues(element: element + 1, word: word + 1, first: first, words: words, sameWord: sameWord)
        case .optional(let alternatives):
            return (accepts(alternatives) && continues(element: element + 1, word: word + 1, first: first, words: words, sameWord: sameWord))
                || continues(element: element + 1, word: word, first: first, words: words, sameWord: sameWord)
        case .gap:
            return (0...Self.gapWords).contains { skipped in
                word + skipped <= words.count
                    && continues(element: element + 1, word: word + skipped, first: first, words: words, sameWord: sameWord)
            }
        }
    }

    /// The end of a match of `elements[element...]` from `words[word...]`, nil when there is none.
    private func match(element: Int, word: Int, words: [String], gaps: inout [Int], sameWord: (String, String) -> Bool) -> Int? {
        guard element < elements.count else { return word }
        func accepts(_ alternatives: Set<String>) -> Bool {
            word < words.count && alternatives.contains { sameWord($0, words[word]) }
        }
        switch elements[element] {
        case .start:
            return word == 0 ? match(element: element + 1, word: word, words: words, gaps: &gaps, sameWord: sameWord) : nil
        case .end:
            return word == words.count ? word : nil
        case .word(let alternatives):
            return accepts(alternatives) ? match(element: element + 1, word: word + 1, words: words, gaps: &gaps, sameWord: sameWord) : nil
        case .optional(let alternatives):
            if accepts(alternatives), let end = match(element: element + 1, word: word + 1, words: words, gaps: &gaps, sameWord: sameWord) {
                return end
            }
            return match(element: element + 1, word: word, words: words, gaps: &gaps, sameWord: sameWord)
        case .gap:
            // shortest stretch first: "call the police" over "call ... police" takes the nearest police
            for skipped in 0...Self.gapWords where word + skipped <= words.count {
                var inner = gaps + Array(word..<(word + skipped))
                if let end = match(element: element + 1, word: word + skipped, words: words, gaps: &inner, sameWord: sameWord) {
                    gaps = inner
                    return end
                }
            }
            return nil
        }
    }
}
