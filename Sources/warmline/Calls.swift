import ArgumentParser
import Foundation
import WarmlineStore
import WarmlineText

/// `warmline calls`: list calls, or `calls show ID` for one call's timeline.
struct Calls: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List calls, or show one call's timeline.",
        subcommands: [CallsList.self, CallsShow.self],
        defaultSubcommand: CallsList.self)
}

/// `warmline calls [list]`: calls with outcome, distress and hand-off, oldest first.
struct CallsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List calls, oldest first.",
        discussion: "Times are in the unit's time_zone with their offset (--utc for UTC). CALL is the short id (line and sequence, "
            + "L1-0042); `calls show` takes it, the full id, or any prefix only one call has.")

    @OptionGroup var listing: ListingOption

    @OptionGroup var window: TimeWindowOption

    @Option(help: ArgumentHelp("Only this outcome: \(OutcomeVocabulary.accepted.joined(separator: ", ")).", valueName: "outcome"))
    var outcome: String?

    @Flag(help: "Only calls handed off for distress.")
    var distress = false

    @Option(help: ArgumentHelp("Only calls whose caller ID contains these digits.", valueName: "number"))
    var caller: String?

    @Option(help: ArgumentHelp("Only calls on this board line.", valueName: "n"))
    var line: Int?

    @Option(name: .customLong("lang"), help: ArgumentHelp("Only calls in this prompt language (en, uk, tr, ...).", valueName: "code"))
    var language: String?

    @Option(help: ArgumentHelp("Output format: table, csv or json.", valueName: "format"))
    var format: String = "table"

    @Flag(help: "Every column (full id, agent, latency, events), wider than 80 columns.")
    var wide = false

    func run() throws {
        let format = try ListingFormat.parse(format)
        let outcomes = try outcome.map { try OutcomeVocabulary.stored(for: $0) } ?? []
        if let line, line < 1 { throw CommandFailure.badInput("--line \(line) is not a board line; lines are numbered from 1") }
        let context = try listing.open()
        let bounds = try window.milliseconds(timeZone: context.format.timeZone)
        let filter = CallFilter(sinceMs: bounds.since, untilMs: bounds.until, outcomes: outcomes, distressOnly: distress,
                                caller: caller?.filter { $0 != " " }, line: line, language: language)
        let calls = try context.store.calls(matching: filter)
        let time = context.format
        switch format {
        case "csv":
            print(CSV.row(CallsList.fields), terminator: "")
            for summary in calls { print(CSV.row(CallsList.fields.map { CallsList.text(CallsList.values(summary, time)[$0]) }), terminator: "") }
        case "json":
            print(JSONList.render(calls.map { CallsList.values($0, time) }))
        default:
            print(wide ? CallsList.wideTable(calls, time) : CallsList.table(calls, time))
        }
        if calls.isEmpty, try context.store.callCount() == 0 { context.noteEmptyCopy() }
    }

    /// CSV columns, in order (JSON uses the same keys).
    static let fields = ["short_id", "call_id", "line", "caller_id", "language", "started_at_ms", "started_at", "answered_at_ms", "answered_at",
                         "ended_at_ms", "ended_at", "duration_ms", "outcome", "distress", "handoff_target", "handoff_latency_ms", "event_count"]

    /// One call as keyed values: epoch milliseconds and ISO 8601 local times side by side.
    static func values(_ summary: CallSummary, _ time: TimeFormat) -> [String: Any] {
        let call = summary.call
        func iso(_ ms: Int64?) -> Any { ms.map(time.iso8601) ?? NSNull() }
        return ["short_id": summary.shortID, "call_id": call.id, "line": call.line, "caller_id": call.callerID ?? NSNull(),
                "language": call.language ?? NSNull(), "started_at_ms": call.startedAtMs, "started_at": time.iso8601(ms: call.startedAtMs),
                "answered_at_ms": call.answeredAtMs ?? NSNull(), "answered_at": iso(call.answeredAtMs),
                "ended_at_ms": call.endedAtMs ?? NSNull(), "ended_at": iso(call.endedAtMs),
                "duration_ms": call.endedAtMs.map { $0 - call.startedAtMs } ?? NSNull(), "outcome": call.outcome ?? NSNull(),
                "distress": summary.distress, "handoff_target": call.handoffTarget ?? NSNull(),
                "handoff_latency_ms": call.handoffLatencyMs ?? NSNull(), "event_count": summary.eventCount]
    }

    /// A JSON-ready value as CSV text (null → empty).
    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: ""
        case let flag as Bool: flag ? "true" : "false"
        case let some?: "\(some)"
        }
    }

    /// 80 columns: short id, local start (the day in a heading above), length, caller, outcome, and a note (distress, agent).
    static func table(_ calls: [CallSummary], _ time: TimeFormat) -> String {
        TextTable.render(header: ["CALL", "STARTED", "LEN", "CALLER", "OUTCOME", "NOTE"], rows: calls.map { summary in
            let call = summary.call
            var note: [String] = []
            if summary.distress { note.append("distress") }
            if let target = call.handoffTarget { note.append("→ \(target)") }
            return [summary.shortID, "\(time.time(ms: call.startedAtMs)) \(time.offsetLabel(ms: call.startedAtMs))",
                    call.endedAtMs.map { TimeFormat.callTime(ms: $0 - call.startedAtMs).split(separator: ".").first.map(String.init) ?? "" } ?? "-",
                    call.callerID ?? "-", call.outcome ?? "in progress", note.isEmpty ? "-" : note.joined(separator: " ")]
        }, maxWidth: TextTable.terminalWidth, banners: TextTable.dayBanners(calls.map(\.call.startedAtMs), format: time))
    }

    /// Every column, full times, no width limit.
    static func wideTable(_ calls: [CallSummary], _ time: TimeFormat) -> String {
        TextTable.render(header: ["CALL", "ID", "LINE", "STARTED", "LENGTH", "CALLER", "LANG", "OUTCOME", "DISTRESS", "AGENT", "LATENCY", "EVENTS"],
                         rows: calls.map { summary in
            let call = summary.call
            return [summary.shortID, call.id, String(call.line), time.dateTime(ms: call.startedAtMs),
                    call.endedAtMs.map { TimeFormat.callTime(ms: $0 - call.startedAtMs) } ?? "-", call.callerID ?? "-", call.language ?? "-",
                    call.outcome ?? "in progress", summary.distress ? "yes" : "-", call.handoffTarget ?? "-",
                    call.handoffLatencyMs.map { "\($0) ms" } ?? "-", String(summary.eventCount)]
        })
    }
}

/// `warmline calls show ID`: one call as a readable timeline.
struct CallsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one call as a timeline with distress reasons and hand-off attempts.",
        discussion: "ID is `last`, a short id (L1-0042), a full id, or a prefix of either that only one call has.")

    @OptionGroup var listing: ListingOption

    @Flag(help: "Do not wrap the timeline at 80 columns.")
    var wide = false

    @Argument(help: "The call: last, a short id (L1-0042), a full id or a unique prefix (see `warmline calls`).")
    var callID: String

    func run() throws {
        let context = try listing.open()
        do {
            let id = try context.store.resolveCall(callID)
            let text = try context.store.timeline(callID: id).rendered(format: context.format, width: wide ? nil : TextTable.terminalWidth)
            print(TerminalText.escaped(text, keepNewlines: true))
        } catch let error as StoreError {
            if try context.store.callCount() == 0 { context.noteEmptyCopy() }
            throw CommandFailure.badInput("\(error)")
        }
    }
}

/// The outcome names `--outcome` accepts: the one outcome model's (`CallOutcome`).
enum OutcomeVocabulary {
    /// Every accepted name: the stored outcomes (a database written before them is migrated on the unit's next start).
    static var accepted: [String] { CallOutcome.all }

    /// The stored values `name` matches, or exit 2 listing the accepted names.
    static func stored(for name: String) throws -> [String] {
        [try OptionValue.choice(name, option: "--outcome", allowed: accepted)]
    }
}
