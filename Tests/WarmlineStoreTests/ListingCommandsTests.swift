import Foundation
import GRDB
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

/// The supervisor's listings run as a supervisor would (the built `warmline`), on the fixture's morning.
@Suite("Listing commands", .holdsItsThread)
struct ListingCommandsTests {
    /// A unit config in Kyiv time (`database` as given, else the default live path); returns its path.
    static func kyivConfig(in directory: TemporaryDirectory, database: String? = nil) throws -> String {
        let path = directory.file("kyiv.yaml")
        var text = "languages: [\"en\"]\nprompts_dir: \"\(StoreCommandsTests.prompts)\"\ntime_zone: \"Europe/Kyiv\"\n"
        if let database { text += "database: \"\(database)\"\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func fixture() throws -> (TemporaryDirectory, StoreDatabase, String) {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        return (directory, store, try Self.kyivConfig(in: directory))
    }

    private func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    @Test("calls fit 80 columns in the unit's zone, labelled, with short ids; --utc and --wide switch")
    func callsList() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        let result = try BuildProducts.run("warmline", ["calls", "--db", store.path, "--config", config])
        #expect(result.status == 0, "stderr: \(result.err)")
        #expect(lines(result.out).allSatisfy { $0.count <= 80 }, "\(result.out)")
        #expect(result.out.contains("── 2026-11-26 (Europe/Kyiv) ──"))
        #expect(result.out.contains("L1-0002  11:00:00 +02:00  1:35  +353871111111  reached_person     distress →\n"))
        #expect(result.out.contains("── 2026-11-25 (Europe/Kyiv) ──\nL1-0001  11:00:00 +02:00  -     -"))  // the line's call the day before
        let utc = try BuildProducts.run("warmline", ["calls", "--db", store.path, "--config", config, "--utc"])
        #expect(utc.out.contains("L1-0002  09:00:00 +00:00"))
        let wide = try BuildProducts.run("warmline", ["calls", "--db", store.path, "--config", config, "--wide"])
        #expect(wide.out.contains("L1-0002  L1-0001  1     2026-11-26 11:00:00 +02:00"), "\(wide.out)")
    }

    @Test("calls filter by caller, line, language and outcome, the new outcome names included")
    func callsFilters() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        func shortIDs(_ extra: [String]) throws -> [String] {
            let result = try BuildProducts.run("warmline", ["calls", "--db", store.path, "--config", config, "--format", "json"] + extra)
            #expect(result.status == 0, "stderr: \(result.err)")
            let objects = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]] ?? []
            return objects.compactMap { $0["short_id"] as? String }
        }
        #expect(try shortIDs(["--caller", "872222222"]) == ["L2-0001", "L2-0002"])
        #expect(try shortIDs(["--line", "2", "--lang", "uk"]) == ["L2-0001", "L2-0002"])
        #expect(try shortIDs(["--outcome", "reached_person"]) == ["L1-0001", "L1-0002", "L2-0001"])
        #expect(try shortIDs(["--outcome", "callback_promised"]) == ["L1-0004"])
        #expect(try shortIDs(["--since", "2026-11-26T11:30", "--until", "2026-11-26T11:50"]) == ["L2-0002", "L1-0004"])
        let bad = try BuildProducts.run("warmline", ["calls", "--db", store.path, "--outcome", "lost"])
        #expect(bad.status == 2 && bad.err.contains("reached_person") && bad.err.contains("abandoned_waiting"))
    }

    @Test("calls as CSV and JSON keep epoch milliseconds and add ISO 8601 local times")
    func callsCSVAndJSON() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        let csv = try BuildProducts.run("warmline", ["calls", "--db", store.path, "--config", config, "--format", "csv"])
        let records = CSV.parse(csv.out)
        let header = try #require(records.first?.fields)
        let row = try #require(records.first { $0.fields.first == "L1-0002" }?.fields)
        #expect(row[header.firstIndex(of: "started_at_ms") ?? 0] == String(StoreFixture.nineMs))
        #expect(row[header.firstIndex(of: "started_at") ?? 0] == "2026-11-26T11:00:00.000+02:00")
        #expect(row[header.firstIndex(of: "call_id") ?? 0] == "L1-0001")
        #expect(records.count == 8)
    }

    @Test("calls show takes last, a short id or a unique prefix; an ambiguous prefix lists the candidates")
    func callsShow() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        let last = try BuildProducts.run("warmline", ["calls", "show", "last", "--db", store.path, "--config", config])
        #expect(last.status == 0, "stderr: \(last.err)")
        #expect(last.out.hasPrefix("call L2-0003 (L2-0003)  line 2  caller +353873333333"))
        #expect(last.out.contains("started 2026-11-26 11:50:00 +02:00 (Europe/Kyiv)\nnot answered, ended 3.000s after the ring\n"))
        let short = try BuildProducts.run("warmline", ["calls", "show", "l1-4", "--db", store.path, "--config", config])
        #expect(short.out.hasPrefix("call L1-0004 (L1-0003)"))
        #expect(lines(short.out).allSatisfy { $0.count <= 80 })
        let ambiguous = try BuildProducts.run("warmline", ["calls", "show", "L2-000", "--db", store.path])
        #expect(ambiguous.status == 2)
        #expect(ambiguous.err.contains("'L2-000' matches 3 calls: L2-0001 (L2-0001), L2-0002 (L2-0002), L2-0003 (L2-0003)"))
    }

    @Test("logs --type with an unknown type exits 2 listing the valid types; a known prefix works")
    func logsType() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        let bad = try BuildProducts.run("warmline", ["logs", "--type", "distress.signals", "--db", store.path])
        #expect(bad.status == 2)
        #expect(bad.out.isEmpty)
        #expect(bad.err.contains("--type 'distress.signals' is not an event type. Valid types:"))
        #expect(bad.err.contains("\n  distress.signal\n") && bad.err.contains("\n  call.ring\n") && bad.err.contains("distress.*"))
        let good = try BuildProducts.run("warmline", ["logs", "--type", "distress.*", "--db", store.path, "--config", config])
        #expect(good.status == 0)
        #expect(lines(good.out).allSatisfy { $0.count <= 80 }, "\(good.out)")
        #expect(good.out.contains("11:00:07 +02:00  L1-0002  distress.handoff"))
        // details wrap under their own column
        let call = try BuildProducts.run("warmline", ["logs", "--call", "L1-0004", "--db", store.path, "--config", config])
        #expect(call.out.contains("11:41:10 +02:00  L1-0004  callback.requested  caller_id=+905551234567 reason=all\n"
            + String(repeating: " ", count: 46) + "agents unanswered\n"), "\(call.out)")
        let json = try BuildProducts.run("warmline", ["logs", "--call", "last", "--format", "json", "--db", store.path, "--config", config])
        let objects = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        #expect(objects?.count == 1 && objects?.first?["time"] as? String == "2026-11-26T11:50:00.000+02:00")
    }

    @Test("callbacks list with age; --done marks once and says 'already done at' the second time")
    func callbacks() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        let list = try BuildProducts.run("warmline", ["callbacks", "--db", store.path, "--config", config])
        #expect(list.status == 0, "stderr: \(list.err)")
        #expect(list.out.contains("1   L1-0004  +905551234567  2026-11-26 11:41 +02:00"))
        #expect(list.out.contains("pending"))
        #expect(list.out.contains("1 pending; the oldest has waited"))
        let done = try BuildProducts.run("warmline", ["callbacks", "--done", "1", "--db", store.path, "--config", config])
        #expect(done.status == 0)
        #expect(done.out.hasPrefix("callback 1 marked done at "))
        let again = try BuildProducts.run("warmline", ["callbacks", "--done", "1", "--db", store.path, "--config", config])
        #expect(again.status == 0)
        let doneAt = done.out.dropFirst("callback 1 marked done at ".count).trimmingCharacters(in: .newlines)
        #expect(again.out == "callback 1 already done at \(doneAt); nothing changed\n")
        let pending = try BuildProducts.run("warmline", ["callbacks", "--pending", "--db", store.path])
        #expect(pending.out.contains("no pending callback requests"))
        let unknown = try BuildProducts.run("warmline", ["callbacks", "--done", "9", "--db", store.path])
        #expect(unknown.status == 2 && unknown.err.contains("no callback request with id 9"))
    }

    @Test("the passes outbox fits 80 columns; JSON has the raw payloads; re-marking says 'already sent at'")
    func passesOutbox() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        let table = try BuildProducts.run("warmline", ["passes", "outbox", "--db", store.path, "--config", config])
        #expect(table.status == 0, "stderr: \(table.err)")
        #expect(lines(table.out).first == "ID  SUBSCRIBER    KIND           CREATED                  STATE    ATTEMPTS")
        #expect(table.out.contains("1   353872222222  daypass.grant  2026-11-26 11:10 +02:00  pending  0"))
        #expect(lines(table.out).allSatisfy { $0.count <= 80 })
        let json = try BuildProducts.run("warmline", ["passes", "outbox", "--format", "json", "--db", store.path])
        let objects = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        #expect((objects?.first?["payload"] as? [String: Any])?["idempotency_key"] as? String == "L2-0001")
        let marked = try BuildProducts.run("warmline", ["passes", "outbox", "--mark-sent", "1", "--db", store.path, "--config", config])
        #expect(marked.out.hasPrefix("outbox 1 marked sent at "))
        let again = try BuildProducts.run("warmline", ["passes", "outbox", "--mark-sent", "1", "--db", store.path, "--config", config])
        let sentAt = marked.out.dropFirst("outbox 1 marked sent at ".count).trimmingCharacters(in: .newlines)
        #expect(again.out == "outbox 1 already sent at \(sentAt); nothing changed\n")
        #expect(try store.outbox(includeSent: true).first?.attempts == 1)
    }

    @Test("a .sqlite copied without its -wal is not read as a quiet morning: the listing says how to copy")
    func emptyCopyIsExplained() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try store.checkpoint()  // the schema is in the file; the calls below stay in the WAL
        try store.saveCall(CallRecord(id: "L1-a", line: 1, startedAtMs: StoreFixture.nineMs))
        let copy = directory.file("copied.sqlite")
        try FileManager.default.copyItem(atPath: store.path, toPath: copy)
        let result = try BuildProducts.run("warmline", ["calls", "--db", copy])
        #expect(result.status == 0)
        #expect(result.err == "warmline: no calls in \(copy) (it has no -wal beside it) — if you copied only the .sqlite, copy with "
            + "`warmline backup` or `export`\n")
        // copied before anything, even the tables, left the WAL: said the same way, not "start the daemon to migrate"
        let fresh = TemporaryDirectory()
        let young = try fresh.store()
        try young.saveCall(CallRecord(id: "L1-b", line: 1, startedAtMs: StoreFixture.nineMs))
        let bare = fresh.file("bare.sqlite")
        try FileManager.default.copyItem(atPath: young.path, toPath: bare)
        // (the file holds SQLite's header and WAL mode; the tables are still in the -wal left behind)
        let tableless = try BuildProducts.run("warmline", ["logs", "--db", bare])
        #expect(tableless.status == 1)
        #expect(tableless.err.contains("\(bare) holds no Warmline tables and has no -wal beside it — if you copied only the .sqlite"),
                "stderr: \(tableless.err)")
        // the unit's own live database with no calls yet is simply empty
        let empty = TemporaryDirectory()
        let live = try empty.store()
        let config = try Self.kyivConfig(in: empty, database: live.path)
        let quiet = try BuildProducts.run("warmline", ["calls", "--config", config])
        #expect(quiet.status == 0 && quiet.err.isEmpty, "stderr: \(quiet.err)")
    }

    @Test("backup writes a checked copy and refuses to overwrite without --force")
    func backupCommand() throws {
        let (directory, store, _) = try fixture()
        let target = directory.file("backup.sqlite")
        let first = try BuildProducts.run("warmline", ["backup", "--to", target, "--db", store.path])
        #expect(first.status == 0, "stderr: \(first.err)")
        #expect(first.out.contains("integrity ok") && first.out.contains("7 calls"))
        let again = try BuildProducts.run("warmline", ["backup", "--to", target, "--db", store.path])
        #expect(again.status == 2 && again.err.contains("already exists; nothing written (add --force to replace it)"))
        let forced = try BuildProducts.run("warmline", ["backup", "--to", target, "--db", store.path, "--force"])
        #expect(forced.status == 0)
        let copied = try BuildProducts.run("warmline", ["calls", "--db", target, "--format", "csv"])
        #expect(CSV.parse(copied.out).count == 8)
    }

    @Test("subscribers list shows balances in major units, as CSV with local times too")
    func subscribersList() throws {
        let (directory, store, config) = try fixture()
        defer { withExtendedLifetime(directory) {} }
        try store.pool.write { db in
            try SubscriberRecord(msisdn: "+353871234567", balanceMinor: 150, currency: "EUR", updatedAtMs: StoreFixture.nineMs).insert(db)
        }
        let table = try BuildProducts.run("warmline", ["subscribers", "list", "--db", store.path, "--config", config])
        #expect(table.out.contains("+353871234567  1.50 EUR  2026-11-26 11:00:00 +02:00"), "\(table.out) \(table.err)")
        let csv = try BuildProducts.run("warmline", ["subscribers", "list", "--db", store.path, "--config", config, "--format", "csv"])
        #expect(csv.out == "msisdn,balance_minor,currency,updated_at_ms,updated_at\n+353871234567,150,EUR,\(StoreFixture.nineMs),2026-11-26T11:00:00.000+02:00\n")
    }
}
