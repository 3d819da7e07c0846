import Foundation
import Testing
import WarmlineCore
import WarmlineDSP
import WarmlineTestScheduling
@testable import WarmlineSpeech

@Suite("Keyword spotting on rendered speech", .serialized, .holdsItsThread)
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

    @Test("a sentence ending on a distress word is decided within 100 ms of the end of speech")
    func decidedRightAfterTheWord() throws {
        let spotter = try KeywordSpotter(keywords: Self.keywords.get())
        let audio = try RenderedSpeech.render("call an ambulance", engine: .flite("slt"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress })
        // PocketSphinx's default keyphrase delay alone would add 100 ms here
        #expect(distress.decidedAtFrame - LevelMeter.speechEndFrame(audio) <= 800)
    }

    @Test("a key press before the words does not spoil them: its tone is not decoded, and the words after it are heard")
    func keyToneBeforeTheWords() throws {
        let spotter = try KeywordSpotter(keywords: Self.keywords.get())
        let words = try RenderedSpeech.render("this is an emergency", engine: .flite("slt"))
        let tone = try DTMFGenerator(lowLevelDBm0: -10).tone("5", durationFrames: 800)
        // digital silence around the key, as a test caller (or a digital line) sends it
        let audio = [Int16](repeating: 0, count: 4000) + tone + [Int16](repeating: 0, count: 3200) + words
        var detector = DTMFDetector(sampleRate: 8000)
        var keyDown = false
        var hits: [SpottedKeyword] = []
        for period in RenderedSpeech.periods(audio) {
            var keyTone = keyDown
            for event in period.samples.withUnsafeBufferPointer({ detector.process($0) }) {
                keyTone = true
                keyDown = event.kind == .keyDown
            }
            hits += spotter.process(period.samples, isSpeech: period.isSpeech, keyTone: keyTone)
        }
        hits += spotter.flush()
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress })
        #expect(distress.hit.phrase == "emergency")
        #expect(distress.endFrame > 8000)
    }

    @Test("decoders on several lines map each model file once")
    func modelFilesMappedOnce() throws {
        let first = try KeywordSpotter(keywords: Self.keywords.get())
        let second = try KeywordSpotter(keywords: Self.keywords.get())
        // procfs files report no size: read to the end rather than trust it
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self).split(separator: "\n")
        let model = SpeechModel.debianEnglish.acousticModel
        for file in ["mdef", "sendump"] {
            #expect(maps.filter { $0.hasSuffix(model + "/" + file) }.count == 1, "\(file) mappings")
        }
        withExtendedLifetime((first, second)) {}
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

@Suite("Whispers and voices: the pitch check behind the room rule", .holdsItsThread)
struct WhisperVoicingTests {
    /// The share of the VAD's speech chunks with a pitch period, and how many chunks were speech.
    static func voicing(_ samples: [Int16]) -> (checked: Int, voiced: Int) {
        var result = (checked: 0, voiced: 0)
        var previous: [Int16] = []
        for period in RenderedSpeech.periods(samples) {
            if period.isSpeech {
                result.checked += 1
                if period.samples.withUnsafeBufferPointer({ KeywordSpotter.hasPitch($0, after: previous) }) { result.voiced += 1 }
            }
            previous = period.samples
        }
        return result
    }

    @Test("espeak-ng's whispered voices have no pitch and count as a whisper; the same words voiced, and a voice in noise, do not")
    func whisperHasNoPitch() throws {
        let text = "please help me he is in the house"
        for voice in ["en-us+whisper", "en-us+whisperf"] {
            let whisper = Self.voicing(try RenderedSpeech.render(text, engine: .espeak(["-v", voice])))
            #expect(whisper.checked >= 20, "\(voice): \(whisper)")
            #expect(KeywordSpotter.isWhisper(whisper), "\(voice): \(whisper)")
        }
        for voice in ["en-us", "en-us+f3"] {
            let spoken = try RenderedSpeech.render(text, engine: .espeak(["-v", voice]))
            let voiced = Self.voicing(spoken)
            #expect(!KeywordSpotter.isWhisper(voiced), "\(voice): \(voiced)")
            // white noise 5 dB under the voice's RMS leaves it voiced
            let rms = (spoken.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(spoken.count)).squareRoot()
            var state: UInt64 = 12345
            let noisy = spoken.map { sample -> Int16 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let uniform = Double(Int64(bitPattern: state)) / Double(Int64.max)
                return Int16(clamping: Int((Double(sample) + uniform * rms * 0.56 * 3.0.squareRoot()).rounded()))
            }
            #expect(!KeywordSpotter.isWhisper(Self.voicing(noisy)), "\(voice) in noise: \(Self.voicing(noisy))")
        }
        // too little speech to tell (the hiss of a last "s"): never a whisper
        #expect(!KeywordSpotter.isWhisper((checked: 14, voiced: 0)))
        #expect(KeywordSpotter.isWhisper((checked: 15, voiced: 1)))
    }
}
