import Foundation
import Testing
import WarmlineAudio
@testable import WarmlineCore

/// The real prompts rendered by espeak-ng (cached between runs): a scripted call hears them for as long as they last.
enum RenderedPrompts {
    static let library: PromptLibrary? = {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-scenario-prompts").path
        return try? PromptLibrary(root: RealPrompts.directory.path, languages: ["en", "uk", "tr"], cacheDirectory: cache)
    }()

    /// Renders what the cache lacks, once (the library's clips read the cache only); every scenario test awaits it.
    static let rendered = Task<Void, Never> {
        for language in ["en", "uk", "tr"] { _ = try? await library?.render(language: language) }
    }

    /// Milliseconds the rendered prompt lasts, with its placeholders said as the unit says them.
    static func durationMs(_ request: PromptRequest) -> Int {
        guard let library else { return 2000 }
        var values: [String: SpokenValue] = [:]
        for (name, text) in request.placeholders {
            switch name {
            case "emergency_number", "caller_number": values[name] = .digits(text)
            case "balance": values[name] = .money(minorUnits: 0, currency: "USD")
            case "expires_at": values[name] = .time(hour: 0, minute: 30, day: .tomorrow)
            default: values[name] = Int(text).map { .number($0) } ?? .digits(text)
            }
        }
        guard let clips = try? library.clips(request.promptID, language: request.language, values: values) else { return 2000 }
        return clips.reduce(0) { $0 + $1.samples.count } / 8
    }
}

/// One caller situation, as data: who calls, what they do, how the network answers, and what must happen.
struct Scenario: Sendable, CustomStringConvertible {
    var name: String
    var caller: [(ms: Int, input: CallInput)] = []
    var targets: [FakeTarget] = [.answers(afterMs: 3000)]
    var noTargets = false
    var withheld = false
    var balance: Balance = .known(minorUnits: 1250)
    var startedAt: WallTime?
    var endMs = 600_000
    /// What must have happened: outcome, and a part of the whisper (or of the log) that says why.
    var outcome: CallEnding
    var whisperContains: String?
    var mustLog: [CallLogEventType] = []
    var mustPlay: [String] = []
    var mustNotPlay: [String] = []

    var description: String { name }

    static let callerIDs = ["en": "+15550100", "uk": "+380501234567", "tr": "+905321234567"]

    static let all: [Scenario] = [
        Scenario(name: "says \"Hello?\" over the safety sentence, then presses 0",
                 caller: [(300, .speechStarted), (900, .speechStopped), (18_000, .digit("0"))],
                 outcome: .transferred(target: "desk"), whisperContains: "caller asked for a person (pressed 0)",
                 mustLog: [.promptResumed, .safetyHeard]),
        Scenario(name: "silent caller, open line",
                 outcome: .transferred(target: "desk"),
                 whisperContains: "urgent: silent caller, open line, no speech or keys for 25 s",
                 mustLog: [.safetyHeard, .silentCaller], mustPlay: ["silent_prompt"]),
        Scenario(name: "cannot speak, presses 5 5",
                 caller: [(16_000, .digit("5")), (16_600, .digit("5"))],
                 outcome: .transferred(target: "desk"), whisperContains: "urgent: silent caller: pressed 5 5, has not spoken",
                 mustLog: [.silentCaller]),
        Scenario(name: "asks for a person, every agent busy for 5 min",
                 caller: [(14_000, .digit("0"))], targets: Array(repeating: .busy, count: 60),
                 outcome: .releasedToBypass, mustLog: [.queued, .queueAnnounced, .queueRetry, .releasedToBypass],
                 mustPlay: ["queue_entered", "queue_position", "queue_still_waiting", "queue_emergency", "bypass_release"]),
        Scenario(name: "in danger (9), no hand-off targets configured",
                 caller: [(14_000, .digit("9"))], noTargets: true,
                 outcome: .releasedToBypass, mustLog: [.releasedToBypass], mustPlay: ["bypass_release"]),
        Scenario(name: "withheld number asks for the day pass, then a person",
                 caller: [(14_000, .digit("2")), (24_000, .digit("0"))], withheld: true, balance: .unknown,
                 outcome: .transferred(target: "desk"), whisperContains: "number withheld",
                 mustPlay: ["no_caller_id"], mustNotPlay: ["day_pass_not_eligible", "day_pass_offer", "balance_is"]),
        Scenario(name: "zero balance: the day pass is offered first and taken",
                 caller: [(22_000, .digit("1")), (60_000, .board(.farEndDisconnect))], balance: .known(minorUnits: 0),
                 outcome: .callerHungUp, mustLog: [.dayPassGranted], mustPlay: ["day_pass_offer", "day_pass_requested"],
                 mustNotPlay: ["day_pass_granted"]),
    ]
}

@Suite("Caller situations, in en, uk and tr")
struct CallScenarioTests {
    static let languages = ["en", "uk", "tr"]

    static func script(_ scenario: Scenario, language: String, languages: [String]? = nil) -> CallScript {
        var script = CallScript()
        script.languages = languages ?? [language]
        script.context.callerID = scenario.withheld ? nil : Scenario.callerIDs[language]
        script.context.balance = scenario.balance
        if let startedAt = scenario.startedAt { script.context.startedAt = startedAt }
        script.targets = scenario.targets
        if scenario.noTargets { script.config.handoff.targets = [] }
        script.caller = scenario.caller
        script.endMs = scenario.endMs
        script.promptDurationMs = { RenderedPrompts.durationMs($0) }
        return script
    }

    /// Call ms at which the first safety prompt ("0 for a person") and the whole safety sentence were heard.
    static func safetyTimes(_ trace: CallTrace) -> (person: Int?, all: Int?) {
        let rate = trace.engine.config.framesPerSecond
        // the last start of the person prompt (caller speech may have paused and restarted it)
        let personID = trace.promptRequests.last { $0.promptID == "safety_person" }?.playbackID
        let ended = trace.entries.first { entry in
            guard case .log(let event) = entry.action, event.type == .safetyHeard else { return false }
            return true
        }
        // the person prompt was heard when the next prompt started (the player reports its end)
        let next = trace.entries.firstIndex { entry in
            if case .playPrompt(let p) = entry.action, let personID, p.playbackID > personID,
               trace.promptRequests.first(where: { $0.playbackID == personID })?.promptID == "safety_person" { return true }
            return false
        }
        return (next.map { trace.entries[$0].frame * 1000 / rate }, ended.map { $0.frame * 1000 / rate })
    }

    @Test("Each caller situation ends as it must, in each language, and Warmline never hangs up on them",
          arguments: Scenario.all, languages)
    func situation(_ scenario: Scenario, language: String) async throws {
        await RenderedPrompts.rendered.value
        let trace = try ScriptRunner.run(Self.script(scenario, language: language))
        let engine = trace.engine
        #expect(engine.outcome == scenario.outcome, "\(scenario) [\(language)]:\n\(trace.text)")
        if let part = scenario.whisperContains {
            #expect(trace.whispers.first?.contains(part) == true, "\(scenario) [\(language)]: whisper \(trace.whispers)")
        }
        for type in scenario.mustLog { #expect(trace.logs(type).count > 0, "\(scenario) [\(language)]: no \(type.rawValue)") }
        for id in scenario.mustPlay { #expect(trace.promptsPlayed.contains(id), "\(scenario) [\(language)]: \(id) not played") }
        for id in scenario.mustNotPlay { #expect(!trace.promptsPlayed.contains(id), "\(scenario) [\(language)]: \(id) played") }
        #expect(!trace.actions.contains(.hangUp) || engine.outcome == .callerHungUp, "\(scenario) [\(language)] was hung up on")
        #expect(trace.promptRequests.allSatisfy { $0.language == language })
        let times = Self.safetyTimes(trace)
        if scenario.caller.first.map({ $0.ms > 12_000 }) ?? true {
            // nothing cut it short: "0 for a person" within 6 s of audio, the whole safety sentence heard
            #expect((times.person ?? .max) <= 6000, "\(scenario) [\(language)]: 0 for a person heard at \(String(describing: times.person)) ms")
            #expect(times.all != nil, "\(scenario) [\(language)]: safety sentence not heard in full")
        }
        if scenario.name.contains("silent caller") {
            #expect((engine.handoffStartedAtFrame ?? .max) <= 30 * 8000)
            #expect(engine.isUrgent)
        }
        if scenario.name.contains("busy for 5 min") {
            let announced = trace.logs(.queueAnnounced)
            #expect(announced.count >= 5)
            // the emergency number every other announcement
            #expect(announced.map { $0.payload["emergency_number"] ?? "" }.prefix(4) == ["yes", "no", "yes", "no"])
            let queued = try #require(trace.logs(.queued).first?.frame)
            let released = try #require(trace.logs(.releasedToBypass).first?.frame)
            #expect(released - queued >= 180 * 8000 && released - queued <= 240 * 8000)
        }
    }

    @Test("A caller ID from a country picks the safety sentence's language on a three-language unit, within 6 s")
    func guessedLanguage() async throws {
        await RenderedPrompts.rendered.value
        for language in Self.languages {
            let scenario = Scenario(name: "silent caller, open line", outcome: .transferred(target: "desk"))
            let trace = try ScriptRunner.run(Self.script(scenario, language: language, languages: ["uk", "en", "tr"]))
            #expect(trace.promptRequests.prefix(3).map(\.language) == [language, language, language])
            #expect((Self.safetyTimes(trace).person ?? .max) <= 6000)
        }
    }

    @Test("A day pass taken on the night clocks go back in Kyiv expires 24 hours later by the zone's rules, not a frozen offset")
    func dstNight() async throws {
        await RenderedPrompts.rendered.value
        let kyiv = try TimeZoneRules.posix("EET-2EEST,M3.5.0/3,M10.5.0/4", name: "Europe/Kyiv")
        // 2026-10-25 03:30 EEST (UTC+3), half an hour before the clocks go back; 24 h later it is 02:30 EET (UTC+2)
        let start = WallTime(secondsSinceEpoch: 1_792_888_200, zone: kyiv)
        #expect(start.local.hour == 3 && start.local.minute == 30 && start.utcOffsetSeconds == 10_800)
        for language in Self.languages {
            var scenario = Scenario.all[6]
            scenario.startedAt = start
            let trace = try ScriptRunner.run(Self.script(scenario, language: language))
            let grant = try #require(trace.grants.first, "[\(language)] no grant")
            #expect(grant.expiresAt.local.hour == 2, "[\(language)] expires at \(grant.expiresAt.local)")
            #expect(grant.expiresAt.utcOffsetSeconds == 7200)
            #expect(grant.expiresAt.local.day == 26)
        }
    }

    @Test("Prints the table: caller situation, what happens, audio time to a person or the bypass relay")
    func table() async throws {
        await RenderedPrompts.rendered.value
        var lines = ["| caller situation | lang | what happens | '0 for a person' heard | safety sentence heard | hand-off decided | person or bypass |",
                     "|---|---|---|---|---|---|---|"]
        for scenario in Scenario.all {
            for language in Self.languages {
                let trace = try ScriptRunner.run(Self.script(scenario, language: language))
                let engine = trace.engine
                let times = Self.safetyTimes(trace)
                let reached = engine.personOrCallbackAtFrame.map { String(format: "%.1f s", Double($0) / 8000) } ?? "-"
                let decided = engine.handoffStartedAtFrame.map { String(format: "%.1f s", Double($0) / 8000) } ?? "-"
                let what = engine.outcome.logValue + (engine.isUrgent ? " (urgent)" : "")
                    + (trace.logs(.queued).isEmpty ? "" : ", queued \(trace.logs(.queueAnnounced).count) announcements")
                func seconds(_ ms: Int?) -> String { ms.map { String(format: "%.1f s", Double($0) / 1000) } ?? "-" }
                lines.append("| \(scenario.name) | \(language) | \(what) | \(seconds(times.person)) | \(seconds(times.all)) | \(decided) | \(reached) |")
            }
        }
        let table = lines.joined(separator: "\n")
        print(table)
        try table.write(toFile: FileManager.default.temporaryDirectory.appendingPathComponent("warmline-scenarios.md").path,
                        atomically: true, encoding: .utf8)
        #expect(lines.count == 2 + Scenario.all.count * Self.languages.count)
    }
}
