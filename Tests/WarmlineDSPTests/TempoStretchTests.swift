import Testing
@testable import WarmlineDSP

@Suite("Tempo stretch (WSOLA)")
struct TempoStretchTests {
    static let voice = PitchTrackerTests.harmonic(150, ms: 2000)

    @Test("a harmonic tone comes out the stretch's times as long at the same pitch and level", arguments: [1.1, 0.9, 1.25])
    func durationChangesPitchStays(stretch: Double) {
        let out = TempoStretch(stretch: stretch).apply(Self.voice)
        let ratio = Double(out.count) / Double(Self.voice.count)
        #expect(abs(ratio - stretch) < 0.03, "length ratio \(ratio) for \(stretch)")
        var tracker = PitchTracker()
        let frames = tracker.process(out).dropFirst(3).dropLast(3)
        #expect(!frames.isEmpty)
        for frame in frames {
            let pitch = frame.pitchHz ?? 0
            #expect(abs(pitch - 150) < 3, "read \(pitch) Hz after a \(stretch) stretch")
        }
        let inLevel = LevelMeter.levelDBm0(Self.voice), outLevel = LevelMeter.levelDBm0(Array(out.dropFirst(400).dropLast(400)))
        #expect(abs(inLevel - outLevel) < 1, "level \(inLevel) dBm0 in, \(outLevel) out")
    }

    @Test("syllables keep their order and count: a stretch moves their onsets by its ratio")
    func syllablesKeepTheirPlaces() {
        let syllables = TestSignals.voicedSyllables(count: 6)
        let out = TempoStretch(stretch: 1.2).apply(syllables)
        func onsets(_ samples: [Int16]) -> [Int] {
            let frame = 80
            let loud = stride(from: 0, to: samples.count - frame, by: frame).map { start in
                samples[start..<(start + frame)].reduce(0) { $0 + Int($1) * Int($1) } / frame > 1000 * 1000 / 4
            }
            return loud.indices.filter { $0 > 0 && loud[$0] && !loud[$0 - 1] }.map { $0 * frame }
        }
        let before = onsets(syllables), after = onsets(out)
        #expect(before.count == 6 && after.count == 6, "onsets \(before) then \(after)")
        for (b, a) in zip(before, after).dropFirst() {
            let ratio = Double(a - after[0]) / Double(b - before[0])
            #expect(abs(ratio - 1.2) < 0.05, "onset \(b) moved to \(a)")
        }
    }

    @Test("input under two frames, a zero or non-finite stretch come back unchanged")
    func degenerateInput() {
        let short = Array(Self.voice.prefix(500))
        #expect(TempoStretch(stretch: 1.1).apply(short) == short)
        #expect(TempoStretch(stretch: 0).apply(Self.voice) == Self.voice)
        #expect(TempoStretch(stretch: .nan).apply(Self.voice) == Self.voice)
        #expect(TempoStretch(stretch: 1.1).apply([]) == [])
    }
}
