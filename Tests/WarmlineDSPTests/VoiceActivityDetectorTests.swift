import Testing
@testable import WarmlineDSP

@Suite("Voice activity detector")
struct VoiceActivityDetectorTests {
    static let noiseFloor = TestSignals.noise(ms: 1000, levelDBm0: -50, seed: 5)

    @Test("speech-like voiced syllables over a quiet line are speech")
    func speechIsSpeech() {
        var vad = VoiceActivityDetector()
        let speech = TestSignals.voicedSyllables(count: 10, levelDBm0: -20)
        let audio = TestSignals.mix(Self.noiseFloor + speech, TestSignals.noise(ms: 4000, levelDBm0: -50, seed: 6))
        let decisions = vad.process(audio)
        let during = decisions.filter { $0.startFrame >= 8000 && $0.startFrame < 8000 + speech.count }
        let speechShare = Double(during.filter(\.isSpeech).count) / Double(during.count)
        #expect(speechShare > 0.6, "speech share \(speechShare)")
        #expect(decisions.filter { $0.startFrame < 8000 && $0.startFrame > 1600 }.allSatisfy { !$0.isSpeech })
    }

    @Test("DTMF digits and a dial tone are not speech (at most each burst's onset frame)")
    func tonesAreNotSpeech() throws {
        var vad = VoiceActivityDetector()
        let digits = try DTMFGenerator(lowLevelDBm0: -10, toneMs: 150, pauseMs: 150).dial("159#")
        let dial = TestSignals.tones([(350, -13), (440, -13)], ms: 1500)
        let audio = TestSignals.mix(Self.noiseFloor + digits + dial, TestSignals.noise(ms: 4000, levelDBm0: -50, seed: 7))
        let decisions = vad.process(audio)
        let speech = decisions.filter(\.isSpeech).count
        #expect(speech <= 5, "\(speech) of \(decisions.count) frames called speech for 5 tone bursts")
        #expect(decisions.contains { $0.isTone })
    }

    @Test("steady noise is not speech once the floor has adapted, even when it steps up")
    func noiseIsNotSpeech() {
        var vad = VoiceActivityDetector()
        let audio = TestSignals.noise(ms: 2000, levelDBm0: -45, seed: 8) + TestSignals.noise(ms: 4000, levelDBm0: -30, seed: 9)
        let late = vad.process(audio).filter { $0.startFrame >= 8 * 4500 }
        #expect(late.allSatisfy { !$0.isSpeech })
    }

    /// Eight two-syllable words at -20 dBm0 with 300 ms pauses between them, after 1 s of line alone.
    static func utteranceWithPauses() -> (audio: [Int16], pauses: [Range<Int>]) {
        var words: [Int16] = []
        var pauses: [Range<Int>] = []
        for word in 0..<8 {
            words += TestSignals.voicedSyllables(count: 2, levelDBm0: -20)
            if word < 7 {
                pauses.append((8000 + words.count)..<(8000 + words.count + 2400))
                words += TestSignals.silence(ms: 300)
            }
        }
        return (TestSignals.silence(ms: 1000) + words + TestSignals.silence(ms: 3000), pauses)
    }

    @Test("at 0 dB SNR in white noise an utterance is held across its pauses, and the noise alone is not speech")
    func lowSNRHoldsUtterance() {
        let (speech, pauses) = Self.utteranceWithPauses()
        let speechEnd = speech.count - 3000 * 8
        for (noiseDBm0, heldInPauses) in [(-20.0, true), (-50.0, false)] {
            var vad = VoiceActivityDetector()
            let decisions = vad.process(TestSignals.mix(speech, TestSignals.noise(ms: Double(speech.count) / 8, levelDBm0: noiseDBm0, seed: 11)))
            let inWords = decisions.filter { d in d.startFrame >= 8000 && d.startFrame < speechEnd && !pauses.contains { $0.contains(d.startFrame) } }
            let inPauses = decisions.filter { d in pauses.contains { $0.contains(d.startFrame) } }
            let noiseAlone = decisions.filter { $0.startFrame >= speechEnd + 8000 }
            let wordShare = Double(inWords.filter(\.isSpeech).count) / Double(inWords.count)
            let pauseShare = Double(inPauses.filter(\.isSpeech).count) / Double(inPauses.count)
            #expect(wordShare > 0.9, "noise \(noiseDBm0) dBm0: word share \(wordShare)")
            // A quiet line ends speech in a 300 ms pause; a line at 0 dB SNR hides word edges, so it holds on.
            #expect(heldInPauses ? pauseShare > 0.9 : pauseShare < 0.5, "noise \(noiseDBm0) dBm0: pause share \(pauseShare)")
            #expect(noiseAlone.allSatisfy { !$0.isSpeech }, "noise \(noiseDBm0) dBm0: noise alone called speech")
        }
    }

    @Test("after an utterance at 0 dB SNR, DTMF digits and a dial tone are not speech (at most each burst's onset frame)")
    func tonesAtLowSNRAreNotSpeech() throws {
        let (speech, _) = Self.utteranceWithPauses()
        let digits = try DTMFGenerator(lowLevelDBm0: -10, toneMs: 150, pauseMs: 500).dial("5#")
        let dial = TestSignals.tones([(350, -13), (440, -13)], ms: 1500)
        let audio = speech + digits + dial
        let bursts = [0..<1200, 5200..<6400, 10400..<(10400 + dial.count)].map { (speech.count + $0.lowerBound)..<(speech.count + $0.upperBound) }
        var vad = VoiceActivityDetector()
        let decisions = vad.process(TestSignals.mix(audio, TestSignals.noise(ms: Double(audio.count) / 8, levelDBm0: -20, seed: 12)))
        let inTones = decisions.filter { d in bursts.contains { $0.contains(d.startFrame) } }
        let speechFrames = inTones.filter(\.isSpeech).count
        #expect(speechFrames <= bursts.count, "\(speechFrames) of \(inTones.count) tone frames called speech")
        #expect(inTones.filter(\.isTone).count > inTones.count * 9 / 10)
    }

    @Test("decisions come every 10 or 20 ms at absolute offsets, whatever the chunking")
    func framingAndChunking() {
        let audio = Self.noiseFloor + TestSignals.voicedSyllables(count: 4)
        for frameMs in [10, 20] {
            var config = VoiceActivityDetector.Configuration()
            config.frameMs = frameMs
            var whole = VoiceActivityDetector(configuration: config)
            let expected = whole.process(audio)
            #expect(expected.count == audio.count / (frameMs * 8))
            #expect(expected.enumerated().allSatisfy { $0.element.startFrame == $0.offset * frameMs * 8 })
            var chunkedVAD = VoiceActivityDetector(configuration: config)
            var decisions: [VoiceActivityDetector.Decision] = []
            TestSignals.chunked(audio, seed: 4, maxChunk: 333) { decisions += chunkedVAD.process($0) }
            #expect(decisions == expected)
        }
    }

    @Test("digital silence and full-scale square waves give finite levels")
    func finiteLevels() {
        var vad = VoiceActivityDetector()
        let square = (0..<8000).map { i -> Int16 in (i / 4) % 2 == 0 ? .max : .min }
        let decisions = vad.process(TestSignals.silence(ms: 500) + square)
        #expect(decisions.allSatisfy { $0.levelDBm0.isFinite })
        #expect(decisions.prefix(20).allSatisfy { !$0.isSpeech && $0.levelDBm0 == LevelMeter.silenceFloorDBm0 })
    }
}
