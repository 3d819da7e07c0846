import Foundation
import Testing
import WarmlineCore
@testable import WarmlineSpeech

/// The two passes on rendered speech with the real Moonshine model: PocketSphinx flags candidates, the transcript decides.
extension RecognizerTests {
/// Nested in the recogniser's serialized suite: one Moonshine worker at a time on a 2-core test machine.
@Suite("Two passes: PocketSphinx candidates, Moonshine transcripts", .serialized)
struct SecondPassTests {
    static let keywords = Result { try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml") }

    /// A list whose sure cut is out of reach, so every distress and person decision waits for the transcript.
    static func transcriptDecides() throws -> KeywordList {
        var list = try keywords.get()
        list.secondPass.sureMargin = 5000
        // a loaded test machine decodes slowly: a timeout here would test the fallback, not the transcript
        list.secondPass.timeoutMs = 30_000
        return list
    }

    /// The keywords with first-pass candidates only at the phrases' own tuned cuts: a neutral sentence is read only as a
    /// whole sentence.
    static func wholeSentencesOnly() throws -> KeywordList {
        var list = try transcriptDecides()
        list.secondPass.candidateThresholds = [.distress: 1, .person: 1]
        return list
    }

    /// A voice 30 dB under a caller speaking at the rendered level: the room behind them.
    static func behindTheCaller(_ samples: [Int16]) -> [Int16] {
        samples.map { Int16(Double($0) * 0.0316) }
    }

    /// `samples` scaled so that their loudest 60 ms is `db` under `caller`'s (another engine renders at another level).
    static func under(_ caller: [Int16], by db: Double, _ samples: [Int16]) -> [Int16] {
        func loudest(_ audio: [Int16]) -> Double {
            stride(from: 0, to: max(1, audio.count - 480), by: 160).map { start in
                audio[start..<min(audio.count, start + 480)].reduce(0.0) { $0 + Double($1) * Double($1) }
            }.max() ?? 1
        }
        let gain = (loudest(caller) / max(1, loudest(samples))).squareRoot() * pow(10, -db / 20)
        return samples.map { Int16(clamping: Int((Double($0) * gain).rounded())) }
    }

    /// Reads of a sentence with no keyword in it: at the early look, and again at its end.
    static let plainReads = 2

    /// One second of digital silence on the line: the caller's sentence ends.
    static let second = [Int16](repeating: 0, count: 8000)

    /// A spotter that has heard `caller`'s sentence (with the VAD's decisions) and a second of silence after it.
    static func spotter(after caller: [Int16], list: KeywordList, recognizer: Recognizer) throws -> KeywordSpotter {
        let spotter = try KeywordSpotter(keywords: list, recognizer: recognizer)
        for period in RenderedSpeech.periods(caller + second) { _ = spotter.process(period.samples, isSpeech: period.isSpeech) }
        return spotter
    }

    /// Feeds a quiet sentence the VAD takes for speech all through, then a second of silence that ends it.
    static func feedQuietSentence(_ quiet: [Int16], to spotter: KeywordSpotter) {
        feed(quiet, to: spotter, isSpeech: true)
        feed(second, to: spotter, isSpeech: false)
    }

    /// Feeds `samples` in 20 ms chunks with one VAD decision for all of them (a VAD fooled by voices behind the caller).
    static func feed(_ samples: [Int16], to spotter: KeywordSpotter, isSpeech: Bool) {
        for start in stride(from: 0, to: samples.count, by: 160) {
            _ = spotter.process(Array(samples[start..<min(samples.count, start + 160)]), isSpeech: isSpeech)
        }
    }

    /// How much earlier than `speechEnd` the spotter's pause may start (100 ms): the line falls 20 dB under the caller's
    /// loudest while the last word fades, before its last faint sample.
    static let fadeFrames = 800

    /// The frame after the rendered speech's last sample over 1 % of its peak: where the caller stops (the VAD's
    /// decision runs on a little, over its hangover).
    static func speechEnd(_ audio: [Int16]) -> Int {
        let peak = audio.map { abs(Int($0)) }.max() ?? 0
        return (audio.lastIndex { abs(Int($0)) * 100 > peak } ?? audio.count - 1) + 1
    }

    /// Feeds `sentence` (flite slt) and a second of line silence to `spotter`, requires one distress decision, and
    /// checks it came at the early look: after `early_ms` of the pause, before the sentence's 500 ms end, on one read.
    static func distressAtTheEarlyLook(_ sentence: String, spotter: KeywordSpotter, list: KeywordList) throws -> SpottedKeyword {
        let audio = try RenderedSpeech.render(sentence, engine: .flite("slt"))
        let periods = RenderedSpeech.periods(audio + [Int16](repeating: 0, count: 8000))
        var hits: [SpottedKeyword] = []
        for period in periods { hits += spotter.process(period.samples, isSpeech: period.isSpeech) }
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress }, "\(spotter.rejected.map(\.verdict))")
        let pauseFrames = distress.decidedAtFrame - speechEnd(audio)
        #expect(pauseFrames >= list.secondPass.earlyMs * 8 - fadeFrames && pauseFrames < 4000 - fadeFrames, "decided \(pauseFrames / 8) ms into the pause")
        #expect(spotter.transcriptions == 1)
        return distress
    }

    @Test("a request is decided by the transcript: distress, with what the caller said for the whisper")
    func requestDecidedByTranscript() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let spotter = try KeywordSpotter(keywords: Self.transcriptDecides(), recognizer: recognizer)
        #expect(spotter.isTwoPass)
        let audio = try RenderedSpeech.render("please call the police now", engine: .flite("slt"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress }, "rejected: \(spotter.rejected.map(\.verdict))")
        #expect(distress.hit.transcript?.lowercased().contains("police") == true, "\(distress.verdict ?? "")")
        #expect(distress.verdict?.hasPrefix("transcript: distress") == true)
        #expect(distress.recognizerMs != nil)
        #expect(distress.hit.spokenSummary.hasPrefix("caller said: '"))
        #expect(hits.filter { $0.hit.keywordClass == .distress }.count == 1)
    }

    @Test("a mention and a negation fire first-pass candidates but no hit: the transcript turns them down",
          arguments: ["the police station is near the market", "no thanks I do not need any help"])
    func mentionTurnedDown(_ sentence: String) throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let spotter = try KeywordSpotter(keywords: Self.transcriptDecides(), recognizer: recognizer)
        let audio = try RenderedSpeech.render(sentence, engine: .flite("kal"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        #expect(!hits.contains { $0.hit.keywordClass != .menu }, "\(hits.map(\.verdict))")
        // the loose first pass did fire on it, and the transcript is why nothing counted
        let turned = try #require(spotter.rejected.first, "no candidate fired on '\(sentence)'")
        #expect(turned.confirmedBy != nil, "\(turned.verdict ?? "")")
        // the matcher's reading of the transcript: a mention, a negated request, or no keyword at all
        let verdict = turned.verdict ?? ""
        #expect(verdict.hasPrefix("mention only") || verdict.hasPrefix("not a request") || verdict.hasPrefix("no keyword"),
                "\(verdict) / \(turned.confirmedBy ?? "")")
        // PocketSphinx alone at its tuned cuts is what the second pass saves the caller from (or at least no better)
        let alone = try KeywordSpotter(keywords: Self.keywords.get())
        let aloneHits = RenderedSpeech.spot(audio, with: alone).filter { $0.hit.keywordClass != .menu }
        #expect(aloneHits.count >= hits.filter { $0.hit.keywordClass != .menu }.count)
    }

    @Test("a pause reads the sentence early: a request is decided before the sentence's end; a mention is read once, a sentence with no keyword again at its end")
    func earlyLook() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let list = try Self.transcriptDecides()
        // the request, then a second of line silence: decided at the early look, not at the 500 ms end of the sentence
        let spotter = try KeywordSpotter(keywords: list, recognizer: recognizer)
        _ = try Self.distressAtTheEarlyLook("someone is hurting me", spotter: spotter, list: list)
        // no request: the early look's transcript is not thrown away; the sentence's end decides on it without a second read
        let quiet = try KeywordSpotter(keywords: list, recognizer: recognizer)
        let neutral = try RenderedSpeech.render("the police station is near the market", engine: .flite("kal"))
        let neutralHits = RenderedSpeech.spot(neutral + [Int16](repeating: 0, count: 8000), with: quiet)
        #expect(!neutralHits.contains { $0.hit.keywordClass != .menu }, "\(neutralHits.map(\.verdict))")
        #expect(try #require(quiet.rejected.first).confirmedBy != nil)
        #expect(quiet.transcriptions == 1)
        // no keyword at all: the sentence's end reads it again, with 500 ms of the pause behind its last word
        let plain = try KeywordSpotter(keywords: list, recognizer: recognizer)
        let other = try RenderedSpeech.render("the hotel is near the train station", engine: .flite("kal"))
        let otherHits = RenderedSpeech.spot(other + [Int16](repeating: 0, count: 8000), with: plain)
        #expect(!otherHits.contains { $0.hit.keywordClass != .menu }, "\(otherHits.map(\.verdict))")
        #expect(plain.transcriptions == Self.plainReads, "\(plain.rejected.map { $0.confirmedBy ?? $0.verdict })")
        // a request the caller could still turn into a mention ("can you help me" ... "with my top up") waits for the
        // sentence's end, which decides on the same transcript
        let waiting = try KeywordSpotter(keywords: list, recognizer: recognizer)
        let openAudio = try RenderedSpeech.render("can you help me", engine: .flite("slt"))
        let open = RenderedSpeech.periods(openAudio + [Int16](repeating: 0, count: 8000))
        let openEnd = Self.speechEnd(openAudio)
        var openHits: [SpottedKeyword] = []
        for period in open { openHits += waiting.process(period.samples, isSpeech: period.isSpeech) }
        let asked = try #require(openHits.first { $0.hit.keywordClass == .distress }, "\(waiting.rejected.map(\.verdict))")
        #expect(asked.decidedAtFrame - openEnd >= 4000 - Self.fadeFrames, "decided \((asked.decidedAtFrame - openEnd) / 8) ms into the pause")
        #expect(waiting.transcriptions == 1)
    }

    @Test("a caller's pause ends their sentence even over background the VAD takes for speech (other voices 30 dB under them)")
    func pauseOverBackgroundVoices() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let list = try Self.transcriptDecides()
        let spotter = try KeywordSpotter(keywords: list, recognizer: recognizer)
        let requestAudio = try RenderedSpeech.render("someone is hurting me", engine: .flite("slt"))
        let request = RenderedSpeech.periods(requestAudio)
        let lastSpeech = try #require(request.lastIndex { $0.isSpeech })
        // a television in the room: another voice, 30 dB under the caller, that a VAD hears as speech throughout
        let voices = Self.behindTheCaller(try RenderedSpeech.render("the weather will stay mild and the market opens at nine tomorrow morning",
                                                                    engine: .flite("kal")))
        var hits: [SpottedKeyword] = []
        for period in request[...lastSpeech] { hits += spotter.process(period.samples, isSpeech: period.isSpeech) }
        var readsWhenDecided: Int?
        for start in stride(from: 0, to: min(voices.count, 16_000), by: 160) where readsWhenDecided == nil {
            hits += spotter.process(Array(voices[start..<min(voices.count, start + 160)]), isSpeech: true)
            if hits.contains(where: { $0.hit.keywordClass == .distress }) { readsWhenDecided = spotter.transcriptions }
        }
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress }, "\(spotter.rejected.map(\.verdict))")
        let pauseFrames = distress.decidedAtFrame - Self.speechEnd(requestAudio)
        // the early look, as in a quiet room (without the caller's own level the sentence ran on with the voices behind)
        #expect(pauseFrames >= list.secondPass.earlyMs * 8 - Self.fadeFrames && pauseFrames < 4000 - Self.fadeFrames,
                "decided \(pauseFrames / 8) ms into the pause")
        #expect(readsWhenDecided == 1)
        #expect(distress.hit.transcript?.lowercased().contains("hurting") == true, "\(distress.verdict ?? "")")
    }

    @Test("voices far under the caller's own are not read as a sentence of theirs; the same words alone on the line are")
    func backgroundIsNotRead() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let list = try Self.wholeSentencesOnly()
        let caller = try RenderedSpeech.render("the weather will stay mild tomorrow", engine: .flite("slt"))
        let behind = Self.behindTheCaller(try RenderedSpeech.render("the market opens at nine in the morning", engine: .flite("kal")))
        let spotter = try Self.spotter(after: caller, list: list, recognizer: recognizer)
        #expect(spotter.transcriptions == Self.plainReads)
        // 30 dB under the caller, the VAD hears it as speech all through: not read
        Self.feedQuietSentence(behind, to: spotter)
        #expect(spotter.transcriptions == Self.plainReads)
        // the same quiet voice with nobody louder before it on the line is a caller, and is read
        let alone = try KeywordSpotter(keywords: list, recognizer: recognizer)
        Self.feedQuietSentence(behind, to: alone)
        #expect(alone.transcriptions == Self.plainReads)
    }

    @Test("a caller who drops to a whisper far under their last sentence is read: a whisper is never the room behind them")
    func whisperIsRead() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let list = try Self.wholeSentencesOnly()
        let caller = try RenderedSpeech.render("the weather will stay mild tomorrow", engine: .flite("slt"))
        let whisper = Self.under(caller, by: 30, try RenderedSpeech.render("please help me he is in the house", engine: .espeak(["-v", "en-us+whisperf"])))
        let voiced = Self.under(caller, by: 30, try RenderedSpeech.render("please help me he is in the house", engine: .espeak(["-v", "en-us+f3"])))
        for (quiet, isWhisper) in [(whisper, true), (voiced, false)] {
            let spotter = try Self.spotter(after: caller, list: list, recognizer: recognizer)
            // 30 dB under the caller, taken for speech all through: the whisper is read, the same words voiced are not
            Self.feedQuietSentence(quiet, to: spotter)
            #expect(isWhisper ? spotter.transcriptions > Self.plainReads : spotter.transcriptions == Self.plainReads, "whisper \(isWhisper): \(spotter.transcriptions) reads, \(spotter.rejected.map { $0.confirmedBy ?? "-" })")
        }
    }

    @Test("a new call forgets the last caller's level: the next caller's quiet first sentence is read")
    func newCallForgetsTheLastCaller() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let list = try Self.wholeSentencesOnly()
        let loud = try RenderedSpeech.render("the weather will stay mild tomorrow", engine: .flite("slt"))
        let quiet = Self.behindTheCaller(try RenderedSpeech.render("the market opens at nine in the morning", engine: .flite("kal")))
        let spotter = try Self.spotter(after: loud, list: list, recognizer: recognizer)
        #expect(spotter.transcriptions == Self.plainReads)
        spotter.startCall()
        Self.feedQuietSentence(quiet, to: spotter)
        #expect(spotter.transcriptions == 2 * Self.plainReads)
    }

    @Test("a sentence the first pass flags nothing in is still read at its pause: a request there counts by its transcript, anything else is read again at its end and turned down")
    func sentenceWithoutCandidateIsRead() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let list = try Self.wholeSentencesOnly()
        let spotter = try KeywordSpotter(keywords: list, recognizer: recognizer)
        spotter.recordsPeakScores = true
        // decided at the early look, as a flagged sentence is
        let distress = try Self.distressAtTheEarlyLook("my wife took an overdose", spotter: spotter, list: list)
        #expect(spotter.peakScores.allSatisfy { list.phrase($0.phrase)?.keywordClass == .menu }, "\(spotter.peakScores)")
        #expect(distress.verdict?.hasPrefix("transcript: distress") == true, "\(distress.verdict ?? "")")
        #expect(distress.hit.transcript?.lowercased().contains("overdose") == true)
        // a neutral sentence: read at its pause and again at its end, nothing counts, and what was heard is kept for the log
        let quiet = try KeywordSpotter(keywords: list, recognizer: recognizer)
        let neutral = try RenderedSpeech.render("the weather was lovely on the coast", engine: .flite("kal"))
        let neutralHits = RenderedSpeech.spot(neutral + [Int16](repeating: 0, count: 8000), with: quiet)
        #expect(!neutralHits.contains { $0.hit.keywordClass != .menu }, "\(neutralHits.map(\.verdict))")
        #expect(quiet.transcriptions == Self.plainReads)
        let turned = try #require(quiet.rejected.first)
        #expect(turned.hit.phrase == KeywordSpotter.wholeSentencePhrase)
        #expect(turned.confirmedBy?.lowercased().contains("weather") == true, "\(turned.confirmedBy ?? "")")
        // a click is not a sentence: nothing is read
        let click = try KeywordSpotter(keywords: list, recognizer: recognizer)
        var blip = [Int16](repeating: 0, count: 8000)
        for index in 0..<480 { blip[index] = index % 8 < 4 ? 12_000 : -12_000 }
        _ = click.process(blip, isSpeech: false)
        _ = click.process(Array(blip.prefix(480)), isSpeech: true)
        _ = click.process(blip, isSpeech: false)
        #expect(click.transcriptions == 0)
    }

    @Test("a sure first-pass hit counts at once, before any transcript")
    func sureHitDoesNotWait() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        var list = try Self.keywords.get()
        list.secondPass.sureMargin = 0
        let spotter = try KeywordSpotter(keywords: list, recognizer: recognizer)
        let audio = try RenderedSpeech.render("help me", engine: .flite("slt"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress })
        #expect(distress.verdict?.hasPrefix("first pass, sure") == true)
        #expect(distress.recognizerMs == nil)
        #expect(recognizer.statistics.sent == 0)
    }

    @Test("a line goes on when its recogniser's worker is killed mid-sentence: the first pass decides, a new worker comes back and reads the next sentence")
    func workerKilledMidSentence() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let spotter = try KeywordSpotter(keywords: Self.transcriptDecides(), recognizer: recognizer)
        let thread = KeywordSpotterThread(spotter: spotter)
        defer { thread.stop() }
        let first = try RenderedSpeech.render("please help me", engine: .flite("slt"))
        let periods = RenderedSpeech.periods(first + [Int16](repeating: 0, count: 8000))
        let pid = try #require(recognizer.statistics.workerPID)
        // the worker dies while the caller is still speaking
        for (index, period) in periods.enumerated() {
            if index == periods.count / 4 { #expect(kill(pid, SIGKILL) == 0) }
            thread.submit(period.samples, isSpeech: period.isSpeech, patient: true)
            thread.waitUntilIdle {}
        }
        let hits = thread.collect()
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress }, "\(thread.collectRejected().map(\.verdict))")
        // decided by the first pass alone while no worker ran, or by the replacement's transcript (a worker being
        // replaced queues the sentence): either way the line was not held and the request was not lost
        let verdict = distress.verdict ?? ""
        #expect(verdict.hasPrefix("first pass alone") || verdict.hasPrefix("transcript: distress") || verdict.hasPrefix("first pass, sure"),
                "\(verdict)")
        // the 5 s bound on the restart is timed by `warmline-bench speech --restarts`, not here, where every suite shares the cores
        #expect(recognizer.waitUntilSettled(timeoutMs: 60_000).isReady)
        #expect(recognizer.statistics.workerPID != pid)
        // the next sentence on the same line is read by the new worker
        let second = try RenderedSpeech.render("please call the police now", engine: .flite("slt"))
        for period in RenderedSpeech.periods(second + [Int16](repeating: 0, count: 8000)) {
            thread.submit(period.samples, isSpeech: period.isSpeech, patient: true)
            thread.waitUntilIdle {}
        }
        let next = thread.collect().first { $0.hit.keywordClass == .distress }
        #expect(next?.hit.transcript?.lowercased().contains("police") == true, "\(next?.verdict ?? "no hit")")
    }

    @Test("a busy recogniser leaves the sentence to the first pass at unheard_margin over its cut, not at the cut itself")
    func busyRecognizerNeedsTheMargin() throws {
        // no CPU share saved up: every sentence is refused as busy, at once
        let recognizer = try InstalledRecognizer.start {
            $0.maxCPUPercent = 1
            $0.cpuBurstMs = 0
        }
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render("please help me", engine: .flite("slt"))
        var strict = try Self.transcriptDecides()
        strict.secondPass.unheardMargin = 5000
        let strictSpotter = try KeywordSpotter(keywords: strict, recognizer: recognizer)
        let strictHits = RenderedSpeech.spot(audio, with: strictSpotter)
        #expect(!strictHits.contains { $0.hit.keywordClass == .distress }, "\(strictHits.map(\.verdict))")
        let turned = try #require(strictSpotter.rejected.first { $0.hit.keywordClass == .distress })
        #expect(turned.verdict?.contains("no transcript (recogniser busy") == true, "\(turned.verdict ?? "")")
        var loose = strict
        loose.secondPass.unheardMargin = -2000
        let looseHits = RenderedSpeech.spot(audio, with: try KeywordSpotter(keywords: loose, recognizer: recognizer))
        let distress = try #require(looseHits.first { $0.hit.keywordClass == .distress })
        #expect(distress.verdict?.hasPrefix("first pass alone (recogniser busy") == true, "\(distress.verdict ?? "")")
        #expect(recognizer.statistics.sent == 0)
    }

    @Test("a transcript that is one bare request word counts only when the first pass heard its class at bare_margin")
    func bareWordNeedsTheFirstPass() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render("ambulance please", engine: .flite("slt"))
        var doubting = try Self.transcriptDecides()
        doubting.secondPass.bareMargin = 5000
        let doubtingSpotter = try KeywordSpotter(keywords: doubting, recognizer: recognizer)
        let doubtingHits = RenderedSpeech.spot(audio, with: doubtingSpotter)
        #expect(!doubtingHits.contains { $0.hit.keywordClass == .distress }, "\(doubtingHits.map(\.verdict))")
        let turned = try #require(doubtingSpotter.rejected.first { $0.verdict?.contains("bare 'ambulance") == true },
                                  "\(doubtingSpotter.rejected.map { "\($0.verdict ?? "") / \($0.confirmedBy ?? "")" })")
        #expect(turned.confirmedBy?.lowercased().contains("ambulance") == true)
        var trusting = doubting
        trusting.secondPass.bareMargin = -2000
        let trustingHits = RenderedSpeech.spot(audio, with: try KeywordSpotter(keywords: trusting, recognizer: recognizer))
        let distress = try #require(trustingHits.first { $0.hit.keywordClass == .distress })
        #expect(distress.verdict?.hasPrefix("transcript: distress: 'ambulance") == true, "\(distress.verdict ?? "")")
    }

    @Test("with the model missing the spotter decides on PocketSphinx alone at the tuned cuts, and says so in the verdict")
    func missingModelFallsBack() throws {
        let missing = RecognizerModel(directory: FileManager.default.temporaryDirectory.path + "/no-such-model-\(getpid())")
        let recognizer = Recognizer(configuration: .init(model: missing))
        defer { recognizer.stop() }
        #expect(!recognizer.status.isReady)
        var list = try Self.keywords.get()
        list.secondPass.sureMargin = 5000
        let spotter = try KeywordSpotter(keywords: list, recognizer: recognizer)
        let audio = try RenderedSpeech.render("please help me", engine: .flite("slt"))
        let hits = RenderedSpeech.spot(audio, with: spotter)
        let distress = try #require(hits.first { $0.hit.keywordClass == .distress })
        #expect(distress.verdict?.hasPrefix("first pass alone") == true)
        #expect(distress.hit.transcript == nil)
        // at the tuned cuts: the same decision PocketSphinx alone makes
        let alone = RenderedSpeech.spot(audio, with: try KeywordSpotter(keywords: Self.keywords.get()))
        #expect(alone.contains { $0.hit.keywordClass == .distress })
    }
}
}

@Suite("second_pass settings in keywords.yaml")
struct SecondPassSettingsTests {
    static let head = keywordsFileModelLines + """
    keywords:
      distress:
        help: 1e-10

    """

    @Test("settings are read, and each phrase's candidate cut is its own loosened by its class's factor")
    func parsed() throws {
        let list = try KeywordList.parse(Self.head + "second_pass:\n  candidate: {distress: 1e-20}\n  sure_margin: 300\n  margin_ms: 200\n"
                                         + "  bare_margin: -50\n", file: "k.yaml")
        #expect(list.secondPass.bareMargin == -50)
        // off unless set: a bare-word transcript counts as any request
        #expect(try KeywordList.parse(Self.head, file: "k.yaml").secondPass.bareMargin == nil)
        #expect(list.secondPass.candidateThresholds == [.distress: 1e-20])
        #expect(list.secondPass.sureMargin == 300)
        #expect(list.secondPass.marginMs == 200)
        let phrase = try #require(list.phrase("help"))
        #expect(abs(list.secondPass.candidateThreshold(for: phrase) / 1e-30 - 1) < 1e-9)
        var loose = phrase
        loose.threshold = 1e-40
        #expect(list.secondPass.candidateThreshold(for: loose) == 1e-50)
    }

    @Test("bad settings are refused with file, line and reason",
          arguments: [("second_pass:\n  candidate: {menu: 1e-20}\n", 9, "not distress or person"),
                      ("second_pass:\n  margin_ms: -5\n", 9, "whole number from 0 to 2000"),
                      ("second_pass:\n  candidate: {person: 5}\n", 9, "at most 1"),
                      ("second_pass:\n  sure: 3\n", 9, "unknown key 'second_pass.sure'"),
                      ("second_pass:\n  early_ms: 50\n", 9, "whole number from 100 to 500"),
                      ("second_pass:\n  bare_margin: lots\n", 9, "second_pass.bare_margin must be a whole number")])
    func refused(_ tail: String, _ line: Int, _ reason: String) throws {
        do {
            _ = try KeywordList.parse(Self.head + tail, file: "k.yaml")
            Issue.record("accepted: \(tail)")
        } catch {
            #expect(error.description.contains("k.yaml:\(line)"), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }
}
