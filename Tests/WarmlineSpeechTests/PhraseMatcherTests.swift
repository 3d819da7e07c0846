import Testing
@testable import WarmlineSpeech

@Suite("Phrase matcher")
struct PhraseMatcherTests {
    static let shipped = Result { try PhraseMatcher.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml") }

    func decide(_ transcript: String) throws -> PhraseDecision {
        try #require(try Self.shipped.get()).decide(transcript)
    }

    @Test("a caller asking for help in the recogniser's words is distress", arguments: [
        "Call the police!", "Someone is hurting me.", "Please help me.", "Help!", "I need an ambulance.",
        "He's going to kill me.", "This is an emergency.", "I can't breathe.", "Please don't hurt me.",
        "My husband keeps hitting me.", "I've been stabbed.", "I'm not safe here.", "Someone is breaking into my house.",
        "Call 9-1-1.", "Nine one one, please.", "Somebody help!", "I don't need the police, I need an ambulance.",
        "I don't feel safe at home.", "He has a knife.", "He's got a gun!", "He pulled a gun on me.", "Get help now.",
        "Send the police.", "The police, quickly.", "Ambulance!", "We need help urgently.", "I need your help.",
        "Emergency police!", "We're not safe in this house.", "I'm not feeling safe.", "It is not safe here.",
    ])
    func requestsAreDistress(transcript: String) throws {
        let decision = try decide(transcript)
        #expect(decision.kind == .distress, "\(transcript) → \(decision)")
        #expect(decision.keywordClass == .distress)
        #expect(decision.rule?.intent == .distress)
    }

    @Test("a caller asking for a person is person, and distress in the same breath wins", arguments: [
        ("Can I speak to a person?", PhraseDecision.Kind.person), ("I want to talk to a real human.", .person), ("Operator.", .person),
        ("Put me through to someone please.", .person), ("Let me speak to someone, he is hitting me.", .distress),
        ("Put me through to an agent, please.", .person), ("Is there a person I can talk to?", .person),
        ("Let me talk to some one.", .person), ("Take me to an agent, please.", .person),
        ("Get me through to a real person.", .person), ("Can I speak to one of you, please?", .person),
        ("Customer service agent, please.", .person), ("The service agent, please.", .person),
        // asking to be transferred is asking for someone, whoever the recogniser misheard as the target
        ("Transfer me to an alien's dream.", .person), ("Can you connect me to billing?", .person), ("Put me through, please.", .person),
        // a person with a word the recogniser got wrong before it, said alone
        ("A surreal person, please.", .person), ("An actual human.", .person),
    ])
    func personRequests(transcript: String, kind: PhraseDecision.Kind) throws {
        #expect(try decide(transcript).kind == kind, "\(transcript)")
    }

    @Test("a transcript the recogniser marked as music is not speech: no request in it counts, and it is not re-read",
          arguments: ["♪ breaking in hot over rules ♪ ♪ Mem for you ♪", "♪ Help me ♪", "♫ call the police ♫"])
    func musicIsNotSpeech(transcript: String) throws {
        let decision = try decide(transcript)
        #expect(decision.kind == .notSpeech, "\(transcript) → \(decision)")
        #expect(decision.keywordClass == nil)
        #expect(!PhraseVerifier.rereads(decision))
        // the same words without the marks are a request
        let words = String(transcript.filter { !PhraseMatcher.musicMarks.contains($0) })
        #expect(try decide(words).keywordClass != nil, "\(words)")
    }

    @Test("what Moonshine writes for music that is no English speaker is not speech: notes, a caption credit, another script",
          arguments: [
              ("🎵 🎵 Help me 🎵", "Help me"), ("© transcript Emily Beynon. Help me.", "transcript Emily Beynon. Help me."),
              ("इমাতর পাइমা help me", "help me"), ("2-3ตวบนลาง", nil),
          ])
    func hallucinationsAreNotSpeech(transcript: String, words: String?) throws {
        let decision = try decide(transcript)
        // not "no keyword": a transcript with no keyword lets a first-pass candidate far over its cut count alone
        #expect(decision.kind == .notSpeech, "\(transcript) → \(decision)")
        #expect(!PhraseVerifier.rereads(decision))
        // the same English words alone are a request
        if let words { #expect(try decide(words).keywordClass == .distress, "\(words)") }
    }

    @Test("the sentence's end reuses an early transcript that heard a keyword or no speech, and reads one that heard nothing again",
          arguments: [
              ("The police station is near the market.", true), ("I don't need help.", true), ("Help me.", true),
              ("♪ Help me ♪", true), ("The hotel is near the train station.", false), ("I need a rampulent.", false),
          ])
    func earlyReadReuse(transcript: String, reused: Bool) throws {
        #expect(KeywordSpotter.reusesEarlyRead(try decide(transcript)) == reused, "\(transcript)")
    }

    @Test("an accented name or a word of another script in an English sentence is still the caller's words",
          arguments: ["Help me, this is José Müller.", "Call the police, Zoë is hurt.", "Help me, Dvořák street, Łódź."])
    func latinLettersAreSpeech(transcript: String) throws {
        #expect(try decide(transcript).kind == .distress, "\(transcript)")
    }

    @Test("a keyword only talked about is a mention, never a request", arguments: [
        "The police station is near the market.", "The staff were very helpful.", "Can you help me with my balance?",
        "I need help topping up my phone.", "What is the emergency number?", "I am calling about the emergency day pass.",
        "The ambulance station is closed on Sundays.", "My son is a police officer.", "I need your help with my bill.",
    ])
    func mentions(transcript: String) throws {
        let decision = try decide(transcript)
        #expect(decision.kind == .mention, "\(transcript) → \(decision)")
        #expect(decision.keywordClass == nil)
        #expect(!decision.mentioned.isEmpty)
    }

    @Test("words of a request read into a sentence that asks for nothing are no request", arguments: [
        "Any resemblance to real person living or dead is purely coincidental.", "What we've not safe.",
        "She was a kind person who helped everyone.", "They would not transfer me.", "Not safe for work.",
    ])
    func readIntoOtherWords(transcript: String) throws {
        let decision = try decide(transcript)
        #expect(decision.keywordClass == nil, "\(transcript) → \(decision)")
    }

    @Test("a weapon only talked about is no request", arguments: [
        "I bought him a knife set for his birthday.", "The gun shop on the corner is closed.", "He has a gun licence.",
    ])
    func weaponsTalkedAbout(transcript: String) throws {
        #expect(try decide(transcript).keywordClass == nil, "\(transcript)")
    }

    @Test("a negated request is not one, and says which word negated it", arguments: [
        ("I don't need help, thank you.", "not"), ("No, I do not need an ambulance.", "not"), ("He is not hurting me.", "not"),
        ("I'm not hurt.", "not"), ("I never said call the police.", "never"), ("Nobody is hurt, we are fine.", "nobody"),
    ])
    func negations(transcript: String, negation: String) throws {
        let decision = try decide(transcript)
        #expect(decision.kind == .negated, "\(transcript) → \(decision)")
        #expect(decision.because == negation)
        #expect(decision.keywordClass == nil)
    }

    @Test("words spelled otherwise for the same sounds still match; words that only look alike do not")
    func nearMatches() throws {
        #expect(try decide("call an ambulanse").kind == .distress)
        #expect(try decide("call the polise").kind == .distress)
        #expect(try decide("this is an emergancy").kind == .distress)
        #expect(try decide("please stop hurtin me").kind == .distress)
        #expect(try decide("please call me back").kind == .nothing)
        #expect(try decide("he keeps calling me").kind == .nothing)  // not "killing"
        #expect(PhraseMatcher.soundsAlike("ambulance", "ambulanse"))
        #expect(!PhraseMatcher.soundsAlike("police", "please"))
        #expect(!PhraseMatcher.soundsAlike("danger", "ranger"))
        #expect(!PhraseMatcher.soundsAlike("help", "helps"))
    }

    @Test("a request read at a pause waits when the rest of the sentence could make it a mention, and only then")
    func pauseBeforeAMention() throws {
        let matcher = try #require(try Self.shipped.get())
        // the early look heard "can you help me", the caller went on "with my top up"
        #expect(matcher.decide("Can you help me?").kind == .distress)
        #expect(matcher.couldTurnIntoMention("Can you help me?"))
        #expect(matcher.decide("Can you help me with my top up?").kind == .mention)
        #expect(matcher.couldTurnIntoMention("Please call the police."))  // "... police station"
        #expect(!matcher.couldTurnIntoMention("He is hurting me."))
        #expect(!matcher.couldTurnIntoMention("Help me!"))  // the recogniser heard the sentence end
        #expect(!matcher.couldTurnIntoMention("I want to speak to a person."))
        #expect(!matcher.couldTurnIntoMention("Help me with my bill."))  // already the whole mention
        #expect(!matcher.couldTurnIntoMention(""))
    }

    @Test("a transcript with no keyword is nothing")
    func nothing() throws {
        #expect(try decide("What time do you open on Sundays?").kind == .nothing)
        #expect(try decide("").kind == .nothing)
    }

    @Test("contractions are opened and punctuation splits clauses before matching, but a last 'please' stays with its clause")
    func normalisation() throws {
        let matcher = try #require(try Self.shipped.get())
        #expect(matcher.normalizedClauses("No, I don't need help. He's fine!") == [["no"], ["i", "do", "not", "need", "help"], ["he", "is", "fine"]])
        #expect(matcher.normalizedClauses("Call 9-1-1 now") == [["call", "911", "now"]])
        #expect(matcher.normalizedClauses("Help help me, please please") == [["help", "me", "please"]])
        #expect(matcher.normalizedClauses("Please, call them. Please.") == [["please"], ["call", "them", "please"]])
        #expect(matcher.normalizedClauses("Operator, please, now") == [["operator", "please"], ["now"]])
    }

    @Test("a word said twice without a comma is heard once: the bare request is still a request, a repeated mention still a mention",
          arguments: [("Help help", PhraseDecision.Kind.distress), ("Operator operator", .person), ("Agent Agent", .person),
                      ("Person person.", .person), ("Police police!", .distress), ("The the police station is near", .mention),
                      ("I don't don't need help", .negated)])
    func repeatedWords(transcript: String, kind: PhraseDecision.Kind) throws {
        let decision = try decide(transcript)
        #expect(decision.kind == kind, "\(transcript) → \(decision)")
    }

    // MARK: - Rules refused at load, with their line

    let header = keywordsFileModelLines + """
        keywords:
          distress:
            help: 1e-20
        matcher:
          person:
            - speak ... person

        """

    func error(_ matcherLines: String) -> SpeechSetupError? { keywordsFileError(header + matcherLines) }

    @Test("a pattern that starts with '...' is refused with its file and line")
    func gapFirst() {
        #expect(error("  distress:\n    - ... help me\n")?.description
                == "keywords.yaml:12: distress pattern '... help me': '...' must stand between two words")
    }

    @Test("broken brackets, empty alternatives and contractions in patterns are refused at their line")
    func badWords() {
        #expect(error("  distress:\n    - help\n    - \"[please help\"\n")?.line == 13)
        #expect(error("  distress:\n    - help\n    - \"[please help\"\n")?.reason.contains("optional word is written [word]") == true)
        #expect(error("  distress:\n    - help\n    - [please]\n")?.reason.contains("must be quoted") == true)
        #expect(error("  distress:\n    - call||get police\n")?.reason.contains("empty alternative") == true)
        #expect(error("  distress:\n    - don't hurt me\n")?.reason.contains("write 'do not'") == true)
        #expect(error("  distress:\n    - \"[please]\"\n")?.reason.contains("at least one word that is not optional") == true)
    }

    @Test("a pattern listed twice names the earlier line; an unknown matcher key names the expected ones")
    func duplicatesAndUnknownKeys() {
        let duplicate = error("  distress:\n    - help me\n    - help  me\n")
        #expect(duplicate?.line == 13)
        #expect(duplicate?.reason == "distress pattern 'help me' is already listed on line 12")
        let unknown = error("  distress:\n    - help me\n  requests:\n    - help\n")
        #expect(unknown?.line == 13)
        #expect(unknown?.reason.hasPrefix("unknown matcher key 'requests'") == true)
    }

    @Test("a matcher without distress patterns is refused")
    func needsDistress() {
        #expect(error("")?.reason == "matcher has no distress patterns")
    }

    @Test("the shipped English rules load, and the languages without a model have no matcher")
    func shippedRules() throws {
        let matcher = try #require(try Self.shipped.get())
        #expect(matcher.rules.contains { $0.intent == .mention })
        #expect(matcher.negations.contains("not"))
        #expect(matcher.keywords.contains("police") && !matcher.keywords.contains("balance"))
        for language in ["uk", "tr"] {
            #expect(try PhraseMatcher.load(file: RenderedSpeech.promptsDirectory + "/\(language)/keywords.yaml") == nil)
        }
    }
}

@Suite("Second pass on a sentence cut mid-speech")
struct CutSentenceTests {
    @Test("a request read at a cut waits for what follows when it ends the transcript or could become a mention; one with words after it, or a finished cry, counts",
          arguments: [("Can you help me", true), ("No emergency, just attacking my", true), ("I think he is hurting me", true),
                      ("Help me, he is", false), ("Help me!", false), ("Someone is hurting me and he", false),
                      ("The police station is", false), ("What time do you open", false)])
    func cutMayChange(transcript: String, waits: Bool) throws {
        let matcher = try #require(try PhraseMatcherTests.shipped.get())
        let decision = matcher.decide(transcript)
        #expect(KeywordSpotter.cutMayChange(decision, transcript, matcher) == waits, "\(transcript) → \(decision)")
    }
}
