import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline logs`: the event log, newest last, as a table, CSV or NDJSON.
struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show logged events, newest last.")

    @OptionGroup var database: DatabaseOption

    @OptionGroup var window: TimeWindowOption

    @Option(name: .customLong("call"), help: ArgumentHelp("Only this call's events.", valueName: "id"))
    var callID: String?

    @Option(help: ArgumentHelp("Only this event type; a trailing * matches a prefix (distress.*).", valueName: "type"))
    var type: String?

    @Option(help: ArgumentHelp("Output format: table, csv or ndjson.", valueName: "format"))
    var format: String = "table"

    @Option(help: ArgumentHelp("Show at most this many (the newest).", valueName: "count"))
    var limit: Int?

    func run() throws {
        let format = try OptionValue.choice(format, option: "--format", allowed: ["table", "csv", "ndjson"])
        let bounds = try window.milliseconds()
        let filter = EventFilter(sinceMs: bounds.since, untilMs: bounds.until, callID: callID, type: type, limit: limit)
        let events = try database.openForReading().events(matching: filter)
        let time = TimeFormat(timeZone: .current)
        switch format {
        case "csv":
            print(CSV.row(["id", "call_id", "frame_time", "wall_time_ms", "time", "type", "payload"]), terminator: "")
            for event in events {
                print(CSV.row([event.id.map(String.init) ?? "", event.callID ?? "", String(event.frameTime), String(event.wallTimeMs),
                               time.dateTime(ms: event.wallTimeMs), event.type, event.payload]), terminator: "")
            }
        case "ndjson":
            for event in events {
                print(NDJSON.line(["id": event.id ?? 0, "call_id": event.callID ?? NSNull(), "frame_time": event.frameTime,
                                   "wall_time_ms": event.wallTimeMs, "time": time.dateTime(ms: event.wallTimeMs),
                                   "type": event.type, "payload": NDJSON.payload(event.payload)]))
            }
        default:
            print(TextTable.render(header: ["TIME", "CALL", "FRAME", "TYPE", "DETAILS"], rows: events.map { event in
                [time.dateTime(ms: event.wallTimeMs), event.callID ?? "-", String(event.frameTime), event.type, EventDescription.describe(event)]
            }))
        }
    }
}
