import Foundation
import GRDB
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

/// Caller IDs, CSV cells and YAML keys with terminal escape codes, printed by every command a person reads: escaped, never raw.
@Suite("Untrusted text in commands", .holdsItsThread)
struct UntrustedTextCommandsTests {
    static let hostile = "+1555\u{1b}[2J\u{1b}]0;owned\u{07}0402"
    static let shown = #"+1555\x1b[2J\x1b]0;owned\x070402"#

    /// A store with one call from the hostile caller ID and its events naming it.
    private func hostileStore(_ directory: TemporaryDirectory) throws -> StoreDatabase {
        let store = try directory.store()
        let startMs: Int64 = 1_795_651_200_000
        try store.saveCall(CallRecord(id: "L1-0001", line: 1, callerID: Self.hostile, startedAtMs: startMs, answeredAtMs: startMs,
                                      endedAtMs: startMs + 9_000, outcome: CallOutcome.abandonedInMenu.rawValue, language: "en"))
        let payload = String(decoding: try JSONSerialization.data(withJSONObject: ["caller_id": Self.hostile]), as: UTF8.self)
        let writer = EventWriter(path: store.path)
        writer.enqueue(callID: "L1-0001", frameTime: 0, type: EventType.callRing, payload: payload, wallTimeMs: startMs)
        writer.enqueue(callID: "L1-0001", frameTime: 8, type: EventType.dayPassRefused,
                       payload: #"{"reason":"caller ID holds a control character","rule":"caller_id_not_plausible"}"#, wallTimeMs: startMs + 1)
        writer.close()
        return store
    }

    @Test("logs (table), calls and calls show print a caller ID's escape codes as \\x1b, never raw", arguments: [
        ["logs"], ["calls"], ["calls", "show", "L1-0001"],
    ])
    func storeCommands(arguments: [String]) throws {
        let directory = TemporaryDirectory()
        let store = try hostileStore(directory)
        let result = try BuildProducts.run("warmline", arguments + ["--db", store.path])
        #expect(result.status == 0, "stderr: \(result.err)")
        #expect(result.out.contains(Self.shown), "stdout: \(result.out)")
        #expect(!result.out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test("subscribers import folds the four ways of writing one US number into one subscriber and refuses short and hostile numbers, escaped")
    func subscribersImport() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("s.csv")
        try Data("msisdn,balance_minor,currency\n+15550402,0,USD\n15550402,0,USD\n0015550402,0,USD\n+015550402,0,USD\n99999,0,USD\n\(Self.hostile),0,USD\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        let result = try BuildProducts.run("warmline", ["subscribers", "import", csv, "--db", store.path,
                                                        "--config", try StoreCommandsTests.unitConfig(in: directory)])
        #expect(result.status == 1)
        #expect(result.out == "imported 1 subscribers; skipped 5 rows\n")
        for line in 3...5 { #expect(result.err.contains("\(csv):\(line): msisdn +15550402 already appears on line 2; row skipped")) }
        #expect(result.err.contains("\(csv):6: msisdn '99999' +199999 has 6 digits, fewer than 8: a short code, not a subscriber"))
        #expect(result.err.contains("\(csv):7: msisdn '\(Self.shown)' holds a control character: not a phone number"), "\(result.err)")
        #expect(!result.err.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(try store.pool.read { try SubscriberRecord.fetchAll($0) }.map(\.msisdn) == ["+15550402"])
    }

    @Test("config check shows a key with escape codes escaped in its file:line error")
    func configCheck() throws {
        let directory = TemporaryDirectory()
        let config = directory.file("warmline.yaml")
        // YAML refuses a raw control character; its "\e" escape puts ESC in the key
        try Data(#""\e[2Jcountry": us"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: config))
        let result = try BuildProducts.run("warmline", ["config", "check", "--config", config])
        #expect(result.status == 2)
        #expect(result.err.contains(#"\#(config):1: unknown key '\x1b[2Jcountry'"#), "stderr: \(result.err)")
        #expect(!result.err.unicodeScalars.contains { $0.value == 0x1B })
    }

    @Test("config check refuses a 50 MB emergency_number with file and reason, without echoing it")
    func hugeEmergencyNumber() throws {
        let directory = TemporaryDirectory()
        let config = directory.file("warmline.yaml")
        var text = Data("emergency_number: \"".utf8)
        text.append(Data(repeating: UInt8(ascii: "1"), count: 50 * 1024 * 1024))
        text.append(Data("\"\n".utf8))
        try text.write(to: URL(fileURLWithPath: config))
        let started = Date()
        let result = try BuildProducts.run("warmline", ["config", "check", "--config", config])
        #expect(result.status == 2)
        #expect(result.err.contains("\(config):1: the file is \(text.count) bytes; a config is at most 262144 bytes, nothing was read"),
                "stderr: \(result.err.prefix(500))")
        #expect(result.err.count < 1000)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("speech check exits 2 and names the file and line when a keywords.yaml is malformed")
    func speechCheckMalformedKeywords() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("en"), withIntermediateDirectories: true)
        try Data("language: en\nmodel: [oops\n".utf8).write(to: URL(fileURLWithPath: directory.file("en/keywords.yaml")))
        let result = try BuildProducts.run("warmline", ["speech", "check", "--prompts", directory.path, "--languages", "en",
                                                        "--model", directory.file("no-model")])
        #expect(result.status == 2, "stdout: \(result.out)\nstderr: \(result.err)")
        #expect(result.out.contains("speech en: ERROR — \(directory.file("en/keywords.yaml")):"), "stdout: \(result.out)")
        #expect(result.err.contains("malformed keywords file for en"))
    }
}
