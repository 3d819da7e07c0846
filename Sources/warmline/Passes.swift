import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline passes`: the day-pass ledger's outbox for the billing sync.
struct Passes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Day-pass ledger tools for the billing sync.", subcommands: [PassesOutbox.self])
}

/// `warmline passes outbox [--mark-sent IDS]`.
struct PassesOutbox: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "outbox", abstract: "List pending outbox entries, or mark some as sent.")

    @OptionGroup var database: DatabaseOption

    @Option(name: .customLong("mark-sent"), help: ArgumentHelp("Comma-separated outbox ids billing has confirmed (all or none are marked).", valueName: "ids"))
    var markSent: String?

    @Option(help: ArgumentHelp("Output format: table or ndjson.", valueName: "format"))
    var format: String = "table"

    func run() throws {
        let format = try OptionValue.choice(format, option: "--format", allowed: ["table", "ndjson"])
        if let markSent {
            let parts = markSent.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let ids = parts.compactMap { Int64($0) }
            guard !parts.isEmpty, ids.count == parts.count else {
                throw CommandFailure.badInput("--mark-sent '\(markSent)' is not a list of outbox ids like 3,4,7")
            }
            _ = try database.openForReading()  // refuses a missing database instead of creating an empty one
            let writable = try database.openForWriting()
            do {
                try writable.markOutboxSent(ids: ids, atMs: TimeBound.milliseconds(Date()))
            } catch let error as StoreError {
                throw CommandFailure.badInput("\(error)")
            }
            print("marked \(ids.count) outbox entries sent")
            return
        }
        let pending = try database.openForReading().pendingOutbox()
        let time = TimeFormat(timeZone: .current)
        if format == "ndjson" {
            for entry in pending {
                print(NDJSON.line(["id": entry.id ?? 0, "kind": entry.kind, "day_pass_id": entry.dayPassID ?? NSNull(),
                                   "attempts": entry.attempts, "created_at_ms": entry.createdAtMs, "payload": NDJSON.payload(entry.payload)]))
            }
        } else {
            print(TextTable.render(header: ["ID", "KIND", "PASS", "CREATED", "ATTEMPTS", "PAYLOAD"], rows: pending.map { entry in
                [String(entry.id ?? 0), entry.kind, entry.dayPassID.map(String.init) ?? "-", time.dateTime(ms: entry.createdAtMs),
                 String(entry.attempts), entry.payload]
            }))
        }
    }
}
