import Testing
import WarmlineDSP
@testable import WarmlineCore

@Suite("Call engine properties")
struct CallEnginePropertyTests {
    static let digits: [Character] = Array("0123456789*#")
    static let phrases = ["help", "person", "balance", "day pass", "menu", "banana", "operator", "police"]

    /// A random call: random context, network and caller events.
    static func randomScript(_ rng: inout SplitMix64) -> CallScript {
        var script = CallScript()
        let languageSets = [["en"], ["uk"], ["en", "uk"], ["en", "uk", "tr"], ["tr", "en"]]
        script.languages = languageSets.randomElement(using: &rng) ?? ["en"]
        script.context.balance = [Balance.known(minorUnits: 0), .known(minorUnits: 500), .stale(minorUnits: 0),
                                  .unknown].randomElement(using: &rng) ?? .unknown
        script.context.callerID = Bool.random(using: &rng) ? "+3805012345\(Int.random(in: 10...99, using: &rng))" : nil
        if Bool.random(using: &rng) {
            script.context.lastDayPassGrantedAt = script.context.startedAt.adding(seconds: -Int64.random(in: 0...(14 * 86_400), using: &rng))
        }
        let targetCount = Int.random(in: 0...3, using: &rng)
        script.config.handoff.targets = (0..<targetCount).map { HandoffTarget(name: "t\($0)", dial: "20\($0)") }
        let behaviours: [FakeTarget] = [.answers(afterMs: 2000), .answers(afterMs: 30_000), .answersByVoice(afterMs: 4000),
                                        .hangsUpDuringWhisper, .busy, .reorder, .noAnswer,
                                        .noDialTone]
        script.targets = (0..<targetCount).map { _ in behaviours.randomElement(using: &rng) ?? .noAnswer }
        script.promptMs = Int.random(in: 300...5000, using: &rng)
        script.playerReportsEnd = Int.random(in: 0..<10, using: &rng) > 0
        let eventCount = Int.random(in: 0...30, using: &rng)
        script.caller = (0..<eventCount).map { _ in
            (ms: Int.random(in: 0...120_000, using: &rng), input: randomInput(&rng))
        }.sorted { $0.ms < $1.ms }
        script.endMs = 600_000
        return script
    }

    static func randomInput(_ rng: inout SplitMix64) -> CallInput {
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<50: return .digit(digits.randomElement(using: &rng) ?? "1")
        case 50..<60: return .speechStarted
        case 60..<68: return .speechStopped
        case 68..<78:
            return .keyword(KeywordHit(phrase: phrases.randomElement(using: &rng) ?? "menu",
                                       keywordClass: KeywordHit.Class.allCases.randomElement(using: &rng) ?? .menu,
                                       confidence: Double.random(in: 0...1, using: &rng)))
        case 78..<90:
            return .voice(VoiceFeatures(loudnessDB: Double.random(in: -50 ... -5, using: &rng),
                                        pitchHz: Bool.random(using: &rng) ? Double.random(in: 80...400, using: &rng) : nil))
        case 90..<96: return .tone(ToneKind.allCases.randomElement(using: &rng) ?? .silence)
        case 96..<98: return .board(.farEndDisconnect)
        default: return .board(.flashDone)
        }
    }

    @Test("For 1,000 seeded random calls with busy, unanswered, reorder and empty target lists: every call ends, no caller who asked for a person or was flagged is hung up on, and every one who stays reaches a person or the bypass relay in bounded audio time")
    func nobodyWhoAskedIsHungUpOn() throws {
        var rng = SplitMix64(seed: 0x5EED_CA11)
        let bundles = try Dictionary(uniqueKeysWithValues: [["en"], ["uk"], ["en", "uk"], ["en", "uk", "tr"], ["tr", "en"]]
            .map { ($0.joined(separator: ","), try RealPrompts.bundle(languages: $0)) })
        var outcomes: [String: Int] = [:]
        var asked = 0
        for index in 0..<1000 {
            let script = Self.randomScript(&rng)
            let trace = try ScriptRunner.run(script, bundle: bundles[script.languages.joined(separator: ",")])
            let engine = trace.engine
            let config = script.config
            #expect(engine.isEnded, "call \(index) did not end: \(engine.mode)")
            guard case .log(let last) = trace.actions.last, last.type == .callEnded else {
                Issue.record("call \(index): the last action is not call_ended")
                continue
            }
            outcomes[engine.outcome.logValue, default: 0] += 1
            let farEndLeft = last.payload["reason"] == "caller hung up" || last.payload["reason"]?.hasPrefix("line disconnected") == true
            if engine.handoffStartedAtFrame != nil {
                asked += 1
                // asked for a person or flagged: only the far end ends the call
                #expect(!trace.actions.contains(.hangUp) || farEndLeft,
                        "call \(index) (\(engine.isUrgent ? "urgent" : "asked")) was hung up on: \(last)")
            } else if trace.actions.contains(.hangUp) {
                #expect(farEndLeft || engine.outcome == .callerChoseHangup, "call \(index) hung up without the caller's say")
            }
            let bound = config.frames(ms: config.personBoundMs)
            let perTarget = config.handoff.flashMs * 2 + config.handoff.dialToneWaitMs + 20_000 + config.maxPromptMs
            let round = config.handoff.targets.count * perTarget
            let worst = config.frames(ms: config.maxPromptMs + round + config.queue.bypassAfterMs + round
                                      + config.handoff.whisperMaxMs + config.maxPromptMs)
            if last.frame > bound && engine.outcome != .callerChoseHangup && !farEndLeft {
                #expect((engine.handoffStartedAtFrame ?? .max) <= bound, "call \(index): no hand-off within the bound")
            }
            if !farEndLeft && engine.outcome != .callerChoseHangup {
                switch engine.outcome {
                case .transferred: #expect(trace.actions.contains(.completeTransfer))
                case .releasedToBypass: #expect(trace.actions.contains(.releaseToBypass))
                default: Issue.record("call \(index) stayed but ended \(engine.outcome.logValue)")
                }
                let reached = try #require(engine.personOrCallbackAtFrame, "call \(index) reached nobody")
                #expect(reached <= bound + worst, "call \(index) reached a person too late")
            }
            #expect(trace.grants.count <= 1, "call \(index) granted twice")
        }
        // the generator must exercise every ending, or the property says little
        #expect(outcomes.keys.sorted() == ["callback_recorded", "caller_chose_hangup", "caller_hung_up", "released_to_bypass",
                                           "transferred"])
        #expect(asked > 500)
    }
}
