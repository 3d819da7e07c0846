import Foundation
@testable import WarmlineCore

/// The real flow files, read from the repository (tests may read files; the module may not).
enum RealPrompts {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Prompts")

    static func source(_ relative: String) -> SourceText {
        let url = directory.appendingPathComponent(relative)
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return SourceText(name: "Prompts/\(relative)", text: text)
    }

    static var menu: SourceText { source("menu.yaml") }

    static var prompts: [String: SourceText] {
        Dictionary(uniqueKeysWithValues: ["en", "uk", "tr"].map { ($0, source("\($0)/prompts.yaml")) })
    }

    static func bundle(languages: [String] = ["en"]) throws -> FlowBundle {
        try FlowLoader.load(menu: menu, prompts: prompts, enabledLanguages: languages)
    }
}

/// How the fake exchange answers the consultation leg for one dialled target.
enum FakeTarget: Sendable {
    /// Dial tone, ringback, then the agent answers after this long.
    case answers(afterMs: Int)
    /// Dial tone, then busy.
    case busy
    /// Dial tone, then reorder.
    case reorder
    /// Dial tone, ringback forever.
    case noAnswer
    /// No dial tone after the flash.
    case noDialTone
    /// No answer supervision: the agent's voice after this long is the answer.
    case answersByVoice(afterMs: Int)
    /// Answers, then hangs up during the whisper (busy tone).
    case hangsUpDuringWhisper
}

/// One scripted call: caller events at times, how the network behaves, and the context.
struct CallScript {
    var languages = ["en"]
    var context = CallContext(callID: "call-1", callerID: "+380501234567",
                              startedAt: WallTime(secondsSinceEpoch: 1_795_000_000, utcOffsetSeconds: 7200),
                              balance: .known(minorUnits: 1250))
    var config: CallConfig = {
        var config = CallConfig()
        config.handoff.targets = [HandoffTarget(name: "desk", dial: "201"), HandoffTarget(name: "supervisor", dial: "202")]
        return config
    }()
    /// Caller-side events at call time in ms.
    var caller: [(ms: Int, input: CallInput)] = []
    /// Network behaviour of each dialled target, in dial order (missing = no answer).
    var targets: [FakeTarget] = [.answers(afterMs: 3000)]
    /// How long the fake player takes for each prompt.
    var promptMs = 2000
    /// When set, each prompt takes this long instead (the real rendered audio's duration, in ms).
    var promptDurationMs: (@Sendable (PromptRequest) -> Int)?
    /// False: the player never reports a prompt's end (the engine's cap must carry the call on).
    var playerReportsEnd = true
    /// Stop running here.
    var endMs = 400_000
}

/// What a scripted call did: every action with the frame it happened at, and the engine at the end.
struct CallTrace {
    var entries: [(frame: Int, action: CallAction)] = []
    var engine: CallEngine

    var actions: [CallAction] { entries.map(\.action) }
    var logs: [CallLogEvent] { actions.compactMap { if case .log(let event) = $0 { event } else { nil } } }
    var logTypes: [CallLogEventType] { logs.map(\.type) }
    func logs(_ type: CallLogEventType) -> [CallLogEvent] { logs.filter { $0.type == type } }
    var promptsPlayed: [String] { actions.compactMap { if case .playPrompt(let p) = $0 { p.promptID } else { nil } } }
    var promptRequests: [PromptRequest] { actions.compactMap { if case .playPrompt(let p) = $0 { p } else { nil } } }
    var grants: [DayPassGrant] { actions.compactMap { if case .grantDayPass(let g) = $0 { g } else { nil } } }
    var callbacks: [CallbackRequest] { actions.compactMap { if case .recordCallback(let c) = $0 { c } else { nil } } }
    var whispers: [String] { actions.compactMap { if case .whisper(_, let text) = $0 { text } else { nil } } }
    var dialled: [String] { actions.compactMap { if case .dial(let d) = $0 { d } else { nil } } }
    func firstFrame(where match: (CallAction) -> Bool) -> Int? { entries.first { match($0.action) }?.frame }

    /// Human-readable trace, one line per action: `  12.340 s  play greeting [en] {emergency_number=112}`.
    var text: String {
        let rate = Double(engine.config.framesPerSecond)
        return entries.map { entry in
            let seconds = Double(entry.frame) / rate
            let stamp = String(format: "%8.3f s", seconds)
            return "\(stamp)  \(Self.describe(entry.action))"
        }.joined(separator: "\n")
    }

    static func describe(_ action: CallAction) -> String {
        switch action {
        case .playPrompt(let p):
            let values = p.placeholders.keys.sorted().map { "\($0)=\(p.placeholders[$0] ?? "")" }.joined(separator: " ")
            return "play #\(p.playbackID) \(p.promptID) [\(p.language)]" + (values.isEmpty ? "" : " {\(values)}")
        case .stopPrompt: return "stop prompt"
        case .flash(let ms): return "flash \(ms) ms"
        case .dial(let target): return "dial \(target)"
        case .whisper(let id, let text): return "whisper #\(id) \"\(text)\""
        case .completeTransfer: return "complete transfer"
        case .hangUp: return "hang up"
        case .releaseToBypass: return "release to bypass"
        case .log(let event): return "log \(event)"
        case .grantDayPass(let g): return "grant day pass key=\(g.idempotencyKey) fail_open=\(g.failOpen)"
        case .recordCallback(let c): return "record callback caller=\(c.callerID ?? "unknown") confirmed=\(c.confirmedByCaller) urgent=\(c.urgent)"
        }
    }
}

/// Runs a script like the unit would: one `advance` per 20 ms period, events in frame order, and a fake
/// prompt player and fake exchange that answer the engine's actions (the real ones live in other modules).
struct ScriptRunner {
    static func run(_ script: CallScript, bundle: FlowBundle? = nil) throws -> CallTrace {
        let flowBundle = try bundle ?? RealPrompts.bundle(languages: script.languages)
        var engine = CallEngine(bundle: flowBundle, config: script.config, context: script.context)
        let rate = script.config.framesPerSecond
        let period = rate / 50
        var pending: [(frame: Int, order: Int, input: CallInput)] = []
        var order = 0
        func schedule(_ frame: Int, _ input: CallInput) {
            pending.append((frame, order, input))
            order += 1
        }
        for event in script.caller { schedule(event.ms * rate / 1000, event.input) }
        var trace = CallTrace(engine: engine)
        var dialCount = 0
        var currentTarget: FakeTarget?
        var answerScheduledFor = -1

        func react(_ actions: [CallAction], at frame: Int) {
            for action in actions {
                trace.entries.append((frame, action))
                switch action {
                case .playPrompt(let p) where script.playerReportsEnd:
                    let ms = script.promptDurationMs?(p) ?? script.promptMs
                    schedule(frame + ms * rate / 1000, .promptFinished(playbackID: p.playbackID))
                case .whisper(let id, _):
                    schedule(frame + 1500 * rate / 1000, .promptFinished(playbackID: id))
                case .flash(let ms):
                    if currentTarget == nil {
                        // flash towards a target: the exchange gives dial tone unless this target has none
                        let next = dialCount < script.targets.count ? script.targets[dialCount] : .noAnswer
                        if case .noDialTone = next {} else { schedule(frame + (ms + 300) * rate / 1000, .tone(.dialTone)) }
                        currentTarget = next
                        dialCount += 1
                    } else {
                        currentTarget = nil  // flash back to the caller
                    }
                case .dial:
                    switch currentTarget {
                    case .answers(let afterMs)?:
                        schedule(frame + 400 * rate / 1000, .tone(.ringback))
                        answerScheduledFor = dialCount
                        schedule(frame + afterMs * rate / 1000, .board(.agentAnswered))
                    case .answersByVoice(let afterMs)?:
                        schedule(frame + 400 * rate / 1000, .tone(.ringback))
                        schedule(frame + afterMs * rate / 1000, .speechStarted)
                    case .hangsUpDuringWhisper?:
                        answerScheduledFor = dialCount
                        schedule(frame + 1000 * rate / 1000, .board(.agentAnswered))
                        schedule(frame + 1500 * rate / 1000, .tone(.busy))
                    case .busy?: schedule(frame + 400 * rate / 1000, .tone(.busy))
                    case .reorder?: schedule(frame + 400 * rate / 1000, .tone(.reorder))
                    default: schedule(frame + 400 * rate / 1000, .tone(.ringback))
                    }
                default:
                    break
                }
            }
        }

        react(engine.start(atFrame: 0), at: 0)
        let endFrame = script.endMs * rate / 1000
        var tick = period
        while tick <= endFrame && !engine.isEnded {
            // Nothing due before the next event or deadline: jump there (same result as advancing every period,
            // since deadlines fire at their own frames), so long queued calls stay cheap.
            let nextEvent = pending.map(\.frame).min() ?? .max
            let nextDue = min(nextEvent, engine.nextDeadlineFrame ?? .max)
            if nextDue > tick + period, nextDue != .max {
                tick = min(endFrame, (nextDue / period) * period)
            } else if nextDue == .max {
                tick = endFrame
            }
            while let next = pending.enumerated().filter({ $0.element.frame <= tick })
                .min(by: { ($0.element.frame, $0.element.order) < ($1.element.frame, $1.element.order) }) {
                pending.remove(at: next.offset)
                let input = next.element.input
                // an answer meant for a target that already failed is stale
                if input == .board(.agentAnswered), answerScheduledFor != dialCount { continue }
                react(engine.handle(input, atFrame: next.element.frame), at: next.element.frame)
                if engine.isEnded { break }
            }
            react(engine.advance(toFrame: tick), at: tick)
            tick += period
        }
        trace.engine = engine
        return trace
    }
}
