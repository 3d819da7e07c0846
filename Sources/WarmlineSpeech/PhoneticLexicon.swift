import Foundation
import Synchronization

/// Pronunciations from a CMU-style dictionary (a word, then its phones; `word(2)` for another pronunciation), and the
/// phrase matcher's sound test on them: a recogniser's misreading ("bleeping" for "bleeding") is close in phones.
///
/// The file stays in memory as its bytes with a sorted index (~4 MB for Debian's 135,000-word cmudict-en-us), loaded
/// once per process and shared by every line's matcher.
public final class PhoneticLexicon: Sendable {
    /// The dictionary file it read.
    public let path: String
    private let text: [UInt8]
    /// Each entry's word (without its `(2)`) and phones as byte ranges of `text`, sorted by word then file order.
    private let entries: [Entry]

    private struct Entry: Sendable {
        var wordStart: Int32
        var wordEnd: Int32
        var phonesEnd: Int32
    }

    /// Phones the sound test treats as near each other (one class: half a substitution).
    private static let classes: [[String]] = [
        ["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"],
        ["P", "B", "T", "D", "K", "G"],
        ["F", "V", "TH", "DH", "S", "Z", "SH", "ZH", "CH", "JH"],
        ["M", "N", "NG"],
        ["L", "R", "W", "Y"],
    ]
    private static let classOf: [String: Int] = {
        var map: [String: Int] = [:]
        for (index, members) in classes.enumerated() { for phone in members { map[phone] = index } }
        return map
    }()
    /// Phones whose loss or insertion costs half (unstressed vowels and a breath: "p(o)lice", "(h)urt").
    private static let light: Set<String> = ["AH", "IH", "HH"]

    private static let loaded = Mutex<[String: PhoneticLexicon]>([:])

    /// The lexicon of `path`, read once per process; nil when the file cannot be read.
    public static func shared(path: String) -> PhoneticLexicon? {
        if let known = loaded.withLock({ $0[path] }) { return known }
        guard let lexicon = PhoneticLexicon(path: path) else { return nil }
        return loaded.withLock { cache in
            if let known = cache[path] { return known }
            cache[path] = lexicon
            return lexicon
        }
    }

    /// Reads and indexes a dictionary file; nil when it cannot be read or holds no entry.
    public init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty, data.count < Int(Int32.max) else { return nil }
        let text = [UInt8](data)
        var entries: [Entry] = []
        entries.reserveCapacity(text.count / 24)
        var lineStart = 0
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != 0x0A { lineEnd += 1 }
            var wordEnd = lineStart
            while wordEnd < lineEnd, text[wordEnd] != 0x20, text[wordEnd] != 0x09 { wordEnd += 1 }
            var keyEnd = wordEnd
            // "word(2)": another pronunciation of "word"
            if keyEnd > lineStart, text[keyEnd - 1] == 0x29, let open = text[lineStart..<keyEnd].lastIndex(of: 0x28) { keyEnd = open }
            if keyEnd > lineStart, wordEnd < lineEnd {
                entries.append(Entry(wordStart: Int32(lineStart), wordEnd: Int32(keyEnd), phonesEnd: Int32(lineEnd)))
            }
            lineStart = lineEnd + 1
        }
        guard !entries.isEmpty else { return nil }
        entries.sort { left, right in
            let order = Self.compare(text, left, text[Int(right.wordStart)..<Int(right.wordEnd)])
            return order != 0 ? order < 0 : left.wordStart < right.wordStart
        }
        self.path = path
        self.text = text
        self.entries = entries
    }

    /// Every pronunciation of a lower-case word, as phones ("police" → [["P", "AH", "L", "IY", "S"]]); empty when unknown.
    public func pronunciations(_ word: String) -> [[String]] {
        let key = Array(word.utf8)
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if Self.compare(text, entries[middle], key[...]) < 0 { low = middle + 1 } else { high = middle }
        }
        var result: [[String]] = []
        var index = low
        while index < entries.count, Self.compare(text, entries[index], key[...]) == 0 {
            let entry = entries[index]
            let phones = text[Int(entry.wordEnd)..<Int(entry.phonesEnd)]
            let words = phones.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x29 || $0 == 0x0D })
            // the first piece can be the "2" of "word(2)"
            result.append(words.compactMap { piece in
                let phone = String(decoding: piece, as: UTF8.self)
                return phone.first?.isLetter == true ? phone : nil
            })
            index += 1
        }
        return result.filter { !$0.isEmpty }
    }

    /// True when a heard word sounds like the pattern's word: a pronunciation of each within the allowance for the
    /// pattern word's length (nothing under six phones, so "meeting" never reads as "beating"; half a step, a near phone,
    /// at six or seven; one step at eight or more). False when either word is not in the dictionary.
    public func soundsAlike(_ patternWord: String, _ heard: String) -> Bool {
        let heardPronunciations = pronunciations(heard)
        guard !heardPronunciations.isEmpty else { return false }
        for wanted in pronunciations(patternWord) {
            let allowance = Self.allowance(phones: wanted.count)
            for candidate in heardPronunciations where Self.distance(wanted, candidate, limit: allowance) <= allowance {
                return true
            }
        }
        return false
    }

    /// The phone distance a pattern word of `phones` phones tolerates.
    static func allowance(phones: Int) -> Double {
        switch phones {
        case ..<6: 0
        case 6...7: 0.5
        default: 1
        }
    }

    /// Weighted edit distance between two phone strings: a near phone (same class) costs half a substitution, losing or
    /// adding an unstressed vowel or an h half an insertion; stops early past `limit`.
    static func distance(_ left: [String], _ right: [String], limit: Double = .infinity) -> Double {
        // every insertion costs at least half a step
        if limit.isFinite, Double(abs(left.count - right.count)) > limit * 2 { return .infinity }
        func gap(_ phone: String) -> Double { light.contains(phone) ? 0.5 : 1 }
        func substitution(_ a: String, _ b: String) -> Double {
            if a == b { return 0 }
            if let ca = classOf[a], let cb = classOf[b], ca == cb { return 0.5 }
            return 1
        }
        var previous = [0.0]
        for phone in right { previous.append((previous.last ?? 0) + gap(phone)) }
        for a in left {
            var current = [previous[0] + gap(a)]
            for (j, b) in right.enumerated() {
                current.append(min(previous[j] + substitution(a, b), previous[j + 1] + gap(a), current[j] + gap(b)))
            }
            if current.min() ?? 0 > limit { return .infinity }
            previous = current
        }
        return previous[right.count]
    }

    /// Three-way byte order of an entry's word against `key`.
    private static func compare(_ text: [UInt8], _ entry: Entry, _ key: ArraySlice<UInt8>) -> Int {
        var left = Int(entry.wordStart)
        let leftEnd = Int(entry.wordEnd)
        var right = key.startIndex
        while left < leftEnd, right < key.endIndex {
            if text[left] != key[right] { return text[left] < key[right] ? -1 : 1 }
            left += 1
            right += 1
        }
        if left == leftEnd { return right == key.endIndex ? 0 : -1 }
        return 1
    }
}
