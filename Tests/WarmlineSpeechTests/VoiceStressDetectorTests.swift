import Testing
import WarmlineDSP
@testable import WarmlineSpeech

@Suite("Voice stress")
struct VoiceStressDetectorTests {
    let calmText = "hello, I am calling about my phone, it stopped working yesterday and I would like some advice please"
    let laterText = "I have tried everything and it still does not work at all, I need this fixed right now"

    /// espeak-ng at amplitude `amplitude` (0-200) and pitch `pitch` (0-99).
    func speech(_ text: String, amplitude: Int, pitch: Int) throws -> [Int16] {
        try RenderedSpeech.render(text, engine: .espeak(["-v", "en-us", "-a", "\(amplitude)", "-p", "\(pitch)", "-s", "165"]))
    }

    func stress(in samples: [Int16]) -> [VoiceStressDetector.VoiceStress] {
        var detector = VoiceStressDetector()
        var vad = VoiceActivityDetector()
        var found: [VoiceStressDetector.VoiceStress] = []
        var start = 0
        while start < samples.count {
            let chunk = Array(samples[start..<min(samples.count, start + 160)])
            for event in detector.process(chunk, isSpeech: vad.process(chunk).contains(where: \.isSpeech)) {
                if case .stress(let signal) = event { found.append(signal) }
            }
            start += 160
        }
        return found
    }

    @Test("shouting sustained after a calm start fires with its loudness rise over the baseline")
    func shoutingAfterCalm() throws {
        let calm = try speech(calmText, amplitude: 25, pitch: 40)
        let shouted = try speech(laterText, amplitude: 200, pitch: 70)
        let found = stress(in: calm + shouted)
        let first = try #require(found.first)
        #expect(first.cause == .shouting)
        #expect(first.loudnessRiseDB >= 10)
        #expect(first.segment.startFrame >= calm.count - 1600)
    }

    @Test("a voice loud from the first word does not fire: the line's level is the baseline")
    func uniformlyLoud() throws {
        let samples = try speech(calmText, amplitude: 200, pitch: 45) + speech(laterText, amplitude: 200, pitch: 45)
        #expect(stress(in: samples).isEmpty)
    }

    @Test("a naturally high voice does not fire: its own pitch is the baseline")
    func naturallyHigh() throws {
        let samples = try speech(calmText, amplitude: 80, pitch: 95) + speech(laterText, amplitude: 80, pitch: 95)
        #expect(stress(in: samples).isEmpty)
    }

    @Test("stretches carry median loudness and pitch the engine takes as CallInput.voice")
    func segmentsForTheEngine() throws {
        var detector = VoiceStressDetector()
        var vad = VoiceActivityDetector()
        let samples = try speech(calmText, amplitude: 80, pitch: 40)
        var segments: [VoiceStressDetector.VoiceSegment] = []
        var start = 0
        while start < samples.count {
            let chunk = Array(samples[start..<min(samples.count, start + 160)])
            for case .segment(let segment) in detector.process(chunk, isSpeech: vad.process(chunk).contains(where: \.isSpeech)) {
                segments.append(segment)
            }
            start += 160
        }
        #expect(segments.count >= 2)
        #expect(segments.allSatisfy { ($0.features.pitchHz ?? 0) > 60 && ($0.features.pitchHz ?? 0) < 250 })
        #expect(detector.baseline != nil)
    }
}
