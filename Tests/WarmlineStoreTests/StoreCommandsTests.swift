import Foundation
import GRDB
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

/// The `warmline` store commands, run as a technician would (the binary beside the test executable).
@Suite("Store commands", .holdsItsThread)
struct StoreCommandsTests {
    @Test("bad input exits 2 with a message naming the problem", arguments: [
        (["logs", "--format", "xml"], "--format 'xml' is not one of: table, csv, json, ndjson"),
        (["calls", "--format", "ndjson"], "--format 'ndjson' is not one of: table, csv, json"),
        (["callbacks", "--format", "xml"], "--format 'xml' is not one of: table, csv, json"),
        (["logs", "--since", "tomorrow"], "--since 'tomorrow' is not a time: use today, yesterday"),
        (["calls", "--line", "0"], "--line 0 is not a board line"),
        (["logs", "--since", "2026-13-40"], "--since '2026-13-40' is not a time"),
        (["report", "--day", "yesterday"], "--day 'yesterday' is not a day"),
        (["calls", "--outcome", "lost"], "--outcome 'lost' is not one of"),
        (["calls", "show", "L9-9999"], "no call with id 'L9-9999'"),
        (["passes", "outbox", "--mark-sent", "1,x"], "--mark-sent '1,x' is not a list of outbox ids"),
    ])
    func badInputExitsTwo(arguments: [String], message: String) throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let result = try BuildProducts.run("warmline", arguments + ["--db", store.path])
        #expect(result.status == 2)
        #expect(result.err.contains(message), "stderr was: \(result.err)")
        #expect(result.out.isEmpty)
    }

    /// The repository's `Prompts/`.
    static let prompts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Prompts").path

    /// A unit config offering `languages` from the repository's prompts; returns its path.
    static func unitConfig(in directory: TemporaryDirectory, languages: [String] = ["en", "uk", "tr"]) throws -> String {
        let path = directory.file("warmline.yaml")
        let list = languages.map { "\"\($0)\"" }.joined(separator: ", ")
        try Data("languages: [\(list)]\nprompts_dir: \"\(prompts)\"\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a subscribers CSV missing a column exits 2 and writes nothing")
    func importMissingColumnWritesNothing() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("s.csv")
        try Data("msisdn,balance_minor\n353871234567,100\n".utf8).write(to: URL(fileURLWithPath: csv))
        let config = try Self.unitConfig(in: directory)
        let result = try BuildProducts.run("warmline", ["subscribers", "import", csv, "--db", store.path, "--config", config])
        #expect(result.status == 2)
        #expect(result.err.contains("missing the column 'currency'"))
        #expect(try store.pool.read { try SubscriberRecord.fetchCount($0) } == 0)
    }

    @Test("subscribers import skips, by line, a currency that an enabled language cannot speak, and commits the rest")
    func importRefusesUnspeakableCurrency() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("s.csv")
        try Data("msisdn,balance_minor,currency\n353871234567,100,USD\n353871234568,250,EUR\n353871234569,0,uah\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        let result = try BuildProducts.run("warmline", ["subscribers", "import", csv, "--db", store.path,
                                                        "--config", try Self.unitConfig(in: directory)])
        #expect(result.status == 1)
        let files = ["en", "uk", "tr"].map { "\(Self.prompts)/\($0)/pieces.yaml" }.joined(separator: ", ")
        #expect(result.err == "warmline: \(csv):3: currency 'EUR' cannot be spoken in en, uk, tr (no cur.EUR.major in \(files)); row skipped\n")
        #expect(result.out == "imported 2 subscribers; skipped 1 rows\n")
        // stored in E.164, the form caller IDs are looked up by (issue 16: one subscriber, one key)
        #expect(try store.subscriber(msisdn: "+353871234568") == nil)
        #expect(try store.subscriber(msisdn: "+353871234569")?.currency == "UAH")
    }

    @Test("subscribers import without a readable unit config exits 2 and writes nothing")
    func importWithoutConfigWritesNothing() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("s.csv")
        try Data("msisdn,balance_minor,currency\n353871234567,100,USD\n".utf8).write(to: URL(fileURLWithPath: csv))
        let missing = directory.file("nowhere.yaml")
        let result = try BuildProducts.run("warmline", ["subscribers", "import", csv, "--db", store.path, "--config", missing])
        #expect(result.status == 2)
        #expect(result.err.contains("\(missing):1: cannot read the config file"), "stderr: \(result.err)")
        #expect(try store.pool.read { try SubscriberRecord.fetchCount($0) } == 0)
    }

    @Test("marking an unknown outbox id exits 2 and marks nothing")
    func markUnknownOutboxWritesNothing() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let result = try BuildProducts.run("warmline", ["passes", "outbox", "--mark-sent", "1,42", "--db", store.path])
        #expect(result.status == 2)
        #expect(try store.pendingOutbox().count == 1)
    }

    @Test("logs as NDJSON are one JSON object per event, newest last, payload kept as an object")
    func logsNDJSON() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let result = try BuildProducts.run("warmline", ["logs", "--call", "L1-0001", "--format", "ndjson", "--db", store.path])
        #expect(result.status == 0)
        let objects = try result.out.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects.count == 10)
        #expect(objects.last?["type"] as? String == EventType.callEnded)
        #expect((objects[4]["payload"] as? [String: Any])?["threshold"] as? Double == 0.6)
    }

    @Test("report --format json carries the same figures as the library report")
    func reportJSON() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let result = try BuildProducts.run("warmline", ["report", "--day", "2026-11-26", "--format", "json", "--db", store.path])
        #expect(result.status == 0)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let printed = try decoder.decode(StoreReport.self, from: Data(result.out.utf8))
        #expect(printed == (try store.report(fromMs: StoreFixture.dayStartMs, toMs: StoreFixture.dayStartMs + 86_400_000)))
    }
}
