import Testing
import WarmlineCore
@testable import WarmlineSpeech

@Suite("Keyword spotting on rendered speech", .serialized)
struct KeywordSpotterTests {
    static let keywords = Result { try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml") }

    @Test("a caller saying 'please help me' is spotted as distress within 500 ms of the keyword's end")
    func helpMePleaseIsDistress() throws {
        let spotter = try KeywordSpotter(keywords: Self.keywords.get())
        let audio = try RenderedSpeech.render("please help me", engine: .flite("slt"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress })
        #expect(distress.hit.phrase.hasPrefix("help") || distress.hit.phrase == "please help")
        #expect(distress.hit.confidence >= 0.5)
        #expect(distress.decidedAtFrame - distress.endFrame <= 4000)
    }

    @Test("a caller saying 'I need an ambulance' is spotted as distress inside the audio")
    func ambulanceIsDistress() throws {
        let spotter = try KeywordSpotter(keywords: Self.keywords.get())
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress })
        #expect(distress.hit.phrase == "ambulance")
        #expect(distress.confirmedBy == nil)
        #expect(distress.endFrame <= audio.count)
        #expect(distress.decidedAtFrame - distress.endFrame <= 4000)
    }

    @Test("with confirmation on, a hit carries what the language-model pass heard, and a loose hit it does not hear is turned down")
    func confirmationPass() throws {
        var list = try Self.keywords.get()
        list.confirmClasses = [.distress]
        for index in list.phrases.indices where list.phrases[index].keywordClass == .distress {
            list.phrases[index].threshold = 1e-40
        }
        let spotter = try KeywordSpotter(keywords: list)
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress })
        #expect(distress.hit.phrase == "ambulance")
        #expect(distress.confirmedBy?.contains("ambulance") == true)
        #expect(!hits.contains { $0.hit.keywordClass == .distress && $0.hit.phrase != "ambulance" })
        #expect(spotter.rejected.allSatisfy { $0.hit.phrase != "ambulance" && $0.confirmedBy != nil })
    }

    @Test("a neutral sentence with near-misses gives no distress hit")
    func neutralSentence() throws {
        let spotter = try KeywordSpotter(keywords: Self.keywords.get())
        for text in ["thank you that was very helpful", "I am calling about my insurance policy"] {
            let audio = try RenderedSpeech.render(text, engine: .flite("slt"))
            let hits = RenderedSpeech.spot(audio, with: spotter)
            #expect(!hits.contains { $0.hit.keywordClass == .distress }, "\(text): \(hits.map(\.hit.phrase))")
        }
    }

    @Test("hit frames are line time: the same words after a second of line silence are found a second later")
    func framesAreLineTime() throws {
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        let silence = [Int16](repeating: 0, count: 8000)
        let first = RenderedSpeech.spot(audio, with: try KeywordSpotter(keywords: Self.keywords.get()))
        let second = RenderedSpeech.spot(silence + audio, with: try KeywordSpotter(keywords: Self.keywords.get()))
        let a = try #require(first.first { $0.hit.keywordClass == .distress })
        let b = try #require(second.first { $0.hit.keywordClass == .distress })
        #expect(b.hit.phrase == a.hit.phrase)
        #expect(abs((b.endFrame - a.endFrame) - silence.count) <= 160)
    }
}
