import ArgumentParser
import Foundation
import GRDB
import WarmlineDSP
import WarmlineStore
import WarmlineTestSupport

/// `warmline-bench store`: event-log throughput, enqueue latency, report speed and the 50-kill crash test,
/// beside raw GRDB committing one event per transaction with `synchronous=FULL`.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Event store: throughput, enqueue latency, report, crash test.")

    @Option(help: "Events for the sustained-throughput run.")
    var events = 300_000

    @Option(help: "Seconds the one-event-per-transaction peer runs.")
    var peerSeconds = 3.0

    @Option(help: "Events in the database the report runs over.")
    var reportEvents = 1_000_000

    @Option(help: "SIGKILLs in the crash test.")
    var kills = 50

    @Option(help: "Seed for the kill moments.")
    var seed: UInt64 = 20_261_126

    @Option(help: "Work directory (default: a new one under /tmp, removed afterwards).")
    var workDirectory: String?

    @Option(help: .hidden) var crashChildDb: String?
    @Option(help: .hidden) var crashChildRun: String?

    func run() throws {
        if let crashChildDb, let crashChildRun {
            StoreCrashTest.runChild(databasePath: crashChildDb, runID: crashChildRun)
        }
        let directory = workDirectory ?? NSTemporaryDirectory() + "warmline-store-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if workDirectory == nil { try? FileManager.default.removeItem(atPath: directory) } }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

        print("warmline-bench store  (\(ProcessInfo.processInfo.activeProcessorCount) cores, SQLite \(sqliteVersion()), work dir \(directory))")
        let throughput = try measureThroughput(path: path("throughput.sqlite"))
        let peer = try measurePeer(path: path("peer.sqlite"))
        let latency = try measureEnqueueLatency(path: path("latency.sqlite"))
        let report = try measureReport(path: path("report.sqlite"))
        print("")
        print("crash test: \(kills) SIGKILLs at seeded random moments (seed \(seed)) ...")
        let crashStart = Date()
        let selfPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let rounds = try StoreCrashTest.run(kills: kills, seed: seed, delayRangeMs: 20...400, databasePath: path("crash.sqlite"),
                                            childCommand: { db, runID in (selfPath, ["store", "--crash-child-db", db, "--crash-child-run", runID]) },
                                            progress: { round in
            if !round.passed || round.round % 10 == 0 {
                print("  round \(round.round): acknowledged \(round.acknowledged), present \(round.present), stored \(round.stored), integrity \(round.integrity)")
            }
        })
        let crashSeconds = Date().timeIntervalSince(crashStart)
        let passed = rounds.filter(\.passed).count
        let acknowledged = rounds.map(\.acknowledged).sorted()
        let lost = rounds.reduce(UInt64(0)) { $0 + ($1.acknowledged - min($1.acknowledged, UInt64($1.present))) }

        print("")
        let rows: [(String, String, String, String)] = [
            ("measure", "warmline", "peer: GRDB, 1 event/txn, sync=FULL", "bar"),
            ("sustained events/s into WAL, sync=FULL", format(throughput.eventsPerSecond), format(peer.eventsPerSecond), "≥ 10,000"),
            ("events written in the run", format(Double(throughput.events)), format(Double(peer.events)), ""),
            ("enqueue (audio path) p50 / p99 / max", latency.text, peer.latencyText, "p99 ≤ 5 µs"),
            ("report over \(format(Double(report.events))) events", String(format: "%.3f s (cold %.3f s)", report.warmSeconds, report.coldSeconds),
             String(format: "full scan %.3f s", report.scanSeconds), "≤ 1 s"),
            ("crash test: intact + no acknowledged loss", "\(passed)/\(rounds.count) rounds, \(lost) lost", "", "\(kills)/\(kills)"),
            ("acknowledged per round min / median / max", "\(acknowledged.first ?? 0) / \(acknowledged[acknowledged.count / 2]) / \(acknowledged.last ?? 0)", "", ""),
        ]
        for row in rows {
            print(row.0.padding(toLength: 44, withPad: " ", startingAt: 0) + row.1.padding(toLength: 30, withPad: " ", startingAt: 0)
                  + row.2.padding(toLength: 38, withPad: " ", startingAt: 0) + row.3)
        }
        print(String(format: "crash test took %.1f s", crashSeconds))
        let ok = throughput.eventsPerSecond >= 10_000 && latency.p99Ns <= 5_000 && report.warmSeconds <= 1 && passed == rounds.count
        print(ok ? "store: all bars met" : "store: a bar was missed")
        if !ok { throw ExitCode.failure }
    }

    // MARK: - Throughput

    private func measureThroughput(path: String) throws -> (events: Int, eventsPerSecond: Double) {
        _ = try StoreDatabase(path: path)
        var options = EventWriter.Options()
        options.capacity = 65_536
        let writer = EventWriter(path: path, options: options)
        defer { writer.close() }
        let start = DispatchTime.now().uptimeNanoseconds
        var written = 0
        while written < events {
            // Stay under the bound so the run measures commits, not drops (the audio path would drop instead of waiting).
            if written % 1_024 == 0 {
                while writer.status.pendingCount > options.capacity - 1_024 { usleep(50) }
            }
            writer.enqueue(callID: "L1-bench", frameTime: Int64(written) * 160, type: EventType.menuNode,
                           payload: "{\"node\":\"main\",\"input\":\"1\"}")
            written += 1
        }
        guard writer.flush(timeoutMs: 120_000) else { throw ExitCode.failure }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let dropped = Int(writer.status.droppedCount)
        print(String(format: "throughput: %d events enqueued, %d committed in %.2f s, dropped %d", written, written - dropped, seconds, dropped))
        return (written - dropped, Double(written - dropped) / seconds)
    }

    private func measurePeer(path: String) throws -> (events: Int, eventsPerSecond: Double, latencyText: String) {
        _ = try StoreDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        var latenciesNs: [UInt64] = []
        let start = DispatchTime.now().uptimeNanoseconds
        let end = start + UInt64(peerSeconds * 1e9)
        var count = 0
        while DispatchTime.now().uptimeNanoseconds < end {
            let before = DispatchTime.now().uptimeNanoseconds
            try queue.write { db in
                try db.execute(sql: "INSERT INTO events (call_id, frame_time, wall_time_ms, type, payload) VALUES (?, ?, ?, ?, ?)",
                               arguments: ["L1-peer", count * 160, Int64(Date().timeIntervalSince1970 * 1_000), EventType.menuNode,
                                           "{\"node\":\"main\",\"input\":\"1\"}"])
            }
            latenciesNs.append(DispatchTime.now().uptimeNanoseconds - before)
            count += 1
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        latenciesNs.sort()
        print(String(format: "peer: %d events, one transaction each, in %.2f s", count, seconds))
        return (count, Double(count) / seconds, latencyText(latenciesNs))
    }

    // MARK: - Enqueue latency

    private func measureEnqueueLatency(path: String) throws -> (text: String, p99Ns: UInt64) {
        _ = try StoreDatabase(path: path)
        let samples = 200_000
        var options = EventWriter.Options()
        options.capacity = samples + 1
        let writer = EventWriter(path: path, options: options)
        defer { writer.close() }
        var latenciesNs = [UInt64](repeating: 0, count: samples)
        // A 20 ms audio period would log a handful of events; here they come every ~10 µs to load the writer too.
        for index in 0..<samples {
            let before = DispatchTime.now().uptimeNanoseconds
            writer.enqueue(callID: "L1-audio", frameTime: Int64(index) * 160, type: EventType.dtmfDigit, payload: "{\"digit\":\"5\"}")
            let after = DispatchTime.now().uptimeNanoseconds
            latenciesNs[index] = after - before
            while DispatchTime.now().uptimeNanoseconds - after < 10_000 {}
        }
        _ = writer.flush(timeoutMs: 60_000)
        latenciesNs.sort()
        print("enqueue: \(samples) events, one every ~10 µs while the writer commits, dropped \(writer.status.droppedCount)")
        return (latencyText(latenciesNs), percentile(latenciesNs, 0.99))
    }

    // MARK: - Report

    private func measureReport(path: String) throws -> (events: Int, coldSeconds: Double, warmSeconds: Double, scanSeconds: Double) {
        let store = try StoreDatabase(path: path)
        let dayStartMs = TimeBound.milliseconds(try TimeBound.day("2026-11-26", timeZone: TimeZone(secondsFromGMT: 0) ?? .current).start)
        let eventsPerCall = 50
        let callCount = reportEvents / eventsPerCall
        let types = [EventType.callRing, EventType.callAnswered, EventType.promptPlayed, EventType.menuNode, EventType.dtmfDigit,
                     EventType.speechKeyword, EventType.distressSignal, EventType.distressHandoff, EventType.agentRequested,
                     EventType.handoffAttempt, EventType.handoffConnected, EventType.dayPassOffered, EventType.dayPassGranted,
                     EventType.dayPassRefused, EventType.callbackRequested, EventType.callEnded]
        let fillStart = Date()
        // Bulk fill for the measurement only: one transaction, no per-event fsync.
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.inTransaction {
                var random = SplitMix64(seed: seed)
                let insertCall = try db.makeStatement(sql: """
                    INSERT INTO calls (id, line, caller_id, started_at_ms, answered_at_ms, ended_at_ms, outcome, language, handoff_target, handoff_latency_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let insertEvent = try db.makeStatement(sql: "INSERT INTO events (call_id, frame_time, wall_time_ms, type, payload) VALUES (?, ?, ?, ?, ?)")
                for call in 0..<callCount {
                    let startMs = dayStartMs + Int64(call) * (86_400_000 / Int64(max(callCount, 1)))
                    let handedOff = random.next() % 3 == 0
                    try insertCall.execute(arguments: ["C\(call)", call % 4 + 1, "+35387\(call)", startMs, startMs + 2_000, startMs + 90_000,
                                                       (handedOff ? CallOutcome.reachedPerson : (random.next() % 5 == 0 ? CallOutcome.abandonedWaiting : CallOutcome.selfServed)).rawValue,
                                                       "en", handedOff ? "agent-1" : nil, handedOff ? Int64(random.next() % 20_000) : nil])
                    for index in 0..<eventsPerCall {
                        let type = types[Int(random.next() % UInt64(types.count))]
                        try insertEvent.execute(arguments: ["C\(call)", index * 1_600, startMs + Int64(index) * 200, type, "{\"n\":\(index)}"])
                    }
                }
                return .commit
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "ANALYZE")
        }
        print(String(format: "report: filled %d events in %d calls in %.1f s", callCount * eventsPerCall, callCount, Date().timeIntervalSince(fillStart)))
        let reader = try StoreDatabase(readingAt: path)
        let dayEndMs = dayStartMs + 86_400_000
        let coldStart = Date()
        let report = try reader.report(fromMs: dayStartMs, toMs: dayEndMs)
        let cold = Date().timeIntervalSince(coldStart)
        var warm: [Double] = []
        for _ in 0..<5 {
            let start = Date()
            _ = try reader.report(fromMs: dayStartMs, toMs: dayEndMs)
            warm.append(Date().timeIntervalSince(start))
        }
        warm.sort()
        let scanStart = Date()
        _ = try reader.pool.read { try Row.fetchAll($0, sql: "SELECT type, COUNT(*) FROM events NOT INDEXED WHERE wall_time_ms >= ? AND wall_time_ms < ? GROUP BY type", arguments: [dayStartMs, dayEndMs]) }
        let scan = Date().timeIntervalSince(scanStart)
        print("report: \(report.calls) calls, \(report.distressHandoffs) distress hand-offs, latency p95 \(report.handoffLatency.p95Ms ?? 0) ms")
        return (callCount * eventsPerCall, cold, warm[warm.count / 2], scan)
    }

    // MARK: - Formatting

    private func percentile(_ sorted: [UInt64], _ quantile: Double) -> UInt64 {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((quantile * Double(sorted.count)).rounded(.up)) - 1)]
    }

    private func latencyText(_ sorted: [UInt64]) -> String {
        func micro(_ ns: UInt64) -> String { ns < 10_000 ? String(format: "%.2f", Double(ns) / 1_000) : String(format: "%.0f", Double(ns) / 1_000) }
        return "\(micro(percentile(sorted, 0.5))) / \(micro(percentile(sorted, 0.99))) / \(micro(sorted.last ?? 0)) µs"
    }

    private func format(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
    }

    private func sqliteVersion() -> String {
        (try? DatabaseQueue().read { try String.fetchOne($0, sql: "SELECT sqlite_version()") }) ?? "?"
    }
}
