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
}
