import Testing
@testable import WarmlineAudio

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

    @Test("a currency is speakable only when every amount can be said; the refusal names each language and pieces file")
    func currencyRefusal() throws {
        let en = try PromptCatalog.load(root: promptsRoot, language: "en")
        let uk = try PromptCatalog.load(root: promptsRoot, language: "uk")
        let tr = try PromptCatalog.load(root: promptsRoot, language: "tr")
        for currency in ["USD", "UAH", "TRY"] {
            #expect(PlaceholderSpeech.currencyRefusal(currency, catalogs: [en, uk, tr], root: "Prompts") == nil, "\(currency)")
        }
        #expect(PlaceholderSpeech.currencyRefusal("EUR", catalogs: [en, uk, tr], root: "Prompts") ==
            "currency 'EUR' cannot be spoken in en, uk, tr (no cur.EUR.major in Prompts/en/pieces.yaml, "
            + "Prompts/uk/pieces.yaml, Prompts/tr/pieces.yaml)")
        var euroEN = en
        euroEN.pieces["cur.EUR.major"] = "euro"
        euroEN.pieces["cur.EUR.minor"] = "cent"
        var euroUK = uk
        euroUK.pieces["cur.EUR.major.one"] = "євро"
        #expect(PlaceholderSpeech.currencyRefusal("EUR", catalogs: [euroEN, euroUK, tr], root: "Prompts") ==
            "currency 'EUR' cannot be spoken in uk, tr (no cur.EUR.major.many in Prompts/uk/pieces.yaml; "
            + "no cur.EUR.major in Prompts/tr/pieces.yaml)")
        var noFew = uk
        noFew.pieces["cur.USD.minor.few"] = nil
        #expect(PlaceholderSpeech(catalog: noFew).missingPiece(forCurrency: "USD") == "cur.USD.minor.few")
    }

    @Test("a currency the check accepts can be said for every amount up to 25.00 in every language")
    func acceptedCurrencyAlwaysSpeaks() throws {
        var checked = 0
        for language in ["en", "uk", "tr"] {
            let speech = try PlaceholderSpeech(catalog: PromptCatalog.load(root: promptsRoot, language: language))
            for currency in ["USD", "UAH", "TRY"] where speech.missingPiece(forCurrency: currency) == nil {
                let unsaid = (0...2500).filter { (try? speech.pieceIDs(for: .money(minorUnits: $0, currency: currency))) == nil }
                #expect(unsaid.isEmpty, "\(language) \(currency): \(unsaid.prefix(5))")
                checked += 1
            }
        }
        #expect(checked == 9)
    }
}
