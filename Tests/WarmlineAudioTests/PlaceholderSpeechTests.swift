import Testing
import WarmlineCore
import WarmlineTestScheduling
@testable import WarmlineAudio

/// The day-pass templates that carry `{expires_at}` (prompts.yaml), with the repository's pieces.
private let dayPassTemplates: [String: [String: String]] = [
    "en": ["day_pass_granted": "Your emergency day pass is active until {expires_at}.",
           "day_pass_requested": "Your emergency day pass is requested. It will be active within minutes, until {expires_at}."],
    "uk": ["day_pass_granted": "Ваш екстрений добовий пакет активний. Він закінчиться {expires_at}.",
           "day_pass_requested": "Ваш екстрений добовий пакет замовлено. Він запрацює за кілька хвилин і закінчиться {expires_at}."],
    "tr": ["day_pass_granted": "Acil günlük paketiniz {expires_at} kadar geçerli.",
           "day_pass_requested": "Acil günlük paketiniz istendi. Birkaç dakika içinde etkinleşecek ve {expires_at} kadar geçerli olacak."],
]

/// The language's catalog from `Prompts/`, its prompts replaced by the day-pass templates.
private func dayPassCatalog(_ language: String) throws -> PromptCatalog {
    var catalog = try PromptCatalog.load(root: promptsRoot, language: language)
    catalog.prompts = dayPassTemplates[language] ?? [:]
    return catalog
}

/// What the caller hears for a clock time: the piece texts joined.
private func spoken(_ language: String, _ hour: Int, _ minute: Int, _ day: SpokenValue.Day = .tomorrow) throws -> String {
    let catalog = try dayPassCatalog(language)
    return try PlaceholderSpeech(catalog: catalog).pieceIDs(for: .time(hour: hour, minute: minute, day: day))
        .map { catalog.pieces[$0] ?? "<\($0)>" }.joined(separator: " ")
}

@Suite("Placeholders spoken from pieces", .holdsItsThread)
struct PlaceholderSpeechTests {
    private let expiry: [String: SpokenValue] = ["expires_at": .time(hour: 23, minute: 40, day: .tomorrow)]

    @Test("the day-pass expiry 'until 23:40 tomorrow' is read in English, Ukrainian and Turkish, and renders before its first use")
    func expiryInThreeLanguages() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let library = PromptLibrary(catalogs: try ["en", "uk", "tr"].map(dayPassCatalog),
                                    renderer: PromptRenderer(cacheDirectory: dir.path("cache")))
        let expected = [
            "en": ["Your emergency day pass is active until", "eleven", "forty", "p.m.", "tomorrow"],
            "uk": ["Ваш екстрений добовий пакет активний. Він закінчиться", "завтра", "о", "двадцять", "третій", "сорок"],
            "tr": ["Acil günlük paketiniz", "yarın", "saat", "yirmi", "üç", "kırka", "kadar geçerli."],
        ]
        for (language, words) in expected {
            let parts = try library.parts("day_pass_granted", language: language, values: expiry)
            #expect(parts.map(\.text) == words, "\(language)")
            _ = try await library.render(language: language)
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

    @Test("both day-pass prompts read the expiry as a sentence in each language")
    func expiryInTheTemplates() throws {
        let library = PromptLibrary(catalogs: try ["en", "uk", "tr"].map(dayPassCatalog),
                                    renderer: PromptRenderer(cacheDirectory: "/nonexistent"))
        let values: [String: SpokenValue] = ["expires_at": .time(hour: 0, minute: 34, day: .tomorrow)]
        let sentence = { (id: String, language: String) in
            try library.parts(id, language: language, values: values).map(\.text).joined(separator: " ")
        }
        #expect(try sentence("day_pass_granted", "en") == "Your emergency day pass is active until twelve thirty four a.m. tomorrow")
        #expect(try sentence("day_pass_requested", "en")
            == "Your emergency day pass is requested. It will be active within minutes, until twelve thirty four a.m. tomorrow")
        #expect(try sentence("day_pass_granted", "uk")
            == "Ваш екстрений добовий пакет активний. Він закінчиться завтра о нульовій тридцять чотири")
        #expect(try sentence("day_pass_requested", "uk")
            == "Ваш екстрений добовий пакет замовлено. Він запрацює за кілька хвилин і закінчиться завтра о нульовій тридцять чотири")
        #expect(try sentence("day_pass_granted", "tr") == "Acil günlük paketiniz yarın saat sıfır otuz dörde kadar geçerli.")
        #expect(try sentence("day_pass_requested", "tr")
            == "Acil günlük paketiniz istendi. Birkaç dakika içinde etkinleşecek ve yarın saat sıfır otuz dörde kadar geçerli olacak.")
    }

    @Test("English says midnight, noon, quarters and o'clock with the part of the day, other minutes with a.m. or p.m.",
          arguments: [
            (0, 30, SpokenValue.Day.tomorrow, "half past midnight tomorrow"),
            (0, 34, .tomorrow, "twelve thirty four a.m. tomorrow"),
            (0, 0, .tomorrow, "midnight tomorrow"),
            (12, 0, .tomorrow, "noon tomorrow"),
            (18, 45, .tomorrow, "quarter to seven in the evening tomorrow"),
            (18, 0, .tomorrow, "six o'clock in the evening tomorrow"),
            (18, 5, .tomorrow, "six oh five p.m. tomorrow"),
            (9, 15, .today, "quarter past nine in the morning today"),
            (23, 45, .tomorrow, "quarter to midnight tomorrow"),
            (11, 45, .tomorrow, "quarter to noon tomorrow"),
            (12, 15, .tomorrow, "quarter past noon tomorrow"),
            (14, 0, .tomorrow, "two o'clock in the afternoon tomorrow"),
            (22, 30, .tomorrow, "half past ten at night tomorrow"),
            (3, 0, .tomorrow, "three o'clock in the morning tomorrow"),
            (13, 59, .tomorrow, "one fifty nine p.m. tomorrow"),
            (0, 30, .daysAhead(2), "half past midnight the day after tomorrow"),
            (12, 0, .daysAhead(3), "noon in three days"),
          ])
    func english(hour: Int, minute: Int, day: SpokenValue.Day, words: String) throws {
        #expect(try spoken("en", hour, minute, day) == words)
    }

    @Test("Ukrainian says the day, then о/об and the hour as a feminine ordinal, then the minutes; midnight and noon as words",
          arguments: [
            (0, 34, SpokenValue.Day.tomorrow, "завтра о нульовій тридцять чотири"),
            (23, 5, .tomorrow, "завтра о двадцять третій нуль п'ять"),
            (0, 0, .tomorrow, "завтра опівночі"),
            (1, 0, .today, "сьогодні о першій"),
            (12, 0, .tomorrow, "завтра опівдні"),
            (11, 21, .tomorrow, "завтра об одинадцятій двадцять одна"),
            (21, 2, .tomorrow, "завтра о двадцять першій нуль дві"),
            (8, 30, .daysAhead(2), "післязавтра о восьмій тридцять"),
            (10, 0, .daysAhead(3), "через три дні о десятій"),
            (10, 0, .daysAhead(5), "через п'ять днів о десятій"),
          ])
    func ukrainian(hour: Int, minute: Int, day: SpokenValue.Day, words: String) throws {
        #expect(try spoken("uk", hour, minute, day) == words)
    }

    @Test("Turkish says the day, saat and the time with its last word in the dative; midnight is gece yarısına",
          arguments: [
            (0, 34, SpokenValue.Day.tomorrow, "yarın saat sıfır otuz dörde"),
            (11, 30, .tomorrow, "yarın saat on bir buçuğa"),
            (1, 0, .tomorrow, "yarın saat bire"),
            (0, 0, .tomorrow, "yarın gece yarısına"),
            (23, 30, .tomorrow, "yarın saat yirmi üç buçuğa"),
            (0, 30, .tomorrow, "yarın saat sıfır otuza"),
            (18, 5, .tomorrow, "yarın saat on sekiz sıfır beşe"),
            (6, 0, .today, "bugün saat altıya"),
            (10, 0, .tomorrow, "yarın saat ona"),
            (20, 40, .tomorrow, "yarın saat yirmi kırka"),
            (16, 50, .tomorrow, "yarın saat on altı elliye"),
            (12, 20, .tomorrow, "yarın saat on iki yirmiye"),
            (9, 0, .tomorrow, "yarın saat dokuza"),
            (13, 0, .tomorrow, "yarın saat on üçe"),
            (7, 2, .tomorrow, "yarın saat yedi sıfır ikiye"),
            (1, 0, .daysAhead(2), "öbür gün saat bire"),
            (1, 0, .daysAhead(3), "üç gün sonra saat bire"),
          ])
    func turkish(hour: Int, minute: Int, day: SpokenValue.Day, words: String) throws {
        #expect(try spoken("tr", hour, minute, day) == words)
    }

    @Test("a time whose piece is missing, out of range or in the past says what pieces.yaml needs")
    func timeErrors() throws {
        var catalog = try dayPassCatalog("tr")
        catalog.pieces["n4.dative"] = nil
        let speech = PlaceholderSpeech(catalog: catalog)
        let missing = #expect(throws: PromptFileError.self) { try speech.pieceIDs(for: .time(hour: 0, minute: 34, day: .tomorrow)) }
        #expect(missing?.description == "Prompts/tr/pieces.yaml: needs a piece 'n4.dative'")
        let range = #expect(throws: PromptFileError.self) { try speech.pieceIDs(for: .time(hour: 24, minute: 0, day: .today)) }
        #expect(range?.description.contains("a time within 00:00...23:59, got 24:0") == true)
        let past = #expect(throws: PromptFileError.self) { try speech.pieceIDs(for: .time(hour: 1, minute: 0, day: .daysAhead(-1))) }
        #expect(past?.description.contains("a day today or later") == true)
        #expect(SpokenValue.Day(daysAfterToday: 0) == .today && SpokenValue.Day(daysAfterToday: 1) == .tomorrow)
        #expect(SpokenValue.Day(daysAfterToday: 2) == .daysAhead(2) && SpokenValue.Day.daysAhead(1).daysAfterToday == 1)
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
        #expect(try en.pieceIDs(for: .time(hour: 9, minute: 5, day: .today)) == ["n9", "minute_zero", "n5", "am", "today"])
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
