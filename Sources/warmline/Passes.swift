import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline passes`: the day-pass ledger's outbox for the billing sync.
struct Passes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Day-pass ledger tools for the billing sync.", subcommands: [PassesOutbox.self])
}

/// `warmline passes outbox [--all] [--mark-sent IDS]`.
struct PassesOutbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List outbox entries waiting for billing, or mark some as sent.",
        discussion: "The table fits 80 columns; --format json gives the raw payloads. Marking is all or nothing for unknown ids, "
            + "and an entry already sent is left as it is (\"already sent at ...\").")

    @OptionGroup var listing: ListingOption

    @Option(name: .customLong("mark-sent"), help: ArgumentHelp("Comma-separated outbox ids billing has confirmed (all or none are marked).", valueName: "ids"))
    var markSent: String?

    @Flag(help: "Sent entries too, not only pending ones.")
    var all = false

    @Option(help: ArgumentHelp("Output format: table, csv or json (ndjson: one raw entry per line).", valueName: "format"))
    var format: String = "table"

    func run() throws {
        let format = try ListingFormat.parse(format, extra: ["ndjson"])
        if let markSent {
            let parts = markSent.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let ids = parts.compactMap { Int64($0) }
            guard !parts.isEmpty, ids.count == parts.count else {
                throw CommandFailure.badInput("--mark-sent '\(markSent)' is not a list of outbox ids like 3,4,7")
            }
            let context = try listing.open()  // refuses a missing database instead of creating an empty one
            let writable = try listing.database.openForWriting(path: context.store.path)
            let results: [OutboxMarking]
            do {
                results = try writable.markOutboxSentOnce(ids: ids, atMs: TimeBound.milliseconds(Date()))
            } catch let error as StoreError {
                throw CommandFailure.badInput("\(error)")
            }
            for result in results {
                switch result {
                case .marked(let id, let atMs): print("outbox \(id) marked sent at \(context.format.dateTime(ms: atMs))")
                case .alreadySent(let id, let atMs?): print("outbox \(id) already sent at \(context.format.dateTime(ms: atMs)); nothing changed")
                case .alreadySent(let id, nil): print("outbox \(id) already sent; nothing changed")
                }
            }
            return
        }
        let context = try listing.open()
        let entries = try context.store.outbox(includeSent: all)
        let time = context.format
        func subscriber(_ entry: OutboxRecord) -> String {
            (NDJSON.payload(entry.payload) as? [String: Any])?["msisdn"].map { "\($0)" } ?? "-"
        }
        func values(_ entry: OutboxRecord) -> [String: Any] {
            ["id": entry.id ?? 0, "kind": entry.kind, "day_pass_id": entry.dayPassID ?? NSNull(), "subscriber": subscriber(entry),
             "status": entry.status, "attempts": entry.attempts, "created_at_ms": entry.createdAtMs, "created_at": time.iso8601(ms: entry.createdAtMs),
             "sent_at_ms": entry.sentAtMs ?? NSNull(), "sent_at": entry.sentAtMs.map(time.iso8601) ?? NSNull(),
             "payload": NDJSON.payload(entry.payload)]
        }
        switch format {
        case "json":
            print(JSONList.render(entries.map(values)))
        case "ndjson":
            for entry in entries { print(NDJSON.line(values(entry))) }
        case "csv":
            let fields = ["id", "kind", "day_pass_id", "subscriber", "status", "attempts", "created_at_ms", "created_at", "sent_at_ms", "sent_at"]
            print(CSV.row(fields + ["payload"]), terminator: "")
            for entry in entries {
                print(CSV.row(fields.map { CallsList.text(values(entry)[$0]) } + [entry.payload]), terminator: "")
            }
        default:
            print(TextTable.render(header: ["ID", "SUBSCRIBER", "KIND", "CREATED", "STATE", "ATTEMPTS"], rows: entries.map { entry in
                [String(entry.id ?? 0), TextTable.cut(subscriber(entry), 16), entry.kind,
                 String(time.dateTime(ms: entry.createdAtMs).prefix(16)) + " " + time.offsetLabel(ms: entry.createdAtMs),
                 entry.status, String(entry.attempts)]
            }, maxWidth: TextTable.terminalWidth))
        }
    }
}
