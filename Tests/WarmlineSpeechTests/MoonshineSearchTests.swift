import Foundation
import Testing
import WarmlineTestScheduling
@testable import WarmlineSpeech

@Suite("Moonshine's token table")
struct MoonshineTokenizerTests {
    @Test("a table cut short is refused with the token and the byte where it stops")
    func truncatedTable() {
        // "<unk>" whole, then a length of 3 with one byte left
        let bytes: [UInt8] = [5] + Array("<unk>".utf8) + [3, 0x41]
        #expect {
            _ = try MoonshineTokenizer(bytes: bytes, file: "tokenizer.bin")
        } throws: { error in
            "\(error)".contains("token 1 runs past the end") && "\(error)".contains("tokenizer.bin")
        }
    }

    @Test("a UTF-8 character cut off at the end is dropped; whole ones, and bytes that are no character, stay")
    func cutCharacter() {
        #expect(MoonshineTokenizer.withoutCutCharacter(Array("ok ♪".utf8)) == Array("ok ♪".utf8))
        #expect(MoonshineTokenizer.withoutCutCharacter(Array(Array("ok ♪".utf8).dropLast())) == Array("ok ".utf8))
        #expect(MoonshineTokenizer.withoutCutCharacter(Array(Array("ok ♪".utf8).dropLast(2))) == Array("ok ".utf8))
        #expect(MoonshineTokenizer.withoutCutCharacter(Array("naïve".utf8)) == Array("naïve".utf8))
        #expect(MoonshineTokenizer.withoutCutCharacter([0x41, 0xC3]) == [0x41])
        #expect(MoonshineTokenizer.withoutCutCharacter([0x80, 0x80]) == [0x80, 0x80])
        #expect(MoonshineTokenizer.withoutCutCharacter([]).isEmpty)
    }

    @Test("the real table reads Moonshine's 32000 pieces, spells request words as whole pieces and reads them back",
          .enabled(if: InstalledRecognizer.isInstalled, InstalledRecognizer.skipReason))
    func realTable() throws {
        let tokenizer = try MoonshineTokenizer(contentsOf: InstalledRecognizer.model.path(RecognizerModel.tokenizerFile))
        #expect(tokenizer.pieces.count == 32000)
        let tokens = tokenizer.tokens(of: "call the police")
        #expect(tokens.count == 3, "\(tokens)")
        #expect(tokenizer.text(of: [1] + tokens + [2]) == "call the police")
        // a word no piece covers falls back to single bytes and still reads back
        #expect(tokenizer.text(of: tokenizer.tokens(of: "naïve qzxv")) == "naïve qzxv")
        // a decode cut off inside a character spelled in single bytes drops the half character, not a U+FFFD
        let hi = tokenizer.tokens(of: "hi")
        let noteBytes: [Int32] = [0xE2, 0x99, 0xAA].map { 3 + $0 }
        #expect(tokenizer.text(of: hi + noteBytes) == "hi♪")
        #expect(tokenizer.text(of: hi + noteBytes.dropLast()) == "hi")
        #expect(tokenizer.text(of: hi + noteBytes.prefix(1)) == "hi")
    }
}

@Suite("Moonshine decoded by Warmline through ONNX Runtime", .serialized, .holdsItsThread, .enabled(if: InstalledRecognizer.isInstalled, InstalledRecognizer.skipReason))
struct MoonshineSearchTests {
    /// A search of its own per test (the class holds the decoder's state; loading takes about a second).
    static func search() throws -> MoonshineSearch { try MoonshineSearch(model: InstalledRecognizer.model) }
    static let matcher = Result { () throws -> PhraseMatcher in
        let keywords = try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml")
        guard let matcher = keywords.matcher else { throw SpeechSetupError(file: "keywords.yaml", reason: "no matcher") }
        return matcher
    }

    @Test("rendered requests read word for word, and the matcher calls them what they are",
          arguments: [("someone is hurting me", "slt", PhraseDecision.Kind.distress), ("call the police", "slt", .distress),
                      ("I want to speak to an agent", "slt", .person), ("the police station is near the market", "kal", .mention)])
    func readsRequests(text: String, voice: String, kind: PhraseDecision.Kind) throws {
        let search = try Self.search()
        let transcript = try search.transcribe(line: try RenderedSpeech.render(text, engine: .flite(voice)))
        let words = transcript.lowercased().filter { $0.isLetter || $0 == " " }
        #expect(words == text.lowercased(), "heard '\(transcript)'")
        #expect(try Self.matcher.get().decide(transcript).kind == kind, "heard '\(transcript)'")
    }

    @Test("neutral sentences near request words stay neutral under the bias")
    func biasLeavesNeutralSpeech() throws {
        let search = try Self.search()
        for text in ["the hotel is near the station", "the helicopter flew over the house", "I need to update my personal details"] {
            let transcript = try search.transcribe(line: try RenderedSpeech.render(text, engine: .flite("kal")))
            let kind = try Self.matcher.get().decide(transcript).kind
            #expect(kind != .distress && kind != .person, "'\(text)' read as '\(transcript)': \(kind)")
        }
    }

    @Test("the bias acts on the decode: an overwhelming bonus turns a neutral sentence into request words, none leaves it as it was")
    func biasChangesTheDecode() throws {
        let audio = try RenderedSpeech.render("the weather is nice today", engine: .flite("slt"))
        var plain = MoonshineSearch.Settings()
        plain.bonus = 0
        var overwhelming = MoonshineSearch.Settings()
        overwhelming.bonus = 30
        overwhelming.biasWords = ["help"]
        let unbiased = try MoonshineSearch(model: InstalledRecognizer.model, settings: plain).transcribe(line: audio)
        let biased = try MoonshineSearch(model: InstalledRecognizer.model, settings: overwhelming).transcribe(line: audio)
        #expect(unbiased.lowercased().contains("weather"), "\(unbiased)")
        #expect(!unbiased.lowercased().contains("help"), "\(unbiased)")
        #expect(biased.lowercased().contains("help"), "\(biased)")
    }

    @Test("a clip with speech never reads as nothing; silence reads as nothing")
    func speechIsNeverEmpty() throws {
        let search = try Self.search()
        let silence = [Float](repeating: 0, count: 16000)
        #expect(try search.transcribe(wideband: silence, speech: false) == "")
        #expect(try search.transcribe(wideband: silence, speech: true) != "")
        #expect(try search.transcribe(line: [Int16](repeating: 0, count: 8000)) == "")
    }

    @Test("forced scoring: the phrase spoken scores far above a different sentence and above a near misreading")
    func forcedScoring() throws {
        let search = try Self.search()
        let audio = MoonshineTranscriber.wideband(try RenderedSpeech.render("call the police", engine: .flite("slt")))
        // written as the model writes (capital, full stop): mean log-probability per token, the end included
        let spoken = try search.score(wideband: audio, text: "Call the police.")
        let near = try search.score(wideband: audio, text: "Call Nepalese.")
        let other = try search.score(wideband: audio, text: "The weather is nice today.")
        #expect(spoken > -2, "\(spoken)")
        #expect(near < spoken - 0.5, "spoken \(spoken), near \(near)")
        #expect(other < spoken - 3, "spoken \(spoken), other \(other)")
    }

    @Test("a phrase said over and over is cut at its third time")
    func repeatsAreCut() {
        var tokens: [Int32] = [10, 11, 12, 11, 12, 11, 12]
        #expect(MoonshineSearch.trimRepeat(&tokens))
        #expect(tokens == [10, 11, 12])
        var distinct: [Int32] = [10, 11, 12, 13, 11, 12]
        #expect(!MoonshineSearch.trimRepeat(&distinct))
        #expect(distinct.count == 6)
    }
}

@Suite("Moonshine's folded decoder", .serialized, .holdsItsThread, .enabled(if: InstalledRecognizer.isInstalled && InstalledRecognizer.model.hasFoldedDecoder,
                                                            "no decoder_model_folded.ort beside the model: run `make deps`"))
struct MoonshineFoldedDecoderTests {
    /// CPU time of the calling thread, in milliseconds (load on the machine does not change it much; wall time would).
    static func threadCPU() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1_000_000
    }

    /// The same search on the wheel's decoder and on the folded one.
    static func searches() throws -> (wheel: MoonshineSearch, folded: MoonshineSearch) {
        var wheel = MoonshineSearch.Settings()
        wheel.foldedDecoder = false
        return (try MoonshineSearch(model: InstalledRecognizer.model, settings: wheel), try MoonshineSearch(model: InstalledRecognizer.model))
    }

    @Test("the folded decoder reads every rendered request and neutral sentence exactly as the wheel's decoder does, and scores the same")
    func sameTranscripts() throws {
        let (original, folded) = try Self.searches()
        #expect(folded.decoderPath.hasSuffix(RecognizerModel.foldedDecoderFile))
        #expect(original.decoderPath.hasSuffix(RecognizerModel.decoderFile))
        for (text, voice) in [("someone is hurting me", "slt"), ("I want to speak to an agent", "kal"), ("please send an ambulance", "rms"),
                              ("the police station is near the market", "kal"), ("I don't need help thank you", "slt")] {
            let audio = try RenderedSpeech.render(text, engine: .flite(voice))
            let expected = try original.transcribe(line: audio)
            #expect(!expected.isEmpty)
            #expect(try folded.transcribe(line: audio) == expected, "'\(text)' (\(voice))")
            let wideband = MoonshineTranscriber.wideband(audio)
            let scored = try folded.score(wideband: wideband, text: expected)
            #expect(abs(scored - (try original.score(wideband: wideband, text: expected))) < 0.001, "'\(text)'")
        }
    }

    @Test("a folded decoder step costs less than half the CPU of the wheel's (same greedy decode, same number of calls)")
    func cheaperSteps() throws {
        let (original, folded) = try Self.searches()
        let audio = MoonshineTranscriber.wideband(try RenderedSpeech.render("someone is breaking into my house please help", engine: .flite("slt")))
        // one decode each to settle the runtimes' first-call allocations
        _ = try original.transcribe(wideband: audio)
        _ = try folded.transcribe(wideband: audio)
        var cost: [Double] = []
        var calls: [Int] = []
        for search in [original, folded] {
            let before = search.decoderCalls
            let start = Self.threadCPU()
            _ = try search.transcribe(wideband: audio)
            cost.append(Self.threadCPU() - start)
            calls.append(search.decoderCalls - before)
        }
        #expect(calls[0] == calls[1] && calls[0] >= 6, "\(calls)")
        #expect(cost[1] < cost[0] / 2, "wheel \(cost[0]) ms, folded \(cost[1]) ms for \(calls[0]) calls")
    }
}
