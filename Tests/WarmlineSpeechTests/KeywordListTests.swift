import Testing
import WarmlineCore
@testable import WarmlineSpeech

/// The error a keywords file's text is refused with when loaded as `keywords.yaml` (nil when it loads).
func keywordsFileError(_ text: String) -> SpeechSetupError? {
    do {
        _ = try KeywordList.parse(text, file: "keywords.yaml")
        return nil
    } catch {
        return error
    }
}

/// The language and model lines every keywords.yaml fixture starts with; its `keywords:` section follows them.
let keywordsFileModelLines = """
    language: en
    model:
      acoustic: /usr/share/pocketsphinx/model/en-us/en-us
      dictionary: /usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict

    """

@Suite("Keyword files")
struct KeywordListTests {
    let header = keywordsFileModelLines + """
        keywords:

        """

    func error(_ text: String) -> SpeechSetupError? {
        do {
            let list = try KeywordList.parse(text, file: "keywords.yaml")
            try list.validateModel()
            return nil
        } catch {
            return error
        }
    }

    @Test("the shipped English file loads with every class and a threshold per phrase")
    func shippedEnglish() throws {
        let list = try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml")
        try list.validateModel()
        #expect(list.phrase("help me")?.keywordClass == .distress)
        #expect(list.phrase("operator")?.keywordClass == .person)
        #expect(list.phrase("day pass")?.keywordClass == .menu)
        #expect(list.confirmClasses.isEmpty)  // no language-model pass by default: ~6 MB per line, not ~100
        #expect(Set(list.phrases.map(\.threshold)).count > 1)
    }

    @Test("Ukrainian and Turkish say there is no model, so those callers are on DTMF")
    func noModelLanguages() {
        for language in ["uk", "tr"] {
            let (status, keywords) = SpeechStatus.check(
                keywordsFile: RenderedSpeech.promptsDirectory + "/\(language)/keywords.yaml", language: language)
            #expect(keywords == nil)
            #expect(!status.isSpeechAvailable)
            #expect(status.description.contains("DTMF only"))
        }
    }

    @Test("a threshold that is not a positive number is refused with its line")
    func badThreshold() {
        let problem = error(header + "  distress:\n    help: loud\n")
        #expect(problem?.description == "keywords.yaml:7: threshold of 'help' must be a positive number up to 1e50 such as 1e-20, not 'loud'")
    }

    @Test("an unknown keyword class is refused with its line")
    func unknownClass() {
        #expect(error(header + "  panic:\n    help: 1e-20\n")?.line == 6)
        #expect(error(header + "  panic:\n    help: 1e-20\n")?.reason.contains("unknown keyword class 'panic'") == true)
    }

    @Test("a phrase listed twice names both lines")
    func duplicatePhrase() {
        let problem = error(header + "  distress:\n    help: 1e-20\n  person:\n    help: 1e-10\n")
        #expect(problem?.line == 9)
        #expect(problem?.reason == "phrase 'help' is already listed on line 7")
    }

    @Test("a word missing from the pronunciation dictionary is refused at start with its line")
    func wordNotInDictionary() {
        let problem = error(header + "  distress:\n    help: 1e-20\n    hlep me: 1e-20\n")
        #expect(problem?.line == 8)
        #expect(problem?.reason.hasPrefix("word 'hlep' of 'hlep me' is not in the dictionary") == true)
    }

    @Test("broken YAML is refused with the line the parser stopped at")
    func brokenYAML() {
        let problem = error("language: en\nmodel: [unclosed\n")
        #expect(problem?.file == "keywords.yaml")
        #expect(problem?.reason.hasPrefix("not valid YAML") == true)
        #expect(problem?.line != nil)
    }

    @Test("a model of none needs a reason")
    func noneNeedsReason() {
        #expect(error("language: uk\nmodel: none\n")?.description == "keywords.yaml:2: model 'none' needs a 'reason' saying why")
    }
}
