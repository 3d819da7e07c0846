import Foundation
import GRDB
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

@Suite("StoreExport", .holdsItsThread)
struct StoreExportTests {
    @Test("an export holds an intact database copy, a CSV per table and a manifest whose counts and SHA-256 check out")
    func exportIsComplete() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let target = directory.file("usb/export-1")
        let manifest = try store.export(to: target)

        #expect(manifest.files.map(\.name) == ["warmline.sqlite"] + StoreSchema.tableNames.map { "\($0).csv" })
        for file in manifest.files {
            #expect(try Coreutils.sha256sum((target as NSString).appendingPathComponent(file.name)) == file.sha256)
        }
        let eventsFile = try #require(manifest.files.first { $0.table == "events" })
        #expect(eventsFile.rows == (try eventCount(store)))
        let csvLines = try String(contentsOfFile: (target as NSString).appendingPathComponent("events.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
        #expect(csvLines.first == "id,call_id,frame_time,wall_time_ms,type,payload,wall_time,short_id")
        #expect(csvLines.dropFirst().first?.hasSuffix(",2026-11-26T09:00:00.000+00:00,L1-0002") == true)
        let callsCSV = try String(contentsOfFile: (target as NSString).appendingPathComponent("calls.csv"), encoding: .utf8)
        #expect(callsCSV.hasPrefix("id,line,caller_id,started_at_ms,answered_at_ms,ended_at_ms,outcome,language,handoff_target,handoff_latency_ms,"
            + "handoff_reason,handoff_started_ms,person_reached_ms,wait_ms,duration_ms,started_at,answered_at,ended_at,short_id\nL1-0001,1,+353871111111,\(StoreFixture.nineMs),"))
        #expect(manifest.timeZone == "UTC" && manifest.createdAt.hasSuffix("+00:00"))
        #expect(CSV.parse(csvLines.joined(separator: "\n")).count == (eventsFile.rows ?? 0) + 1)

        let copy = try DatabaseQueue(path: (target as NSString).appendingPathComponent("warmline.sqlite"))
        #expect(try copy.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try copy.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM calls") } == manifest.files.first { $0.table == "calls" }?.rows)

        let manifestJSON = try String(contentsOfFile: (target as NSString).appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifestJSON.contains("\"sha256\" : \"\(eventsFile.sha256)\""))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        check.arguments = ["--check", "--quiet", "SHA256SUMS"]
        check.currentDirectoryURL = URL(fileURLWithPath: target)
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    @Test("exporting into a directory that already holds files is refused and changes nothing there")
    func refusesNonEmptyDirectory() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let target = directory.file("old")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target + "/notes.txt"))
        #expect(throws: StoreError.self) { try store.export(to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["notes.txt"])
    }
}
