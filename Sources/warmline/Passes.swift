import ArgumentParser
import Foundation
import WarmlineBilling
import WarmlineStore
import WarmlineUnit

/// `warmline passes`: the day-pass ledger's outbox for the billing sync.
struct Passes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Day-pass ledger tools for the billing sync.", subcommands: [PassesOutbox.self, PassesSync.self])
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
