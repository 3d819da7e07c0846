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
