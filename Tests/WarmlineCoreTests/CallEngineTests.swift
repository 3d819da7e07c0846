import Testing
@testable import WarmlineCore

/// Frames at the default 8000 frames/s.
private func frames(_ ms: Int) -> Int { ms * 8 }

private func hit(_ phrase: String, _ keywordClass: KeywordHit.Class = .menu, _ confidence: Double = 0.9) -> CallInput {
    .keyword(KeywordHit(phrase: phrase, keywordClass: keywordClass, confidence: confidence))
}

@Suite("Scripted calls")
struct CallEngineTests {
    // MARK: happy paths, one per language

    @Test("An English caller hears the safety sentence with the emergency number, checks the balance and hangs up")
    func englishBalance() throws {
        var script = CallScript()
        script.caller = [(7000, .digit("1")), (14_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(Array(trace.promptsPlayed.prefix(5)) == ["safety_person", "safety_danger", "safety_silent", "danger", "balance_is"])
        #expect(trace.promptRequests[1].placeholders == ["emergency_number": "112"])
        #expect(trace.promptRequests[4].placeholders == ["balance": "12.50"])
        #expect(trace.promptsPlayed[5] == "main_menu_short")
        #expect(trace.logs(.balanceRead).first?.payload["balance"] == "1250")
        #expect(trace.engine.outcome == .callerHungUp)
        #expect(trace.actions.last == .log(CallLogEvent(frame: frames(14_000),
                                                        .callEnded(.init(reason: "caller hung up", outcome: "caller_hung_up")))))
    }

    @Test("A Ukrainian caller picks 2 at the language choice, presses 0 and is transferred with the language in the whisper")
    func ukrainianPerson() throws {
        var script = CallScript()
        script.languages = ["en", "uk", "tr"]
        script.context.callerID = "+15550100"  // a caller ID that suggests English: the safety sentence plays in English
        script.caller = [(8500, .digit("2")), (15_000, .digit("0"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.promptRequests.prefix(4).map(\.language) == ["en", "en", "en", "en"])
        #expect(trace.promptRequests.prefix(4).map(\.promptID) == ["safety_person", "safety_danger", "safety_silent", "language_name"])
        // choosing Ukrainian plays the safety sentence in Ukrainian before anything else
        #expect(trace.promptRequests.dropFirst(5).prefix(3).map(\.promptID) == ["safety_person", "safety_danger", "safety_silent"])
        #expect(trace.logs(.languageChosen).first?.payload["language"] == "uk")
        #expect(trace.promptRequests.dropFirst(5).allSatisfy { $0.language == "uk" })
        #expect(trace.promptsPlayed.contains("connecting"))
        #expect(trace.dialled == ["201"])
        #expect(trace.whispers == ["caller asked for a person (pressed 0); balance 12.50; speaks Ukrainian"])
        #expect(trace.logs(.safetyHeard).map { $0.payload["language"] ?? "" } == ["en", "uk"])
        #expect(trace.engine.outcome == .transferred(target: "desk"))
        #expect(trace.actions.contains(.completeTransfer))
    }

    @Test("A Turkish caller with zero balance takes the day pass and hears the expiry in Turkish")
    func turkishDayPass() throws {
        var script = CallScript()
        script.languages = ["en", "uk", "tr"]
        script.context.balance = .known(minorUnits: 0)
        // the +380 caller ID suggests Ukrainian; pressing 3 during that safety sentence starts it anew in Turkish,
        // and a zero balance hears the pass offered first (balance 2 s, offer 2 s after the 6 s safety sentence)
        script.caller = [(4500, .digit("3")), (13_000, .digit("1")), (30_000, .digit("#"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.language == "tr")
        #expect(trace.grants.count == 1)
        #expect(trace.promptRequests.prefix(3).allSatisfy { $0.language == "uk" })
        let readback = try #require(trace.promptRequests.first { $0.promptID == "day_pass_requested" })
        // granted 9 s into a call that started 2026-11-18 13:06:40 local (UTC+2): expires a day later
        #expect(readback.placeholders["expires_at"] == "19 Kasım 13:06")
        #expect(readback.language == "tr")
        #expect(trace.promptsPlayed.contains("offer_person"))
        #expect(trace.engine.outcome == .callerChoseHangup)
        #expect(trace.promptsPlayed.last == "goodbye")
    }

    // MARK: barge-in

    @Test("A digit stops the playing prompt in the same frame it arrives")
    func digitBargeIn() throws {
        var script = CallScript()
        script.caller = [(7000, .digit("1"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.firstFrame { $0 == .stopPrompt } == frames(7000))
        #expect(trace.logs(.bargeIn).first?.payload["by"] == "digit")
    }

    @Test("Caller speech stops the prompt after 200 ms of speech, and a shorter sound does not")
    func speechBargeIn() throws {
        var script = CallScript()
        script.caller = [(500, .speechStarted), (650, .speechStopped), (1000, .speechStarted), (1500, .speechStopped)]
        let trace = try ScriptRunner.run(script)
        #expect(trace.firstFrame { $0 == .stopPrompt } == frames(1200))
        #expect(trace.logs(.bargeIn).count == 1)
    }

    // MARK: failure paths: never trapped

    @Test("Three invalid inputs send the caller to a person, not to a hang-up")
    func invalidInputsHandOff() throws {
        var script = CallScript()
        script.config.distress.repeatedInvalid.weight = 0
        // each invalid input barges in; the invalid prompt and the short menu take 2 s each
        script.caller = [(7000, .digit("6")), (12_000, .digit("7")), (17_000, .digit("8"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.invalidInput).count == 3)
        #expect(trace.promptsPlayed.dropFirst(3).prefix(6) == ["danger", "invalid", "main_menu_short", "invalid", "main_menu_short", "connecting"])
        #expect(trace.logs(.menuExhausted).first?.payload["then"] == "handoff")
        #expect(trace.engine.outcome == .transferred(target: "desk"))
    }

    @Test("Three timeouts of 10 s send a caller who does not answer the menu to a person")
    func timeoutsHandOff() throws {
        var script = CallScript()
        script.config.silentHandoffMs = 600_000  // the silent-caller protocol is tested on its own
        script.config.silentPromptMs = 600_000
        let trace = try ScriptRunner.run(script)
        let timeouts = trace.logs(.inputTimeout)
        #expect(timeouts.count == 3)
        // the safety sentence and the greeting are five 2 s prompts; the first timeout is 10 s after the last one ends
        #expect(timeouts.first?.frame == frames(20_000))
        #expect(trace.logs(.handoffStarted).first?.payload["reason"]?.contains("3 timeouts") == true)
        #expect(trace.engine.outcome == .transferred(target: "desk"))
    }

    @Test("The person keyword works mid-prompt in any node")
    func personKeyword() throws {
        var script = CallScript()
        // a zero balance hears the pass offer first (8-10 s); "operator" cuts it
        script.caller = [(9000, hit("operator", .person))]
        script.context.balance = .known(minorUnits: 0)
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.dayPassOffered).count == 1)
        #expect(trace.firstFrame { $0 == .stopPrompt } == frames(9000))
        #expect(trace.logs(.handoffStarted).first?.payload["reason"] == "caller asked for a person (said 'operator')")
        #expect(trace.grants.isEmpty)
    }

    @Test("A keyword below the confidence floor is logged and ignored")
    func lowConfidenceKeyword() throws {
        var script = CallScript()
        script.caller = [(1000, hit("help", .distress, 0.2)), (2000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.keyword).first?.payload["accepted"] == "no (below minimum)")
        #expect(trace.logs(.distressSignal).isEmpty)
        #expect(trace.engine.handoffStartedAtFrame == nil)
    }

    @Test("A caller still in the menu after 60 s of call time is handed to a person")
    func personBound() throws {
        var script = CallScript()
        script.caller = stride(from: 1000, to: 90_000, by: 7000).map { (ms: $0, input: CallInput.digit("1")) }
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.handoffStartedAtFrame == frames(60_000))
        #expect(trace.logs(.handoffStarted).first?.payload["reason"] == "caller still in the menu after 60 s, no person reached yet")
    }

    // MARK: hang-up from any state

    @Test("A busy tone outside a hand-off ends the call cleanly and hangs up")
    func busyToneEndsCall() throws {
        var script = CallScript()
        script.caller = [(3000, .tone(.busy))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.actions.suffix(3) == [.stopPrompt, .hangUp,
                                           .log(CallLogEvent(frame: frames(3000),
                                                             .callEnded(.init(reason: "line disconnected (busy tone)",
                                                                              outcome: "caller_hung_up"))))])
    }

    @Test("A caller who hangs up while on hold during the hand-off ends the call")
    func hangUpDuringHandoff() throws {
        var script = CallScript()
        script.targets = [.noAnswer]
        script.caller = [(1000, .digit("0")), (8000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.outcome == .callerHungUp)
        #expect(trace.dialled == ["201"])
        #expect(trace.callbacks.isEmpty)
    }

    // MARK: distress

    @Test("Saying 'help' mid-greeting stops the prompt and flashes in the same frame, with the reasons whispered")
    func distressMidPrompt() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        script.caller = [(1500, hit("help", .distress, 0.82))]
        let trace = try ScriptRunner.run(script)
        let trigger = frames(1500)
        #expect(trace.entries.filter { $0.frame == trigger }.map(\.action).filter {
            if case .log = $0 { false } else { true }
        } == [.stopPrompt, .flash(ms: 600)])
        let handoff = try #require(trace.logs(.distressHandoff).first)
        #expect(handoff.payload["reasons"] == "zero_balance=balance 0; distress_keyword='help' confidence 0.82")
        #expect(trace.logs(.handoffStarted).first?.payload["reasons"] == handoff.payload["reasons"])
        #expect(trace.whispers == ["urgent: caller in distress (said 'help'); balance zero"])
        #expect(!trace.promptsPlayed.contains("connecting"))
        #expect(trace.engine.isUrgent)
    }

    @Test("Decision to flash is within one 20 ms period of the triggering event for every distress trigger")
    func decisionToFlash() throws {
        let triggers: [CallInput] = [.digit("9"), hit("ambulance", .distress)]
        for trigger in triggers {
            var script = CallScript()
            script.caller = [(2345, trigger)]
            let trace = try ScriptRunner.run(script)
            let flash = try #require(trace.firstFrame { $0 == .flash(ms: 600) })
            #expect(flash - frames(2345) <= 160)
        }
    }

    @Test("Key mashing and a raised voice add up past the threshold, each signal logged with its value")
    func combinedSignals() throws {
        var script = CallScript()
        script.caller = [(500, .voice(VoiceFeatures(loudnessDB: -30, pitchHz: 180))),
                         (1500, .voice(VoiceFeatures(loudnessDB: -31, pitchHz: 170))),
                         (2500, .voice(VoiceFeatures(loudnessDB: -29, pitchHz: 190))),
                         (5000, .voice(VoiceFeatures(loudnessDB: -16, pitchHz: 260))),
                         (7000, .digit("7")), (7300, .digit("8")), (7600, .digit("7")), (7900, .digit("8"))]
        script.config.distress.repeatedInvalid.weight = 0
        let trace = try ScriptRunner.run(script)
        let signals = trace.logs(.distressSignal).map { $0.payload["signal"] ?? "" }
        #expect(signals == ["raised_voice", "raised_pitch", "key_mashing"])
        #expect(trace.logs(.distressSignal).first?.payload["value"] == "+14.00 dB over baseline")
        #expect(trace.logs(.distressHandoff).first?.frame == frames(7900))
        #expect(trace.whispers.first?.hasPrefix("urgent: caller in distress (raised voice, raised pitch, frantic key presses)") == true)
    }

    @Test("Call-start signals are logged but stay below the threshold on their own")
    func callStartSignals() throws {
        var script = CallScript()
        let start = script.context.startedAt
        script.context.startedAt = WallTime(secondsSinceEpoch: 1_795_000_000 - 10 * 3600, utcOffsetSeconds: 7200)
        script.context.earlierCallsAt = [start.adding(seconds: -36_000 - 300), start.adding(seconds: -36_000 - 600)]
        script.context.balance = .known(minorUnits: 0)
        script.caller = [(3000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.distressSignal).map { $0.payload["signal"] ?? "" } == ["repeat_caller", "zero_balance", "night_hours"])
        #expect(trace.engine.distressScore == 0.8)
        #expect(trace.engine.handoffStartedAtFrame == nil)
    }

    // MARK: day pass

    @Test("A zero-balance caller confirms the day pass, hears the expiry, then is offered a person")
    func dayPassGranted() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        // offered first: safety 0-6 s, balance 6-8 s, offer 8-10 s
        script.caller = [(9000, .digit("1")), (16_000, .digit("0"))]
        let trace = try ScriptRunner.run(script)
        let grant = try #require(trace.grants.first)
        #expect(grant.idempotencyKey == "daypass:+380501234567:after:never")
        #expect(grant.expiresAt.secondsSinceEpoch - grant.grantedAt.secondsSinceEpoch == 86_400)
        #expect(!grant.failOpen)
        // billing has not confirmed it yet: "requested, active within minutes", never "active"
        #expect(trace.promptRequests.first { $0.promptID == "day_pass_requested" }?.placeholders["expires_at"] == "13:06 on 19 November")
        #expect(!trace.promptsPlayed.contains("day_pass_granted"))
        #expect(trace.promptsPlayed.firstIndex(of: "offer_person")! > trace.promptsPlayed.firstIndex(of: "day_pass_requested")!)
        #expect(trace.whispers == ["caller asked for a person (pressed 0); balance zero; day pass granted"])
    }

    @Test("A caller with money above the threshold is told the pass is not for them")
    func dayPassNotEligible() throws {
        var script = CallScript()
        script.caller = [(7000, .digit("2")), (12_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.dayPassRefused).first?.payload["reason"] == "balance 1250 > threshold 0")
        #expect(trace.promptsPlayed.contains("day_pass_not_eligible"))
        #expect(trace.grants.isEmpty)
    }

    @Test("A caller who had a pass three days ago is refused by the rate limit")
    func dayPassRateLimited() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        script.context.lastDayPassGrantedAt = script.context.startedAt.adding(seconds: -3 * 86_400)
        script.config.dayPass.cooldownDays = 7  // the default is 30 days now; the read-back names the configured limit
        script.caller = [(7000, .digit("2")), (12_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.dayPassRefused).first?.payload["reason"] == "rate limited: one pass per 7 days")
        #expect(trace.promptRequests.first { $0.promptID == "day_pass_refused" }?.placeholders == ["days": "7"])
        #expect(trace.grants.isEmpty)
    }

    @Test("A caller whose pass still runs hears 'requested' until billing acknowledged it, then 'active until', never a second pass")
    func runningPass() throws {
        for confirmed in [false, true] {
            var script = CallScript()
            script.context.balance = .known(minorUnits: 0)
            script.context.lastDayPassGrantedAt = script.context.startedAt.adding(seconds: -3600)
            script.context.lastDayPassExpiresAt = script.context.startedAt.adding(seconds: 23 * 3600)
            script.context.lastDayPassConfirmed = confirmed
            script.caller = [(7000, .digit("2")), (12_000, .board(.farEndDisconnect))]
            let trace = try ScriptRunner.run(script)
            let said = try #require(trace.promptRequests.first { $0.promptID.hasPrefix("day_pass_") })
            #expect(said.promptID == (confirmed ? "day_pass_granted" : "day_pass_requested"))
            #expect(said.placeholders["expires_at"] == "12:06 on 19 November")
            #expect(trace.grants.isEmpty)
            #expect(!trace.promptsPlayed.contains("day_pass_offer"))
        }
    }

    @Test("Billing's acknowledgement during the call turns the read-back from 'requested' to 'active until'")
    func confirmedDuringCall() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        script.caller = [(9000, .digit("1")), (11_000, .dayPassConfirmed(key: "daypass:+380501234567:after:never")),
                         (16_000, .digit("*")), (19_000, .digit("2")), (30_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.grants.count == 1)
        #expect(trace.logs(.dayPassConfirmed).count == 1)
        #expect(trace.promptsPlayed.filter { $0.hasPrefix("day_pass_requested") || $0 == "day_pass_granted" }
            == ["day_pass_requested", "day_pass_granted"])
    }

    @Test("An unknown balance without distress gets no pass and is pointed to a person")
    func dayPassUnknownBalance() throws {
        var script = CallScript()
        script.context.balance = .unknown
        script.caller = [(1000, .digit("2")), (9000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.promptsPlayed.contains("day_pass_unknown"))
        #expect(trace.promptsPlayed.contains("offer_person"))
        #expect(trace.grants.isEmpty)
    }

    @Test("A caller in distress with an unknown balance gets the pass fail-open, and the event says so")
    func dayPassFailOpen() throws {
        var script = CallScript()
        script.context.balance = .unknown
        // louder and higher than their own first seconds: 0.7, in distress for the day pass but below hand-off
        script.caller = [(500, .voice(VoiceFeatures(loudnessDB: -30, pitchHz: 180))),
                         (1500, .voice(VoiceFeatures(loudnessDB: -31, pitchHz: 170))),
                         (2500, .voice(VoiceFeatures(loudnessDB: -29, pitchHz: 190))),
                         (5000, .voice(VoiceFeatures(loudnessDB: -16, pitchHz: 260))),
                         (6000, .digit("2")), (8000, .digit("1"))]
        let trace = try ScriptRunner.run(script)
        let grant = try #require(trace.grants.first)
        #expect(grant.failOpen)
        #expect(trace.logs(.dayPassGranted).first?.payload["fail_open"] == "yes: balance unknown, caller in distress")
        // provisional: an urgent hand-off in the same call, and the agent hears it is theirs to confirm
        #expect(trace.logs(.dayPassGranted).first?.payload["provisional"] == "yes: an agent confirms it in this call")
        let handoff = try #require(trace.logs(.handoffStarted).first)
        #expect(handoff.payload["reason"] == "provisional day pass: balance unknown")
        #expect(handoff.payload["priority"] == "urgent")
        #expect(trace.engine.isUrgent)
        #expect(trace.whispers.first?.contains("PROVISIONAL day pass granted: confirm or cancel it") == true)
    }

    @Test("Two invalid keys at night reach the old 0.5 distress score, yet key presses alone never grant a pass for an unknown balance")
    func keyPressesAloneGetNoPass() throws {
        var script = CallScript()
        script.context.balance = .unknown
        // two invalid keys (0.3) at night (0.2): 0.5, the score that used to grant a fail-open pass
        script.context.startedAt = script.context.startedAt.adding(seconds: 10 * 3600 + 30 * 60)
        script.caller = [(6200, .digit("7")), (6500, .digit("8")),
                         (9000, .digit("2")), (12_000, .digit("1")), (16_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.distressScore >= 0.5)
        #expect(trace.grants.isEmpty)
        let refusal = try #require(trace.logs(.dayPassRefused).first, "\(trace.text)")
        #expect(refusal.payload["rule"] == "balance_unknown_no_spoken_distress")
        #expect(refusal.payload["spoken_distress_score"] == "0.00")
        #expect(refusal.payload["distress_score"] == "0.50")
        #expect(trace.promptsPlayed.contains("day_pass_unknown"))
    }

    @Test("A caller ID full of escape codes gets no pass even at zero balance, and the refusal names its rule")
    func escapeCodeCallerIDGetsNoPass() throws {
        var script = CallScript()
        script.context.callerID = "+1555\u{1b}[2J0402"
        script.context.balance = .known(minorUnits: 0)
        script.caller = [(7000, .digit("2")), (9000, .digit("1")), (12_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.grants.isEmpty)
        #expect(!trace.promptsPlayed.contains("day_pass_offer"))
        let refusal = try #require(trace.logs(.dayPassRefused).first)
        #expect(refusal.payload["rule"] == "caller_id_not_plausible")
        #expect(refusal.payload["reason"] == "caller ID holds a control character: not a phone number")
    }

    @Test("A pass the ledger refuses (another line granted first) is logged with its rule and never claimed to the agent")
    func ledgerRefusal() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        script.caller = [(9000, .digit("1")),
                         (9100, .dayPassRefusedByLedger(key: "daypass:+380501234567:after:never", rule: "one_open_pass",
                                                        reason: "pass #7 for +380501234567 still runs")),
                         (16_000, .digit("0"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.grants.count == 1)
        let refusal = try #require(trace.logs(.dayPassRefused).first)
        #expect(refusal.payload["rule"] == "one_open_pass")
        #expect(refusal.payload["stage"] == "ledger")
        #expect(trace.whispers == ["caller asked for a person (pressed 0); balance zero"])
    }

    @Test("The unit's hourly cap, known at the answer, refuses the pass with its rule")
    func unitCapRefuses() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        script.context.unitDayPassesLastHour = 10
        script.caller = [(7000, .digit("2")), (9000, .digit("1")), (12_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.grants.isEmpty)
        #expect(trace.logs(.dayPassRefused).first?.payload["rule"] == "unit_hourly_cap")
    }

    @Test("Pressing yes twice grants once and does not skip the read-back; a restarted call gets the same key")
    func retriedGrant() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        // offered first (8-10 s): yes, yes again, then star for the menu and 2 for the pass again
        script.caller = [(9000, .digit("1")), (9300, .digit("1")), (14_000, .digit("*")),
                         (17_000, .digit("2")), (20_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.grants.count == 1)
        #expect(trace.logs(.dayPassRetryIgnored).count == 2)
        #expect(trace.promptsPlayed.filter { $0 == "day_pass_requested" }.count == 3)

        // the unit restarted mid-call: a new call from the same caller, the grant not yet stored
        var restarted = script
        restarted.context.callID = "call-2"
        restarted.context.startedAt = script.context.startedAt.adding(seconds: 40)
        restarted.caller = [(9000, .digit("1")), (12_000, .board(.farEndDisconnect))]
        let second = try ScriptRunner.run(restarted)
        #expect(second.grants.first?.idempotencyKey == trace.grants.first?.idempotencyKey)
    }

    // MARK: hand-off outcomes

    @Test("Busy first target: flash back, 'still connecting', then the second target answers")
    func busyThenAnswer() throws {
        var script = CallScript()
        script.targets = [.busy, .answers(afterMs: 2000)]
        script.caller = [(1000, .digit("0"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.dialled == ["201", "202"])
        #expect(trace.logs(.targetFailed).first?.payload["reason"] == "busy tone")
        #expect(trace.actions.filter { $0 == .flash(ms: 600) }.count == 3)
        #expect(trace.promptsPlayed.suffix(2) == ["connecting", "still_connecting"])
        #expect(trace.engine.outcome == .transferred(target: "supervisor"))
    }

    @Test("An agent who hangs up during the whisper fails that target; one answering by voice gets the call")
    func whisperHangUpThenVoiceAnswer() throws {
        var script = CallScript()
        script.targets = [.hangsUpDuringWhisper, .answersByVoice(afterMs: 3000)]
        script.caller = [(1000, .digit("0"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.whispers.count == 2)
        #expect(trace.logs(.targetFailed).first?.payload.fields == ["target": "desk", "reason": "busy tone"])
        #expect(trace.logs(.targetAnswered).map { $0.payload["by"] ?? "" } == ["answer supervision", "voice on the line"])
        #expect(trace.engine.outcome == .transferred(target: "supervisor"))
    }

    @Test("Reorder and no dial tone both count as a failed target, and the caller waits in the queue")
    func reorderAndNoDialTone() throws {
        var script = CallScript()
        script.targets = [.reorder, .noDialTone]
        script.caller = [(1000, .digit("0"))]
        script.endMs = 30_000
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.targetFailed).map { $0.payload["reason"] ?? "" } == ["reorder tone", "no dial tone after flash"])
        #expect(trace.logs(.queued).count == 1)
        #expect(!trace.actions.contains(.hangUp))
    }

    @Test("No answer on every target: the caller is queued, asks for a callback with 1, confirms the number read back, and keeps their place")
    func noAnswerCallback() throws {
        var script = CallScript()
        script.targets = [.noAnswer, .noAnswer]
        script.caller = [(1000, .digit("0")), (55_000, .digit("1")), (60_000, .digit("1"))]
        script.endMs = 70_000
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.targetFailed).map { $0.payload["reason"] ?? "" } == ["no answer in 20 s", "no answer in 20 s"])
        #expect(Array(trace.promptsPlayed.drop { $0 != "queue_entered" }.prefix(4))
            == ["queue_entered", "queue_position", "queue_callback_offer", "queue_emergency"])
        #expect(trace.promptRequests.first { $0.promptID == "queue_position" }?.placeholders == ["position": "1", "wait_minutes": "1"])
        #expect(trace.promptRequests.first { $0.promptID == "callback_readback" }?.placeholders == ["caller_number": "+380501234567"])
        let callback = try #require(trace.callbacks.first)
        #expect(callback.confirmedByCaller)
        #expect(callback.callerID == "+380501234567")
        #expect(trace.promptRequests.first { $0.promptID == "callback_confirmed" }?.placeholders == ["minutes": "30"])
        #expect(trace.engine.isQueued)
        #expect(!trace.actions.contains(.hangUp))
    }

    @Test("No targets at all: a caller in distress is told and the line goes to the bypass relay, never hung up on")
    func noTargetsBypass() throws {
        var script = CallScript()
        script.config.handoff.targets = []
        script.caller = [(1000, hit("help", .distress))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.releasedToBypass).first?.payload["reason"] == "no hand-off targets configured")
        #expect(trace.promptsPlayed.last == "bypass_release")
        #expect(trace.actions.contains(.releaseToBypass))
        #expect(!trace.actions.contains(.hangUp))
        #expect(trace.engine.outcome == .releasedToBypass)
        #expect(trace.engine.personOrCallbackAtFrame == frames(3000))
    }

    @Test("A queued caller hears a better place at once; their turn comes only within the number of targets; the agent hears how long they waited")
    func queueTurnAndWhisper() throws {
        var script = CallScript()
        script.targets = [.busy, .busy, .answers(afterMs: 2000)]
        // two other callers ahead (the unit's queue), then one leaves
        script.caller = [(7000, .digit("0")), (8000, .queuePosition(3)), (50_000, .queuePosition(2))]
        let trace = try ScriptRunner.run(script)
        let queued = try #require(trace.logs(.queued).first?.frame)
        // position 3 with 2 targets: no retry until the position is 2
        let retry = try #require(trace.logs(.queueRetry).first)
        #expect(retry.frame >= frames(50_000) && retry.payload["position"] == "2")
        #expect(trace.promptRequests.contains { $0.promptID == "queue_position" && $0.placeholders["position"] == "2" })
        #expect(trace.engine.outcome == .transferred(target: "desk"))
        #expect(trace.whispers.first?.hasPrefix("caller asked for a person (pressed 0); waited ") == true)
        #expect(trace.whispers.first?.contains("in the queue") == true)
        #expect(queued < retry.frame)
    }

    @Test("An urgent queued caller tries the targets as soon as their turn comes, not at the next retry")
    func urgentTurnAtOnce() throws {
        var script = CallScript()
        script.config.handoff.targets = [HandoffTarget(name: "desk", dial: "201")]
        script.targets = [.busy, .answers(afterMs: 2000)]
        script.caller = [(7000, .digit("9")), (8000, .queuePosition(2)), (50_000, .queuePosition(1))]
        let trace = try ScriptRunner.run(script)
        // its better place is said first (about 2 s), then the targets; the regular retry would have been near 69 s
        let retry = try #require(trace.logs(.queueRetry).first?.frame)
        #expect(retry >= frames(50_000) && retry <= frames(54_000))
        #expect(trace.engine.outcome == .transferred(target: "desk"))
    }

    @Test("A queued caller who hangs up still gets a callback recorded: they asked for a person")
    func queuedCallerLeaves() throws {
        var script = CallScript()
        script.targets = [.busy, .busy]
        script.caller = [(7000, .digit("0")), (40_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.callbacks.map(\.confirmedByCaller) == [false])
        #expect(trace.engine.outcome == .callbackRecorded)
    }

    @Test("Distress during a normal hand-off's announcement upgrades it to urgent and flashes at once")
    func upgradeToUrgent() throws {
        var script = CallScript()
        script.caller = [(1000, .digit("0")), (1500, .digit("9"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.firstFrame { $0 == .flash(ms: 600) } == frames(1500))
        #expect(trace.whispers.first?.hasPrefix("urgent: caller in distress (pressed 9)") == true)
    }

    // MARK: menu mechanics

    @Test("Multi-digit options wait the inter-digit timeout; the full entry is taken at once")
    func multiDigitOptions() throws {
        let menu = """
        start: main
        safety: [safety_danger]
        everywhere:
          person: {digit: "0", keywords: [person]}
          emergency: {digit: "9", keywords: [help]}
          silent: {digits: "55"}
        nodes:
          main:
            greet_long: main_menu
            options:
              - {digit: "1", action: balance}
              - {digit: "12", action: hangup}
        """
        let bundle = try FlowLoader.load(menu: SourceText(name: "menu.yaml", text: menu), prompts: RealPrompts.prompts,
                                         enabledLanguages: ["en"])
        var short = CallScript()
        short.caller = [(2500, .digit("1")), (11_000, .board(.farEndDisconnect))]
        let one = try ScriptRunner.run(short, bundle: bundle)
        #expect(one.logs(.optionTaken).first?.frame == frames(4500))
        #expect(one.logs(.optionTaken).first?.payload["option"] == "1")
        var long = CallScript()
        long.caller = [(2500, .digit("1")), (3500, .digit("2"))]
        let twelve = try ScriptRunner.run(long, bundle: bundle)
        #expect(twelve.logs(.optionTaken).first?.frame == frames(3500))
        #expect(twelve.engine.outcome == .callerChoseHangup)
    }

    @Test("With several languages and no choice, the default language is taken after the timeout")
    func languageDefault() throws {
        var script = CallScript()
        script.languages = ["uk", "en"]
        script.context.callerID = "+4930123456"  // no prefix for it: the default language
        script.caller = [(500, .speechStarted), (900, .speechStopped), (30_000, .board(.farEndDisconnect))]
        let trace = try ScriptRunner.run(script)
        // "Hello?" pauses the safety sentence at 0.7 s; it starts again at 1.4 s (6 s), two language prompts of 2 s, then 10 s
        #expect(trace.logs(.languageChosen).first == CallLogEvent(frame: frames(21_400),
                                                                   .languageChosen(.init(language: "uk", how: "default (no input)"))))
        #expect(trace.promptRequests.last?.language == "uk")
    }

    @Test("A player that never reports a prompt's end cannot stall the call: the prompt cap moves it on")
    func promptCap() throws {
        var script = CallScript()
        script.playerReportsEnd = false
        script.config.silentHandoffMs = 600_000  // the silent-caller protocol is tested on its own
        script.config.silentPromptMs = 600_000
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.outcome == .transferred(target: "desk"))
        #expect(trace.engine.handoffStartedAtFrame == frames(60_000))
    }

    @Test("While the caller is on hold, the agent's voice and words are not scored as the caller's")
    func consultLegAudioIgnored() throws {
        var script = CallScript()
        script.targets = [.answers(afterMs: 6000)]
        script.caller = [(1000, .digit("0")), (5500, hit("help", .distress)), (5600, .digit("9"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.logs(.distressSignal).isEmpty)
        #expect(trace.engine.outcome == .transferred(target: "desk"))
        #expect(trace.whispers.first?.hasPrefix("caller asked for a person") == true)
    }
}
