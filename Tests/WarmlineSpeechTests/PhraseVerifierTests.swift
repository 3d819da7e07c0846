import Testing
@testable import WarmlineSpeech

@Suite("Verification by forced scoring: which readings are tried, and rules refused at load")
struct PhraseVerifierTests {
    static let shipped = Result { try PhraseMatcher.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml") }

    func readings(_ transcript: String) throws -> [String] {
        let matcher = try #require(try Self.shipped.get())
        let verifier = try #require(matcher.verifier)
        return verifier.candidates(for: transcript, matcher: matcher).map(\.text)
    }

    @Test("the shipped keywords file has verify phrasings of both classes, a margin and a call budget")
    func shippedPhrasings() throws {
        let matcher = try #require(try Self.shipped.get())
        let verifier = try #require(matcher.verifier)
        #expect(verifier.phrases.contains { $0.intent == .distress && $0.written == ["call", "the", "police"] })
        #expect(verifier.phrases.contains { $0.intent == .person })
        #expect(verifier.margin > 0 && verifier.margin <= 3 && verifier.keywordMargin <= verifier.margin)
        #expect((1...4).contains(verifier.calls))
        #expect(verifier.confirmWords >= 8 && verifier.confirmStretch != 1, "a request in a long transcript is confirmed")
    }

    @Test("an unconfirmed request answers with the confirming read; a confirmed one keeps the reading that heard it")
    func confirmationDecidesTheAnswer() {
        let reading = PhraseVerifier.Candidate(text: "Some day I can't breathe.", phrase: .init("can't breathe", intent: .distress), distance: 0.2)
        var outcome = PhraseVerifier.Outcome(free: "Some day I can breathe.", freeScore: -0.3, tried: [], accepted: reading)
        outcome.confirmation = "Some day I intend reading it."
        #expect(outcome.text == "Some day I can't breathe.")
        outcome.unconfirmed = true
        #expect(outcome.text == "Some day I intend reading it.")
        #expect(PhraseVerifier.withoutMusicMarks("\u{266A} There is a man \u{266A} \u{266A} with a knife") == "There is a man with a knife")
    }

    @Test("a misheard request is re-read with the request put in place of the stretch that sounds like it", arguments: [
        ("Call Nepalese.", "Call the police."), ("Hold me!", "Help me!"), ("He's trying to kiss me.", "He's trying to kill me."),
    ])
    func misheardRequests(transcript: String, reading: String) throws {
        let tried = try readings(transcript)
        #expect(tried.contains(reading), "\(transcript) → \(tried)")
        #expect(tried.count <= (try #require(try Self.shipped.get())).verifier?.calls ?? 0)
    }

    @Test("a mention a rule turned down, a negated request and a request are never re-read; nothing heard and a bare keyword are",
          arguments: [("The police station is near the market.", false), ("I do not need help.", false), ("Call the police.", false),
                      ("Can you help me with my balance?", false), ("Held me.", true), ("The staff were very helpful.", true)])
    func whatIsReRead(transcript: String, reread: Bool) throws {
        let matcher = try #require(try Self.shipped.get())
        #expect((PhraseVerifier.rereads(matcher.decide(transcript)) && !matcher.hasMention(transcript)) == reread,
                "\(transcript): \(matcher.decide(transcript))")
    }

    @Test("every reading tried is a request of its phrasing's class by the patterns")
    func readingsAreRequests() throws {
        let matcher = try #require(try Self.shipped.get())
        for transcript in ["Held me.", "He's trying to kiss me.", "Can I speak to some of it, please?", "The weather is nice today."] {
            for candidate in try #require(matcher.verifier).candidates(for: transcript, matcher: matcher) {
                #expect(matcher.decide(candidate.text).kind.rawValue == candidate.phrase.intent.rawValue, "\(candidate)")
            }
        }
    }

    @Test("a request is not put in early in a long clause: the rest of the clause would run on after it, read as it was")
    func noRequestEarlyInALongClause() throws {
        let long = try readings("Help is nearly the slowest possible rate at which one can die.")
        #expect(!long.contains { $0.lowercased().hasPrefix("help us") || $0.lowercased().hasPrefix("help me") }, "\(long)")
        // the same words with the clause ending soon after them, or a new clause after a comma, are re-read
        #expect(try readings("Help is, nearly the slowest possible rate at which one can die.").contains { $0.hasPrefix("Help us,") || $0.hasPrefix("Help me,") })
        #expect(try readings("Help is nearly here.").contains { $0.hasPrefix("Help us") || $0.hasPrefix("Help me") })
        #expect(PhraseVerifier.wordsAfter(0..<2, in: ["Help", "is", "nearly", "here."]) == 2)
        #expect(PhraseVerifier.wordsAfter(0..<2, in: ["Help", "is,", "nearly", "here."]) == 0)
    }

    @Test("a stretch with a negation in it is never replaced: 'there is no fire' is not re-read as 'there is a fire'")
    func negationIsNeverReplaced() throws {
        let tried = try readings("There is no fire, the alarm went off by mistake.")
        #expect(!tried.contains { $0.lowercased().contains("is a fire") }, "\(tried)")
        #expect(tried.allSatisfy { $0.lowercased().contains("no") }, "\(tried)")
    }

    @Test("a reading never puts in a negation the caller did not say: 'I need help with my' is not re-read as 'do not hurt me'",
          arguments: ["I need help with my", "I need help with my bill.", "Do you hear me?", "I can breathe now.", "Don't heard me."])
    func negationIsNeverAdded(transcript: String) throws {
        let matcher = try #require(try Self.shipped.get())
        let said = Set(transcript.lowercased().split(separator: " ").flatMap { PhraseMatcher.opened(String($0.filter { $0.isLetter || $0 == "'" })) })
        for reading in try readings(transcript) {
            let read = Set(reading.lowercased().split(separator: " ").flatMap { PhraseMatcher.opened(String($0.filter { $0.isLetter || $0 == "'" })) })
            #expect(read.intersection(matcher.negations).isSubset(of: said), "\(transcript) → \(reading)")
        }
    }

    @Test("no shipped phrasing carries a negation (one put in place of a stretch with a negation turns a denial into a request)")
    func shippedPhrasingsHoldNoNegation() throws {
        let matcher = try #require(try Self.shipped.get())
        for phrase in try #require(matcher.verifier).phrases {
            let words = phrase.written.flatMap { PhraseMatcher.opened($0.lowercased()) }
            #expect(matcher.negations.isDisjoint(with: words), "\(phrase.written)")
        }
    }

    @Test("a reading that changes two words of a long sentence gets that share of the margin")
    func marginScalesWithTheWordsChanged() throws {
        let matcher = try #require(try Self.shipped.get())
        let verifier = try #require(matcher.verifier)
        let long = try #require(verifier.candidates(for: "Eight of spades, four of clubs, seven of hearts, and the last one is sad.", matcher: matcher).first)
        #expect(long.coverage < 0.3, "\(long)")
        let short = try #require(verifier.candidates(for: "Held me.", matcher: matcher).first)
        #expect(short.coverage == 1, "\(short)")
        // the same score gap: accepted for the short reading, not for the long one
        #expect(verifier.accepted([short], scores: [-1.5], freeScore: -0.5) != nil)
        #expect(verifier.accepted([long], scores: [-1.5], freeScore: -0.5) == nil)
    }

    @Test("the best reading within the margin is accepted; none beyond it")
    func acceptance() throws {
        let help = PhraseVerifier.Phrase("help me", intent: .distress)
        let verifier = PhraseVerifier(phrases: [help], margin: 0.5)
        let candidates = [PhraseVerifier.Candidate(text: "Help me.", phrase: help, distance: 0.2),
                          PhraseVerifier.Candidate(text: "Help us.", phrase: help, distance: 0.3)]
        #expect(verifier.accepted(candidates, scores: [-1.4, -1.3], freeScore: -1.0)?.candidate.text == "Help us.")
        #expect(verifier.accepted(candidates, scores: [-1.6, -1.51], freeScore: -1.0) == nil)
        #expect(verifier.accepted(candidates, scores: [-0.9, -1.6], freeScore: -1.0)?.candidate.text == "Help me.")
        // a transcript that already names a keyword needs the stricter margin
        let strict = PhraseVerifier(phrases: [help], margin: 1.2, keywordMargin: 0.5)
        #expect(strict.accepted(candidates, scores: [-1.9, -2.1], freeScore: -1.0)?.candidate.text == "Help me.")
        #expect(strict.accepted(candidates, scores: [-1.9, -2.1], freeScore: -1.0, keywordHeard: true) == nil)
        #expect(strict.accepted(candidates, scores: [-1.9, -1.4], freeScore: -1.0, keywordHeard: true)?.candidate.text == "Help us.")
    }

    // MARK: - Phrasings refused at load, with their line

    let header = keywordsFileModelLines + """
        keywords:
          distress:
            help: 1e-20
        matcher:
          distress:
            - help me
          person:
            - speak ... person
          verify:

        """

    func error(_ verifyLines: String) -> SpeechSetupError? { keywordsFileError(header + verifyLines) }

    @Test("a phrasing the patterns do not take as a request of its class is refused at its line, with the reason")
    func notARequest() {
        let typo = error("    margin: 0.5\n    distress:\n      - help me\n      - hepl me\n")
        #expect(typo?.file == "keywords.yaml")
        #expect(typo?.line == 17)
        #expect(typo?.reason.hasPrefix("verify.distress phrasing 'hepl me' is no distress request by the patterns") == true)
        let wrongClass = error("    margin: 0.5\n    person:\n      - help me\n")
        #expect(wrongClass?.line == 16)
        #expect(wrongClass?.reason.contains("is no person request") == true)
    }

    @Test("a missing or out-of-range margin, a bad call budget, a repeated phrasing and an unknown key are refused")
    func badSettings() {
        #expect(error("    distress:\n      - help me\n")?.reason == "matcher.verify needs a margin")
        #expect(error("    margin: lots\n")?.line == 14)
        #expect(error("    margin: lots\n")?.reason.contains("must be a number of nats per token") == true)
        #expect(error("    margin: 0.5\n    calls: 40\n")?.reason.contains("calls must be a whole number") == true)
        let twice = error("    margin: 0.5\n    distress:\n      - help me\n      - Help me\n")
        #expect(twice?.line == 17)
        #expect(twice?.reason == "verify.distress phrasing 'help me' is already listed on line 16")
        #expect(error("    margin: 0.5\n    phrases: [help me]\n")?.reason.hasPrefix("unknown matcher.verify key 'phrases'") == true)
    }

    @Test("a well-formed verify section loads with its settings")
    func loads() throws {
        let list = try KeywordList.parse(header + "    margin: 0.25\n    calls: 2\n    distress:\n      - help me\n", file: "keywords.yaml")
        let verifier = try #require(list.matcher?.verifier)
        #expect(verifier.margin == 0.25 && verifier.calls == 2 && verifier.keywordMargin == 0.25)
        #expect(verifier.phrases == [PhraseVerifier.Phrase("help me", intent: .distress, line: 17)])
        let strict = try KeywordList.parse(header + "    keyword_margin: 0.5\n    margin: 1\n", file: "keywords.yaml")
        #expect(strict.matcher?.verifier?.keywordMargin == 0.5 && strict.matcher?.verifier?.margin == 1)
        #expect(verifier.confirmWords == 0, "confirmation is off unless the file asks for it")
        let confirming = try KeywordList.parse(header + "    margin: 1\n    confirm_words: 12\n    confirm_stretch: 0.9\n",
                                               file: "keywords.yaml")
        #expect(confirming.matcher?.verifier?.confirmWords == 12 && confirming.matcher?.verifier?.confirmStretch == 0.9)
    }

    @Test("a confirmation word count or stretch out of range is refused at its line")
    func badConfirmation() {
        let words = error("    margin: 1\n    confirm_words: many\n")
        #expect(words?.line == 15)
        #expect(words?.reason.contains("confirm_words must be a whole number of words in 0...200") == true)
        #expect(error("    margin: 1\n    confirm_words: -3\n")?.line == 15)
        #expect(error("    margin: 1\n    confirm_margin: 0.3\n")?.reason.hasPrefix("unknown matcher.verify key 'confirm_margin'") == true)
        for bad in ["1", "3", "0.2", "slow"] {
            let stretch = error("    margin: 1\n    confirm_stretch: \(bad)\n")
            #expect(stretch?.line == 15, "\(bad)")
            #expect(stretch?.reason.contains("confirm_stretch must be a duration ratio in 0.5...2 other than 1, not '\(bad)'") == true)
        }
    }

    @Test("only a request in a transcript of confirm_words words or more is confirmed, of its own class")
    func whatIsConfirmed() throws {
        let matcher = try #require(try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml").matcher)
        var verifier = try #require(matcher.verifier)
        verifier.confirmWords = 10
        #expect(verifier.confirmationNeeded("On the second day of my fall to miss it, I got hurt.", matcher: matcher) == .distress)
        #expect(verifier.confirmationNeeded("I have been waiting for ages, can I please just speak to a real person", matcher: matcher) == .person)
        #expect(verifier.confirmationNeeded("Please help me, my husband is hitting me.", matcher: matcher) == nil, "eight words")
        #expect(verifier.confirmationNeeded("Please help me, my husband has been drinking all night, and now he is hitting me.", matcher: matcher) == nil,
                "two clauses ask, in different words")
        #expect(verifier.confirmationNeeded("I'm bleeding, I'm bleeding, I'm bleeding, I'm bleeding, I'm bleeding, I'm", matcher: matcher) == .distress,
                "a decode looping on one request asks once")
        #expect(verifier.confirmationNeeded("On the second day of my fall semester, I went to the police station.", matcher: matcher) == nil,
                "a mention is no request")
        #expect(verifier.confirmationNeeded("I do not need help now, thank you, I was only checking my balance.", matcher: matcher) == nil,
                "a negated request")
        verifier.confirmWords = 0
        #expect(verifier.confirmationNeeded("On the second day of my fall to miss it, I got hurt.", matcher: matcher) == nil)
    }
}

@Suite("Verification by forced scoring on real rendered audio", .serialized,
       .enabled(if: InstalledRecognizer.isInstalled, InstalledRecognizer.skipReason))
struct PhraseVerifierAudioTests {
    static let matcher = Result { () throws -> PhraseMatcher in
        let keywords = try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml")
        guard let matcher = keywords.matcher else { throw SpeechSetupError(file: "keywords.yaml", reason: "no matcher") }
        return matcher
    }

    func verify(_ text: String, _ engine: RenderedSpeech.Engine, search: MoonshineSearch) throws -> PhraseVerifier.Outcome {
        let matcher = try Self.matcher.get()
        let verifier = try #require(matcher.verifier)
        return try verifier.transcribe(line: try RenderedSpeech.render(text, engine: engine), search: search, matcher: matcher)
    }

    @Test("a request the free decode mishears is accepted by scoring the request reading against the same audio", arguments: [
        ("call the police", RenderedSpeech.Engine.espeak(["-v", "en+f2"]), PhraseDecision.Kind.distress),
        ("help me", .espeak(["-v", "en-us+f3"]), .distress),
        ("please help", .espeak(["-v", "en"]), .distress),
    ])
    func misheardRequestAccepted(text: String, engine: RenderedSpeech.Engine, kind: PhraseDecision.Kind) throws {
        let matcher = try Self.matcher.get()
        let outcome = try verify(text, engine, search: try MoonshineSearch(model: InstalledRecognizer.model))
        // the free decode got it wrong: no request in its words
        #expect(matcher.decide(outcome.free).keywordClass == nil, "free decode '\(outcome.free)'")
        let accepted = try #require(outcome.accepted, "free '\(outcome.free)' (\(outcome.freeScore ?? 0)), tried \(outcome.tried)")
        #expect(accepted.text.lowercased().filter { $0.isLetter || $0 == " " } == text)
        #expect(matcher.decide(outcome.text).kind == kind, "\(outcome.text)")
        let best = try #require(outcome.tried.first { $0.candidate == accepted })
        #expect(best.score >= (outcome.freeScore ?? 0) - matcher.verifier!.margin * accepted.coverage)
        #expect(outcome.tried.count <= matcher.verifier!.calls)
    }

    @Test("a request inside a long explanation is read again from slowed audio and stands; a short one, or one asked twice, is not",
          arguments: [
              ("we were in a car accident on the motorway and my friend is bleeding a lot", RenderedSpeech.Engine.flite("kal"), true),
              ("I have been waiting on this line for ages can I please just speak to a real person", .flite("slt"), true),
              ("call the police", .flite("kal"), false),
              ("please help me my husband has been drinking all night and now he is hitting me", .flite("kal"), false),
          ])
    func longRequestConfirmed(text: String, engine: RenderedSpeech.Engine, long: Bool) throws {
        let matcher = try Self.matcher.get()
        let outcome = try verify(text, engine, search: try MoonshineSearch(model: InstalledRecognizer.model))
        let kind = matcher.decide(outcome.text).kind
        #expect(kind == .distress || kind == .person, "'\(outcome.free)' read as '\(outcome.text)'")
        if long {
            let confirmation = try #require(outcome.confirmation, "no confirming read of '\(outcome.free)'")
            #expect(!outcome.unconfirmed && matcher.decide(confirmation).kind == kind, "first '\(outcome.free)', then '\(confirmation)'")
        } else {
            #expect(outcome.confirmation == nil && !outcome.unconfirmed)
        }
    }

    @Test("a neutral sentence with a near word is verified and turned down; a mention is never re-read", arguments: [
        ("I need to update my personal details", RenderedSpeech.Engine.espeak(["-v", "en"])),
        ("the hotel is near the station", .flite("kal")),
        ("the police station is near the market", .flite("kal")),
        ("she is a nurse in the emergency department", .espeak(["-v", "en"])),
    ])
    func neutralAndMentionStayInnocent(text: String, engine: RenderedSpeech.Engine) throws {
        let matcher = try Self.matcher.get()
        let outcome = try verify(text, engine, search: try MoonshineSearch(model: InstalledRecognizer.model))
        #expect(!outcome.free.isEmpty)
        #expect(outcome.accepted == nil, "'\(outcome.free)' re-read as '\(outcome.text)' (tried \(outcome.tried))")
        #expect(matcher.decide(outcome.text).keywordClass == nil, "\(outcome.text)")
        if matcher.hasMention(outcome.free) { #expect(outcome.tried.isEmpty, "a mention was re-read: \(outcome.tried)") }
    }
}
