import Testing
@testable import WarmlineDSP

@Suite("Pitch tracker")
struct PitchTrackerTests {
    static func harmonic(_ f0: Double, ms: Double) -> [Int16] {
        TestSignals.tones([(f0, -20), (2 * f0, -23), (3 * f0, -26), (4 * f0, -30)], ms: ms)
    }

    @Test("a harmonic voice-like tone reads its fundamental", arguments: [85.0, 150.0, 220.0, 330.0])
    func pitch(f0: Double) {
        var tracker = PitchTracker()
        let frames = tracker.process(Self.harmonic(f0, ms: 400)).dropFirst(3)
        for frame in frames {
            let pitch = frame.pitchHz ?? 0
            #expect(abs(pitch - f0) < f0 * 0.01, "read \(pitch) Hz for \(f0) Hz")
            #expect(frame.periodicity > 0.8)
            #expect(abs(frame.loudnessDBm0 - LevelMeter.levelDBm0(Self.harmonic(f0, ms: 400))) < 1.5)
        }
    }

    @Test("silence and white noise have no pitch; silence loudness is the finite floor")
    func unvoiced() {
        var tracker = PitchTracker()
        let silent = tracker.process(TestSignals.silence(ms: 200))
        #expect(silent.allSatisfy { $0.pitchHz == nil && $0.loudnessDBm0 == LevelMeter.silenceFloorDBm0 })
        let noisy = tracker.process(TestSignals.noise(ms: 1000, levelDBm0: -20, seed: 2)).dropFirst(3)
        #expect(Double(noisy.filter { $0.pitchHz != nil }.count) <= Double(noisy.count) * 0.1)
    }
}
