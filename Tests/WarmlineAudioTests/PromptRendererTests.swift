import Foundation
import Testing
@testable import WarmlineAudio

@Suite("Prompt rendering with espeak-ng")
struct PromptRendererTests {
    @Test("rendered prompts are 8 kHz, non-empty and unclipped; a second render is all cache hits; a changed text re-renders only itself")
    func renderVerifyAndCache() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let renderer = PromptRenderer(cacheDirectory: dir.path("cache"))
        var catalog = PromptCatalog(language: "en", prompts: ["goodbye": "Goodbye.", "invalid": "Sorry, I did not get that."])
        let first = try renderer.render(catalog)
        #expect(first.rendered.sorted() == ["goodbye", "invalid"])
        #expect(first.cached.isEmpty)
        for (id, text) in catalog.prompts {
            let wav = try renderer.verify(path: renderer.path(language: "en", id: id, text: text))
            #expect(wav.sampleRate == 8000)
            #expect(wav.samples.count > 2000)
        }
        let second = try renderer.render(catalog)
        #expect(second.rendered.isEmpty)
        #expect(second.cached.sorted() == ["goodbye", "invalid"])
        catalog.prompts["goodbye"] = "Goodbye, take care."
        let third = try renderer.render(catalog)
        #expect(third.rendered == ["goodbye"])
        #expect(third.cached == ["invalid"])
        #expect(third.removed == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("cache/en"))
        #expect(files.filter { $0.hasPrefix("goodbye.") }.count == 1)
    }

    @Test("verification rejects a file at the wrong rate, an empty one and a clipped one, naming the file")
    func verificationFailures() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let renderer = PromptRenderer(cacheDirectory: dir.path("cache"))
        let cases: [(WAVFile, String)] = [
            (WAVFile(sampleRate: 16000, samples: [1000, -1000]), "rate 16000 Hz, expected 8000 Hz"),
            (WAVFile(sampleRate: 8000, samples: []), "no samples"),
            (WAVFile(sampleRate: 8000, samples: [0, 32767, -32768]), "clipped"),
        ]
        for (index, (wav, message)) in cases.enumerated() {
            let path = dir.path("bad\(index).wav")
            try wav.write(path: path)
            let error = #expect(throws: PromptRenderError.self) { try renderer.verify(path: path) }
            #expect(error?.description == "\(path): \(message)" || error?.description.hasPrefix("\(path): \(message)") == true)
        }
    }

    @Test("a template with an unclosed placeholder is an error naming the prompt")
    func badTemplate() {
        let catalog = PromptCatalog(language: "en", prompts: ["balance_is": "Your balance is {balance."])
        let error = #expect(throws: PromptFileError.self) { try catalog.segments(of: "balance_is") }
        #expect(error?.description.contains("prompt 'balance_is' has an unclosed '{'") == true)
    }
}

@Suite("Placeholders spoken from pieces")
struct PlaceholderSpeechTests {
    private let expiry: [String: SpokenValue] = ["expires_at": .time(hour: 23, minute: 40, day: .tomorrow)]

    @Test("the day-pass expiry 'until 23:40 tomorrow' is read in English, Ukrainian and Turkish, and renders on first use")
    func expiryInThreeLanguages() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let library = try PromptLibrary(root: promptsRoot, languages: ["en", "uk", "tr"], cacheDirectory: dir.path("cache"))
        let expected = [
            "en": ["Your emergency day pass is active until", "twenty", "three", "forty", "tomorrow"],
            "uk": ["Ваш екстрений добовий пакет діє до", "завтра", "двадцять", "три", "сорок"],
            "tr": ["Acil günlük paketiniz", "yarın", "yirmi", "üç", "kırk", "saatine kadar geçerli."],
        ]
        for (language, words) in expected {
            let parts = try library.parts("day_pass_granted", language: language, values: expiry)
            #expect(parts.map(\.text) == words, "\(language)")
            let clips = try library.clips("day_pass_granted", language: language, values: expiry)
            #expect(clips.count == words.count)
            #expect(clips.allSatisfy { !$0.samples.isEmpty })
            // Joined with no gap, the prompt is exactly as long as its rendered pieces.
            var player = PromptPlayer()
            player.enqueue(clips)
            let total = clips.reduce(0) { $0 + $1.samples.count }
            var out = [Int16](repeating: 0, count: total + 160)
            let events = out.withUnsafeMutableBufferPointer { player.render(into: $0, startFrame: 0) }
            #expect(events.last == .finished(id: clips[clips.count - 1].id, frame: Int64(total)))
        }
    }

    @Test("numbers, digits and money agree with the language's grammar")
    func numbersAndMoney() throws {
        let uk = try PlaceholderSpeech(catalog: PromptCatalog.load(root: promptsRoot, language: "uk"))
        #expect(try uk.pieceIDs(for: .money(minorUnits: 221, currency: "UAH")) ==
            ["n2f", "cur.UAH.major.few", "n20", "n1f", "cur.UAH.minor.one"])
        #expect(try uk.pieceIDs(for: .number(2500)) == ["n2f", "thousand.few", "n500"])
        #expect(try uk.pieceIDs(for: .money(minorUnits: 500, currency: "USD")) == ["n5", "cur.USD.major.many"])
        let en = try PlaceholderSpeech(catalog: PromptCatalog.load(root: promptsRoot, language: "en"))
        #expect(try en.pieceIDs(for: .money(minorUnits: 101, currency: "USD")) ==
            ["n1", "cur.USD.major.one", "n1", "cur.USD.minor.one"])
        #expect(try en.pieceIDs(for: .time(hour: 9, minute: 5, day: .today)) == ["n9", "minute_zero", "n5", "today"])
        #expect(try en.pieceIDs(for: .digits("112")) == ["n1", "n1", "n2"])
        let tr = try PlaceholderSpeech(catalog: PromptCatalog.load(root: promptsRoot, language: "tr"))
        #expect(try tr.pieceIDs(for: .number(215)) == ["n2", "hundred", "n10", "n5"])
        #expect(try tr.pieceIDs(for: .money(minorUnits: 1050, currency: "TRY")) == ["n10", "cur.TRY.major", "n50", "cur.TRY.minor"])
        let missing = #expect(throws: PromptFileError.self) { try en.pieceIDs(for: .money(minorUnits: 1, currency: "XXX")) }
        #expect(missing?.description.contains("Prompts/en/pieces.yaml") == true)
    }
}
