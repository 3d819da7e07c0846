import Testing
@testable import WarmlineCore

/// Issue 18: every non-urgent hand-off used to read as "caller asked for a person"; each path now names its reason.
@Suite("Hand-off reasons")
struct HandoffReasonTests {
    private func hit(_ phrase: String, _ keywordClass: KeywordHit.Class, _ confidence: Double = 0.9) -> CallInput {
        .keyword(KeywordHit(phrase: phrase, keywordClass: keywordClass, confidence: confidence))
    }

    private func kinds(_ trace: CallTrace) -> [String] { trace.logs(.handoffStarted).map { $0.payload["kind"] ?? "none" } }

    @Test("Pressing 0 is a hand-off the caller asked for")
    func asked() throws {
        var script = CallScript()
        script.caller = [(7000, .digit("0"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.handoffKind == .asked)
        #expect(kinds(trace) == ["asked"])
    }

    @Test("Three invalid keys are a menu failure, not a request for a person")
    func invalidKeys() throws {
        var script = CallScript()
        script.config.distress.repeatedInvalid.weight = 0
        script.caller = [(7000, .digit("6")), (12_000, .digit("7")), (17_000, .digit("8"))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.handoffKind == .menuFailure)
        #expect(kinds(trace) == ["menu_failure"])
    }

    @Test("Three timeouts are a menu failure")
    func timeouts() throws {
        var script = CallScript()
        script.config.silentHandoffMs = 600_000
        script.config.silentPromptMs = 600_000
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.handoffKind == .menuFailure)
    }

    @Test("The 60 s bound in the menu is its own reason")
    func timeBound() throws {
        var script = CallScript()
        script.caller = stride(from: 1000, to: 90_000, by: 7000).map { (ms: $0, input: CallInput.digit("1")) }
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.handoffKind == .timeBound)
        #expect(kinds(trace) == ["time_bound"])
    }

    @Test("A distress word over the threshold is a distress hand-off")
    func distress() throws {
        var script = CallScript()
        script.context.balance = .known(minorUnits: 0)
        script.caller = [(1500, hit("help", .distress, 0.82))]
        let trace = try ScriptRunner.run(script)
        #expect(trace.engine.handoffKind == .distress)
        #expect(kinds(trace) == ["distress"])
    }

    @Test("An open line with no speech and no keys is a silent-caller hand-off")
    func silentOpenLine() throws {
        let trace = try ScriptRunner.run(CallScript())
        #expect(trace.engine.handoffKind == .silent, "\(kinds(trace))")
    }

    @Test("A caller who asked and is then flagged in distress ends with the urgent reason, both logged in order")
    func upgrade() throws {
        var script = CallScript()
        script.targets = [.noAnswer, .noAnswer]
        script.context.balance = .known(minorUnits: 0)
        script.caller = [(7000, .digit("0")), (9000, hit("help", .distress, 0.9))]
        let trace = try ScriptRunner.run(script)
        #expect(kinds(trace) == ["asked", "distress"])
        #expect(trace.engine.handoffKind == .distress)
        #expect(trace.logs(.handoffStarted).last?.payload["upgrade"] == "yes")
    }

    @Test("Only a completed transfer is a person reached; a callback is not")
    func personReached() throws {
        var callback = CallScript()
        callback.targets = [.busy, .busy]
        callback.caller = [(7000, .digit("0"))]
        let unanswered = try ScriptRunner.run(callback)
        #expect(unanswered.engine.personReachedAtFrame == nil)

        var answered = CallScript()
        answered.caller = [(7000, .digit("0"))]
        let reached = try ScriptRunner.run(answered)
        #expect(reached.engine.outcome == .transferred(target: "desk"))
        #expect(reached.engine.personReachedAtFrame == reached.engine.personOrCallbackAtFrame)
        #expect((reached.engine.personReachedAtFrame ?? 0) > (reached.engine.handoffStartedAtFrame ?? .max))
    }
}
