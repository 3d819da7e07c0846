import ArgumentParser
import Foundation
import WarmlineCore
import WarmlineStore
import WarmlineUnit

/// `warmline logs`: the event log, newest last, as a table, CSV, JSON or NDJSON.
struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show logged events, newest last.",
        discussion: "Times are in the unit's time_zone with their offset (--utc for UTC); CSV and JSON add ISO 8601 local times "
            + "beside the epoch milliseconds.")

    @OptionGroup var listing: ListingOption

    @OptionGroup var window: TimeWindowOption

    @Option(name: .customLong("call"), help: ArgumentHelp("Only this call's events: last, a short id (L1-0042), a full id or a unique prefix.",
                                                          valueName: "id"))
    var callID: String?

    @Option(help: ArgumentHelp("Only this event type; a trailing * matches a prefix (distress.*). A wrong type lists the valid ones.",
                               valueName: "type"))
    var type: String?

    @Option(help: ArgumentHelp("Output format: table, csv, json or ndjson.", valueName: "format"))
    var format: String = "table"

    @Option(help: ArgumentHelp("Show at most this many (the newest).", valueName: "count"))
    var limit: Int?

    @Flag(help: "Full times and ids, no wrapping at 80 columns.")
    var wide = false

    func run() throws {
        let format = try ListingFormat.parse(format, extra: ["ndjson"])
        let context = try listing.open()
        if let type { try Logs.validate(type: type, store: context.store) }
        let bounds = try window.milliseconds(timeZone: context.format.timeZone)
        var callFilter: String?
        if let callID {
            do {
                callFilter = try context.store.resolveCall(callID)
            } catch let error as StoreError {
                throw CommandFailure.badInput("--call: \(error)")
            }
        }
        let filter = EventFilter(sinceMs: bounds.since, untilMs: bounds.until, callID: callFilter, type: type, limit: limit)
        let events = try context.store.events(matching: filter)
        let shortIDs = try context.store.shortIDs()
        let time = context.format
        func values(_ event: EventRecord) -> [String: Any] {
            ["id": event.id ?? 0, "call_id": event.callID ?? NSNull(), "short_id": event.callID.flatMap { shortIDs[$0] } ?? NSNull(),
             "frame_time": event.frameTime, "wall_time_ms": event.wallTimeMs, "time": time.iso8601(ms: event.wallTimeMs),
             "type": event.type, "payload": NDJSON.payload(event.payload)]
        }
        switch format {
        case "csv":
            print(CSV.row(["id", "call_id", "short_id", "frame_time", "wall_time_ms", "time", "type", "payload"]), terminator: "")
            for event in events {
                print(CSV.row([event.id.map(String.init) ?? "", event.callID ?? "", event.callID.flatMap { shortIDs[$0] } ?? "",
                               String(event.frameTime), String(event.wallTimeMs), time.iso8601(ms: event.wallTimeMs), event.type,
                               event.payload]), terminator: "")
            }
        case "ndjson":
            for event in events { print(NDJSON.line(values(event))) }
        case "json":
            print(JSONList.render(events.map(values)))
        default:
            func call(_ event: EventRecord) -> String {
                guard let id = event.callID else { return "-" }
                return wide ? id : shortIDs[id] ?? TextTable.cut(id, 12)
            }
            let rows = events.map { event in
                [wide ? time.dateTime(ms: event.wallTimeMs) : "\(time.time(ms: event.wallTimeMs)) \(time.offsetLabel(ms: event.wallTimeMs))",
                 call(event), event.type, EventDescription.describe(event)]
            }
            print(TextTable.render(header: ["TIME", "CALL", "TYPE", "DETAILS"], rows: rows, maxWidth: wide ? nil : TextTable.terminalWidth,
                                   banners: wide ? [:] : TextTable.dayBanners(events.map(\.wallTimeMs), format: time)))
        }
        if events.isEmpty, try context.store.callCount() == 0 { context.noteEmptyCopy() }
    }

    /// Every event type the unit logs: the engine's events under their store names, the store's own, and the callback marks.
    static var knownTypes: [String] {
        let engine = CallLogEventType.allCases.map { $0.storeName }
        let store = [EventType.callRing, EventType.callAnswered, EventType.callEnded, EventType.promptPlayed, EventType.menuNode,
                     EventType.dtmfDigit, EventType.speechKeyword, EventType.distressSignal, EventType.distressHandoff, EventType.agentRequested,
                     EventType.handoffStarted, EventType.handoffAttempt, EventType.handoffConnected, EventType.handoffFailed, EventType.dayPassOffered,
                     EventType.dayPassGranted, EventType.dayPassRefused, EventType.callbackRequested, EventType.storeOverflow,
                     EventType.storeRecovered, EventType.storePurged, EventType.lineBypass, EventType.lineBoardReset,
                     CallbackRecord.doneEventType]
        return Set(engine + store).sorted()
    }

    /// A `--type` the unit never logs (nor this database holds) exits 2 with the valid types, so a typo is not read as "no events".
    static func validate(type: String, store: StoreDatabase) throws {
        let stored = try store.pool.read { try String.fetchAll($0, sql: "SELECT DISTINCT type FROM events") }
        let valid = Set(knownTypes + stored).sorted()
        let matches = type.hasSuffix("*") ? valid.contains { $0.hasPrefix(type.dropLast()) } : valid.contains(type)
        guard !matches else { return }
        let prefixes = Set(valid.compactMap { $0.split(separator: ".").first.map { "\($0).*" } }).sorted()
        throw CommandFailure.badInput("--type '\(type)' is not an event type. Valid types:\n  " + valid.joined(separator: "\n  ")
            + "\nor a prefix: \(prefixes.joined(separator: ", "))")
    }
}
