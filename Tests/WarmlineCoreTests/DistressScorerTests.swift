import Testing
@testable import WarmlineCore

@Suite("Distress scorer")
struct DistressScorerTests {
    private func scorer() -> DistressScorer { DistressScorer(config: DistressConfig(), framesPerSecond: 8000) }

    @Test("Four digits within 1.5 s fire key mashing once; four spread over 3 s do not")
    func keyMashing() {
        var fast = scorer()
        let fired = [0, 3000, 6000, 9000, 9500].flatMap { fast.observeDigit(atFrame: $0) }
        #expect(fired.map(\.signal) == [.keyMashing])
        #expect(fired.first?.value == "4 digits in 1500 ms")
        var slow = scorer()
        #expect([0, 8000, 16_000, 24_000].flatMap { slow.observeDigit(atFrame: $0) }.isEmpty)
    }

    @Test("Raised voice is measured against the caller's own first seconds, not an absolute level")
    func raisedVoiceAgainstBaseline() {
        var quietCaller = scorer()
        for (frame, loudness) in [(0, -40.0), (8000, -41.0), (16_000, -39.0)] {
            #expect(quietCaller.observeVoice(VoiceFeatures(loudnessDB: loudness, pitchHz: nil), atFrame: frame).isEmpty)
        }
        let fired = quietCaller.observeVoice(VoiceFeatures(loudnessDB: -28, pitchHz: nil), atFrame: 40_000)
        #expect(fired.map(\.signal) == [.raisedVoice])
        var loudCaller = scorer()
        for (frame, loudness) in [(0, -20.0), (8000, -21.0), (16_000, -19.0)] {
            _ = loudCaller.observeVoice(VoiceFeatures(loudnessDB: loudness, pitchHz: nil), atFrame: frame)
        }
        #expect(loudCaller.observeVoice(VoiceFeatures(loudnessDB: -14, pitchHz: nil), atFrame: 40_000).isEmpty)
    }

    @Test("Night hours wrap past midnight in the unit's local time")
    func nightHours() {
        // 1_795_000_000 is 11:06 UTC; at UTC+14 it is 01:06 local: night
        let context = CallContext(callID: "c", callerID: nil,
                                  startedAt: WallTime(secondsSinceEpoch: 1_795_000_000, utcOffsetSeconds: 14 * 3600))
        var night = scorer()
        #expect(night.observeCallStart(context).map(\.signal) == [.nightHours])
        var day = scorer()
        var daytime = context
        daytime.startedAt.zone = .fixed(offsetSeconds: 0)
        #expect(day.observeCallStart(daytime).isEmpty)
    }

    @Test("Each signal counts once, and the score crosses the threshold only with enough evidence")
    func scoreAddsUp() {
        var score = scorer()
        _ = score.observeInvalidInput()
        #expect(score.observeInvalidInput().map(\.weight) == [0.3])
        #expect(score.observeInvalidInput().isEmpty)
        #expect(!score.isOverThreshold)
        let hit = KeywordHit(phrase: "help", keywordClass: .distress, confidence: 0.7)
        #expect(score.observeDistressKeyword(hit).first?.scoreAfter == 1.3)
        #expect(score.isOverThreshold)
        #expect(score.reasonPhrases == ["repeated invalid input", "said 'help'"])
    }
}
