import Testing
@testable import WarmlineDSP

@Suite("Call-progress tones")
struct CallProgressDetectorTests {
    /// `cycles` repetitions of a tone's cadence (or `continuousMs` of it) at -15 dBm0 per component, in light noise.
    static func render(_ tone: TonePlan.Tone, cycles: Int = 3, continuousMs: Double = 3000) -> [Int16] {
        let components = tone.frequenciesHz.map { ($0, -15.0) }
        var audio = TestSignals.silence(ms: 200)
        if tone.isContinuous {
            audio += TestSignals.tones(components, ms: continuousMs)
        } else {
            for _ in 0..<cycles {
                for (i, ms) in tone.cadenceMs.enumerated() {
                    audio += i % 2 == 0 ? TestSignals.tones(components, ms: Double(ms)) : TestSignals.silence(ms: Double(ms))
                }
            }
        }
        audio += TestSignals.silence(ms: 6000)
        return TestSignals.mix(audio, TestSignals.noise(ms: Double(audio.count) / 8, levelDBm0: -50, seed: 11))
    }

    @Test("every tone of every built-in plan is recognised as itself, then ends", arguments: TonePlan.builtIn)
    func everyPlan(plan: TonePlan) {
        for tone in plan.tones {
            var detector = CallProgressDetector(plan: plan)
            let events = detector.process(Self.render(tone, cycles: tone.kind == .ringback ? 2 : 3))
            let detected = events.filter { $0.kind == .detected }.map(\.tone)
            #expect(detected == [tone.kind], "\(plan.name) \(tone.kind): \(events)")
            #expect(events.last?.kind == .ended && events.last?.tone == tone.kind, "\(plan.name) \(tone.kind) end")
            if let first = events.first {
                #expect(abs(first.startFrame - 1600) <= 240, "\(plan.name) \(tone.kind) starts at \(first.startFrame)")
            }
        }
    }

    @Test("busy is recognised within two cadence cycles, so a far-end hang-up is seen fast")
    func busyLatency() throws {
        let plan = TonePlan.nanp
        var detector = CallProgressDetector(plan: plan)
        let events = detector.process(Self.render(try #require(plan.tone(.busy))))
        let busy = try #require(events.first { $0.tone == .busy })
        #expect(busy.frame - 1600 <= 8 * 1600)
    }

    @Test("DTMF digits and speech-like sound are not call-progress tones")
    func noFalseTones() throws {
        let digits = try DTMFGenerator(toneMs: 100, pauseMs: 100).dial("0123456789")
        for plan in TonePlan.builtIn {
            var detector = CallProgressDetector(plan: plan)
            #expect(detector.process(digits + TestSignals.voicedSyllables(count: 8)).isEmpty, "\(plan.name)")
        }
    }

    @Test("plans are found by their configuration names")
    func namedPlans() {
        #expect(TonePlan.named("UK") == .uk)
        #expect(TonePlan.named("tr")?.tone(.dialTone)?.frequenciesHz == [450])
        #expect(TonePlan.named("xx") == nil)
        #expect(TonePlan.builtIn.allSatisfy { plan in CallProgressTone.allCases.allSatisfy { plan.tone($0) != nil } })
    }
}

@Suite("Call-progress chunking")
struct CallProgressChunkingTests {
    @Test("the same audio gives the same call-progress events whatever the chunking")
    func chunking() throws {
        let plan = TonePlan.uk
        let audio = CallProgressDetectorTests.render(try #require(plan.tone(.ringback)), cycles: 2)
            + CallProgressDetectorTests.render(try #require(plan.tone(.busy)))
        var whole = CallProgressDetector(plan: plan)
        let expected = whole.process(audio)
        #expect(expected.filter { $0.kind == .detected }.map(\.tone) == [.ringback, .busy])
        for seed in 1...4 {
            var detector = CallProgressDetector(plan: plan)
            var events: [CallProgressEvent] = []
            TestSignals.chunked(audio, seed: UInt64(seed), maxChunk: 500) { events += detector.process($0) }
            #expect(events == expected, "chunking seed \(seed)")
        }
    }
}
