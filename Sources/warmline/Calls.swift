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
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List calls, oldest first.")

    @OptionGroup var database: DatabaseOption

    @OptionGroup var window: TimeWindowOption

    @Option(help: ArgumentHelp("Only this outcome: \(CallOutcome.all.joined(separator: ", ")).", valueName: "outcome"))
    var outcome: String?

    @Flag(help: "Only calls handed off for distress.")
    var distress = false

    func run() throws {
        let outcome = try outcome.map { try OptionValue.choice($0, option: "--outcome", allowed: CallOutcome.all) }
        let bounds = try window.milliseconds()
        let filter = CallFilter(sinceMs: bounds.since, untilMs: bounds.until, outcome: outcome, distressOnly: distress)
        let calls = try database.openForReading().calls(matching: filter)
        let time = TimeFormat(timeZone: .current)
        print(TextTable.render(header: ["CALL", "LINE", "CALLER", "STARTED", "LENGTH", "OUTCOME", "DISTRESS", "AGENT", "LATENCY", "EVENTS"],
                               rows: calls.map { summary in
            let call = summary.call
            return [call.id, String(call.line), call.callerID ?? "-", time.dateTime(ms: call.startedAtMs),
                    call.endedAtMs.map { TimeFormat.offset(ms: $0 - call.startedAtMs) } ?? "-", call.outcome ?? "in progress",
                    summary.distress ? "yes" : "-", call.handoffTarget ?? "-", call.handoffLatencyMs.map { "\($0) ms" } ?? "-",
                    String(summary.eventCount)]
        }))
    }
}

/// `warmline calls show ID`: one call as a readable timeline.
struct CallsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one call as a timeline with distress reasons and hand-off attempts.")

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The call id (see `warmline calls`).")
    var callID: String

    func run() throws {
        let store = try database.openForReading()
        do {
            print(TerminalText.escaped(try store.timeline(callID: callID).rendered(timeZone: .current), keepNewlines: true))
        } catch let error as StoreError {
            throw CommandFailure.badInput("\(error)")
        }
    }
}
