import ArgumentParser
import Foundation
import WarmlineBilling
import WarmlineStore
import WarmlineUnit

/// `warmline passes`: the day-pass ledger's outbox for the billing sync.
struct Passes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Day-pass ledger tools for the billing sync.", subcommands: [PassesOutbox.self, PassesSync.self])
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

/// `warmline passes sync`: POSTs the pending outbox to `billing.url` now, retrying with back-off; a pass is active once acknowledged.
struct PassesSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Send pending day passes to billing now (retries with back-off; exits 1 if some stay pending).",
        discussion: "Each outbox entry is POSTed to billing.url with a stable Idempotency-Key; only a 2xx acknowledges it, "
            + "and an acknowledged pass is active for the caller's next call. Every attempt is logged as a billing.attempt event.")

    @OptionGroup var database: DatabaseOption

    @OptionGroup var config: ConfigOption

    @Option(name: .customLong("max-attempts"), help: ArgumentHelp("Attempts per entry in this run before giving up until the next run.", valueName: "n"))
    var maxAttempts: Int = 5

    func run() async throws {
        guard maxAttempts >= 1 else { throw CommandFailure.badInput("--max-attempts \(maxAttempts): give at least 1") }
        let unit = try config.load()
        guard let url = unit.billing.url else { throw CommandFailure.badInput("\(BillingSetupError.notConfigured)") }
        let endpoint: BillingEndpoint
        do {
            endpoint = try BillingEndpoint(url: url, tokenFile: unit.billing.tokenFile, timeoutMs: unit.billing.timeoutMs,
                                           retryBaseMs: unit.billing.retryBaseMs, retryMaxMs: unit.billing.retryMaxMs)
        } catch {
            throw CommandFailure.badInput("\(config.path): \(error)")
        }
        _ = try database.openForReading()  // refuses a missing database instead of creating an empty one
        let sync = BillingSync(store: try database.openForWriting(), endpoint: endpoint)
        var triedThisRun: [Int64: Int] = [:]
        var acknowledged = 0
        while true {
            let pass: BillingSync.PassResult
            do {
                // a technician's "send now": the back-off of earlier runs does not hold back this run's first attempt
                pass = try await sync.syncOnce { triedThisRun[$0.entry.id ?? 0] == nil }
            } catch {
                throw CommandFailure.runtime("\(error)")
            }
            acknowledged += pass.acknowledged
            for attempt in pass.attempts {
                triedThisRun[attempt.outboxID, default: 0] += 1
                let retry = attempt.acknowledged || triedThisRun[attempt.outboxID, default: 0] >= maxAttempts
                    ? nil : endpoint.retryDelayMs(afterAttempts: attempt.attempt)
                print(BillingLog.line(attempt, nextRetryMs: retry))
            }
            guard pass.stillPending > 0, let nextDue = pass.nextDueMs else { break }
            let pending = try sync.store.billingPending()
            // stop once every pending entry had its attempts in this run (an entry tried by an earlier run still gets its own)
            if pending.allSatisfy({ triedThisRun[$0.entry.id ?? 0, default: 0] >= maxAttempts }) { break }
            let waitMs = max(0, nextDue - sync.now())
            try await Task.sleep(for: .milliseconds(waitMs))
        }
        let left = try sync.store.billingPending().count
        print("billing sync: \(acknowledged) acknowledged, \(left) pending")
        if left > 0 {
            throw CommandFailure.runtime("\(left) outbox entries are still pending after \(maxAttempts) attempts each; the next sync retries them")
        }
    }
}
