import Foundation
import Testing
@testable import WarmlineSpeech

@Suite("Phonetic lexicon")
struct PhoneticLexiconTests {
    /// Debian's pocketsphinx-en-us dictionary (`make deps` installs it), the one keywords.yaml names.
    static let dictionaryPath = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
    static var installed: Bool { FileManager.default.fileExists(atPath: dictionaryPath) }

    func lexicon() throws -> PhoneticLexicon {
        try #require(PhoneticLexicon.shared(path: Self.dictionaryPath))
    }

    func decide(_ transcript: String) throws -> PhraseDecision {
        try #require(try PhraseMatcherTests.shipped.get()).decide(transcript)
    }

    @Test("the dictionary gives every pronunciation of a word, alternates included, and nothing for an unknown word",
          .enabled(if: installed))
    func pronunciations() throws {
        let lexicon = try lexicon()
        #expect(lexicon.pronunciations("police") == [["P", "AH", "L", "IY", "S"]])
        #expect(lexicon.pronunciations("emergency").count == 2)
        #expect(lexicon.pronunciations("emergency").allSatisfy { $0.count == 8 && $0.last == "IY" })
        #expect(lexicon.pronunciations("one's") == [["W", "AH", "N", "Z"]])
        #expect(lexicon.pronunciations("a").first == ["AH"])
        #expect(lexicon.pronunciations("zzyzxq").isEmpty)
        #expect(lexicon.pronunciations("").isEmpty)
    }

    @Test("a dictionary file that is missing or empty gives no lexicon")
    func missingFile() throws {
        #expect(PhoneticLexicon(path: "/nonexistent/cmudict.dict") == nil)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(getpid()).dict").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(PhoneticLexicon(path: empty) == nil)
    }

    @Test("a small dictionary in any order is found by word, with '(2)' read as another pronunciation")
    func ownDictionary() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("small-\(getpid()).dict").path
        try "zebra Z IY B R AH\nbleeding B L IY D IH NG\napple AE P AH L\nbleeding(2) B L IY D IY NG\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lexicon = try #require(PhoneticLexicon(path: path))
        #expect(lexicon.pronunciations("bleeding") == [["B", "L", "IY", "D", "IH", "NG"], ["B", "L", "IY", "D", "IY", "NG"]])
        #expect(lexicon.pronunciations("apple") == [["AE", "P", "AH", "L"]])
        #expect(lexicon.pronunciations("zebra") == [["Z", "IY", "B", "R", "AH"]])
        #expect(lexicon.pronunciations("bleed").isEmpty)
    }

    @Test("phone distance: a near phone or a lost unstressed vowel is half a step, another phone a whole one")
    func distance() {
        #expect(PhoneticLexicon.distance(["B", "L", "IY", "D", "IH", "NG"], ["B", "L", "IY", "P", "IH", "NG"]) == 0.5)
        #expect(PhoneticLexicon.distance(["P", "AH", "L", "IY", "S"], ["P", "L", "IY", "Z"]) == 1)
        #expect(PhoneticLexicon.distance(["B", "IY", "T", "IH", "NG"], ["M", "IY", "T", "IH", "NG"]) == 1)
        #expect(PhoneticLexicon.distance(["K", "AE", "T"], ["K", "AE", "T"]) == 0)
        #expect(PhoneticLexicon.distance(["K", "AE", "T"], ["K", "AE", "T", "S"]) == 1)
        #expect(PhoneticLexicon.distance(["K", "AE", "T"], ["D", "AO", "G", "Z", "Z", "Z"], limit: 1) == .infinity)
    }

    @Test("long words misheard by a phone or two sound alike; short words and other real words do not", .enabled(if: installed))
    func soundsAlike() throws {
        let lexicon = try lexicon()
        #expect(lexicon.soundsAlike("bleeding", "bleeping"))
        #expect(lexicon.soundsAlike("emergency", "emergence"))
        #expect(lexicon.soundsAlike("paramedics", "paramedic"))
        #expect(!lexicon.soundsAlike("beating", "meeting"))  // five phones: another real word is too near
        #expect(!lexicon.soundsAlike("hitting", "heating"))
        #expect(!lexicon.soundsAlike("police", "please"))
        #expect(!lexicon.soundsAlike("stabbed", "scammed"))
        #expect(!lexicon.soundsAlike("unconscious", "conscious"))
        #expect(!lexicon.soundsAlike("bleeding", "zzyzxq"))
    }

    @Test("the matcher reads a misheard long word as the rule's word, and its request, negation and mention rules still hold",
          .enabled(if: installed))
    func matcherNearMatches() throws {
        // the shipped list's matcher takes its pronunciations from the model's own dictionary
        #expect(try PhraseMatcherTests.shipped.get()?.lexicon?.path == Self.dictionaryPath)
        #expect(try decide("I am bleeping.").kind == .distress)
        #expect(try decide("This is an emergence.").kind == .distress)
        #expect(try decide("I need the paramedic.").kind == .distress)
        #expect(try decide("I'm not bleeping.").kind == .negated)
        #expect(try decide("Is this the emergence number?").keywordClass == nil)
    }

    @Test("near misses a neutral caller says are no request", .enabled(if: installed))
    func nearMisses() throws {
        for transcript in ["My friend is meeting me at the station.", "He is heating my dinner.", "Please.",
                           "I've been scammed by a caller.", "She was conscious of the time.", "The fleeting moment passed."] {
            #expect(try decide(transcript).keywordClass == nil, "\(transcript)")
        }
    }
}
