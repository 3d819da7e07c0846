import Foundation
import Testing
@testable import WarmlineSpeech

@Suite("Speech status")
struct SpeechStatusTests {
    @Test("a missing acoustic model puts the language on DTMF only and names the directory")
    func missingModel() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keywords-\(UUID().uuidString).yaml").path
        let text = """
            language: en
            model:
              acoustic: /nonexistent/model/en-us
              dictionary: /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict
            keywords:
              distress:
                help: 1e-20

            """
        #expect(FileManager.default.createFile(atPath: file, contents: Data(text.utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (status, keywords) = SpeechStatus.check(keywordsFile: file, language: "en")
        #expect(keywords == nil)
        #expect(status == .dtmfOnly(language: "en",
                                    reason: "/nonexistent/model/en-us: acoustic model directory missing (Debian package pocketsphinx-en-us)"))
    }

    @Test("a missing keywords file puts the language on DTMF only and names the file")
    func missingKeywordsFile() {
        let (status, _) = SpeechStatus.check(keywordsFile: "/nonexistent/keywords.yaml", language: "en")
        #expect(status == .dtmfOnly(language: "en", reason: "/nonexistent/keywords.yaml: keywords file not found or unreadable"))
    }

    @Test("the spotter refuses to start without a model and says why")
    func spotterWithoutModel() throws {
        let list = try KeywordList.parse("language: uk\nmodel: none\nreason: no Ukrainian model\n", file: "uk.yaml")
        #expect(throws: SpeechSetupError(file: "uk.yaml", reason: "no Ukrainian model")) {
            _ = try KeywordSpotter(keywords: list)
        }
    }

    @Test("a keywords file that is there but malformed is an error, not a quiet fall-back to DTMF")
    func malformedIsBroken() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keywords-\(UUID().uuidString).yaml").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("language: en\nmodel: [oops\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (status, keywords) = SpeechStatus.check(keywordsFile: file, language: "en")
        #expect(keywords == nil)
        #expect(status.isBroken)
        #expect(!status.isSpeechAvailable)
        #expect(status.description.hasPrefix("speech en: ERROR — \(file):"))
        #expect(!SpeechStatus.check(keywordsFile: "/nonexistent/keywords.yaml", language: "en").status.isBroken)
    }

    @Test("a keywords file over 256 KB or with more than 300 phrases is refused with file and reason")
    func boundedKeywords() throws {
        let big = "language: en\n# " + String(repeating: "x", count: KeywordList.maximumFileBytes) + "\n"
        #expect(throws: SpeechSetupError(file: "k.yaml", line: 1, reason: "the file is \(big.utf8.count) bytes; a keywords file is at most 262144")) {
            _ = try KeywordList.parse(big, file: "k.yaml")
        }
        let phrases = (0..<301).map { "    w\($0): 1e-20\n" }.joined()
        let many = "language: en\nmodel: {acoustic: /a, dictionary: /d}\nkeywords:\n  distress:\n" + phrases
        do {
            _ = try KeywordList.parse(many, file: "k.yaml")
            Issue.record("301 phrases must be refused")
        } catch {
            #expect(error.reason == "more than 300 phrases; a language spots a few dozen")
            #expect(error.line == 305)
        }
    }
}
