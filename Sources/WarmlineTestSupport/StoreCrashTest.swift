import Foundation
import GRDB
import WarmlineDSP
import WarmlineStore

/// The SIGKILL drill: a child writes events as fast as it can and prints each acknowledged sequence number;
/// the parent kills it at seeded random moments and checks the file is intact and every acknowledged event is there.
public enum StoreCrashTest {
    /// Event type the drill's child writes (not a production event).
    public static let eventType = "test.crash"

    /// One kill and what was found after it.
    public struct Round: Sendable, Equatable {
        /// 1-based round number.
        public var round: Int
        /// How long the child wrote after its first acknowledgement before it was killed.
        public var delayMs: Int
        /// Highest sequence number the child reported as acknowledged.
        public var acknowledged: UInt64
        /// How many of events 1...acknowledged are in the database.
        public var present: Int
        /// Events of this round in the database (acknowledged or not).
        public var stored: Int
        /// `PRAGMA integrity_check` result.
        public var integrity: String

        /// Intact file and no acknowledged event lost.
        public var passed: Bool { integrity == "ok" && UInt64(present) == acknowledged }
    }

    /// Child side: writes `test.crash` events for call id `runID` until killed, printing each acknowledged sequence on stdout.
    public static func runChild(databasePath: String, runID: String) -> Never {
        var options = EventWriter.Options()
        options.capacity = 8_192
        options.onAcknowledged = { sequence in
            let line = Array("\(sequence)\n".utf8)
            _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        }
        let writer = EventWriter(path: databasePath, options: options)
        var next: UInt64 = 1
        while true {
            // The payload carries the sequence number so the parent can check which events arrived.
            if writer.enqueue(callID: runID, frameTime: Int64(next) * 160, type: eventType, payload: "{\"n\":\(next)}") != nil {
                next += 1
            } else {
                usleep(100)
            }
        }
    }

    /// Parent side: `kills` rounds of spawn, wait a seeded random `delayRangeMs` after the first acknowledgement, SIGKILL, verify.
    public static func run(kills: Int, seed: UInt64, delayRangeMs: ClosedRange<Int>, databasePath: String,
                           childCommand: (_ databasePath: String, _ runID: String) -> (executable: String, arguments: [String]),
                           progress: ((Round) -> Void)? = nil) throws -> [Round] {
        var random = SplitMix64(seed: seed)
        var rounds: [Round] = []
        let ackPath = databasePath + ".acks"
        defer { try? FileManager.default.removeItem(atPath: ackPath) }
        for round in 1...max(kills, 1) {
            let runID = "crash-\(seed)-\(round)"
            let delayMs = Int.random(in: delayRangeMs, using: &random)
            _ = FileManager.default.createFile(atPath: ackPath, contents: nil)
            guard let ackHandle = FileHandle(forWritingAtPath: ackPath) else {
                throw StoreError.cannotOpen(path: ackPath, reason: "cannot create the acknowledgement file")
            }
            let command = childCommand(databasePath, runID)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: command.executable)
            child.arguments = command.arguments
            child.standardOutput = ackHandle
            child.standardError = FileHandle.nullDevice
            try child.run()
            try ackHandle.close()
            try waitForFirstAcknowledgement(ackPath: ackPath, child: child)
            usleep(UInt32(delayMs) * 1_000)
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            let acknowledged = lastAcknowledged(ackPath: ackPath)
            let result = try verify(databasePath: databasePath, runID: runID, acknowledged: acknowledged, round: round, delayMs: delayMs)
            progress?(result)
            rounds.append(result)
        }
        return rounds
    }

    private static func waitForFirstAcknowledgement(ackPath: String, child: Process) throws {
        let deadline = Date().addingTimeInterval(30)
        while lastAcknowledged(ackPath: ackPath) == 0 {
            guard child.isRunning else {
                throw StoreError.cannotOpen(path: ackPath, reason: "crash-test child exited (status \(child.terminationStatus)) before writing anything")
            }
            guard Date() < deadline else {
                kill(child.processIdentifier, SIGKILL)
                throw StoreError.cannotOpen(path: ackPath, reason: "crash-test child acknowledged nothing within 30 s")
            }
            usleep(1_000)
        }
    }

    /// The last complete line of the acknowledgement file (a line cut by the kill does not count).
    private static func lastAcknowledged(ackPath: String) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: ackPath) else { return 0 }
        let text = String(decoding: data, as: UTF8.self)
        guard let lastNewline = text.lastIndex(of: "\n") else { return 0 }
        let complete = text[..<lastNewline]
        let lastLine = complete.split(separator: "\n").last ?? ""
        return UInt64(lastLine) ?? 0
    }

    private static func verify(databasePath: String, runID: String, acknowledged: UInt64, round: Int, delayMs: Int) throws -> Round {
        // A normal read-write open runs SQLite's WAL recovery, as the restarted daemon would.
        let queue = try DatabaseQueue(path: databasePath)
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            let present = try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT CAST(json_extract(payload, '$.n') AS INTEGER)) FROM events
                WHERE call_id = ? AND CAST(json_extract(payload, '$.n') AS INTEGER) BETWEEN 1 AND ?
                """, arguments: [runID, Int64(acknowledged)]) ?? 0
            let stored = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE call_id = ?", arguments: [runID]) ?? 0
            return Round(round: round, delayMs: delayMs, acknowledged: acknowledged, present: present, stored: stored, integrity: integrity)
        }
    }
}
