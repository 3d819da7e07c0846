import Foundation
import GRDB

/// The supervisor's summary of a period: what happened to callers and how fast people were reached.
public struct StoreReport: Codable, Sendable, Equatable {
    /// A caller who hung up within this long of the answer, in the menu, is a short abandon, not an abandoned caller.
    public static let shortAbandonMs: Int64 = 5_000
    /// The service-level thresholds: a person within this long of the answer.
    public static let serviceLevelThresholdsMs: [Int64] = [20_000, 60_000]

    /// Hand-off latency distribution (decision to a person answering), milliseconds of audio time (nearest rank).
    public struct Latency: Codable, Sendable, Equatable {
        /// Calls that reached a person, timed.
        public var count: Int
        /// Median.
        public var p50Ms: Int64?
        /// 95th percentile.
        public var p95Ms: Int64?
        /// Slowest.
        public var maxMs: Int64?
    }

    /// How many callers who wanted a person reached one within a threshold of the answer.
    public struct ServiceLevel: Codable, Sendable, Equatable {
        /// The threshold, milliseconds after the answer.
        public var withinMs: Int64
        /// Calls that reached a person within it.
        public var reached: Int
        /// Calls that wanted a person (a hand-off started, whatever its reason).
        public var wanted: Int
        /// `reached` of `wanted` in percent, one decimal; nil when nobody wanted a person.
        public var percent: Double?
    }

    /// A caller in distress (or silent) who did not reach a person.
    public struct DistressMiss: Codable, Sendable, Equatable {
        /// The call id (`calls show ID`).
        public var id: String
        /// Board line.
        public var line: Int
        /// The call's outcome.
        public var outcome: String
        /// `distress` or `silent`.
        public var handoffReason: String
    }

    /// One line's health in the period.
    public struct LineHealth: Codable, Sendable, Equatable {
        /// Board line.
        public var line: Int
        /// Calls that rang on it.
        public var calls: Int
        /// Calls a fault ended (`failed`).
        public var faults: Int
        /// Board resets (`line.board_reset` events).
        public var boardResets: Int
        /// Time the bypass relay held the line, from `line.bypass` events, in milliseconds.
        public var bypassMs: Int64
    }

    /// A count under a name (an outcome, a hand-off reason, a language).
    public struct Count: Codable, Sendable, Equatable {
        /// The stored name.
        public var name: String
        /// How many.
        public var count: Int
    }

    /// Start of the period, inclusive, milliseconds since 1970.
    public var fromMs: Int64
    /// End of the period, exclusive, milliseconds since 1970.
    public var toMs: Int64
    /// Calls that rang in the period.
    public var calls: Int
    /// Of those, calls the unit answered (not ones that went to bypass or failed before the answer).
    public var answered: Int
    /// Calls per outcome, every outcome listed (zero included), in `CallOutcome` order.
    public var outcomes: [Count]
    /// Calls handed to a person, per hand-off reason, every reason listed.
    public var handoffReasons: [Count]
    /// Hand-offs for distress or a silent caller.
    public var distressHandoffs: Int
    /// Hand-offs the caller asked for.
    public var agentRequests: Int
    /// `daypass.granted` events.
    public var dayPassesGranted: Int
    /// `daypass.refused` events.
    public var dayPassesRefused: Int
    /// `callback.requested` events.
    public var callbacks: Int
    /// Callbacks requested in the period (or by a call that started in it) still waiting for someone to call back.
    public var callbacksPending: Int
    /// Callbacks requested in the period that were done.
    public var callbacksDone: Int
    /// Answered callers who hung up before reaching a person (in the menu or waiting), short abandons left out.
    public var abandonedBeforePerson: Int
    /// Answered callers who hung up in the menu within `shortAbandonMs` of the answer.
    public var shortAbandons: Int
    /// The short-abandon threshold used, milliseconds.
    public var shortAbandonThresholdMs: Int64 = StoreReport.shortAbandonMs
    /// Calls whose outcome is `bypassed`: no person answered in time, so the line went to the bypass relay (agent line).
    public var releasedToBypass: Int = 0
    /// Latency from the hand-off decision to a person answering, of calls that reached one.
    public var handoffLatency: Latency
    /// Service level at each threshold of `serviceLevelThresholdsMs`.
    public var serviceLevels: [ServiceLevel]
    /// Average wait for a person (decision until a person answered or the wait ended), milliseconds.
    public var averageWaitMs: Int64?
    /// Longest wait for a person, milliseconds.
    public var longestWaitMs: Int64?
    /// Callers handed off for distress or silence who did not reach a person.
    public var distressWithoutPerson: [DistressMiss]
    /// Per line: calls, faults, board resets, time in bypass.
    public var lines: [LineHealth]
    /// Answered calls per prompt language.
    public var languages: [Count]
    /// `store.overflow` events: times the event queue was full.
    public var storeOverflows: Int

    /// Nearest-rank percentile of sorted values (`quantile` in 0...1).
    static func percentile(_ sorted: [Int64], _ quantile: Double) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((quantile * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension StoreDatabase {
    /// Summarises calls that started and events logged in `[fromMs, toMs)`.
    public func report(fromMs: Int64, toMs: Int64) throws -> StoreReport {
        try pool.read { db in
            let counted = [EventType.dayPassGranted, EventType.dayPassRefused, EventType.callbackRequested, EventType.storeOverflow]
            var byType: [String: Int] = [:]
            // One indexed range count per type keeps this fast on millions of events.
            for type in counted {
                byType[type] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = ? AND wall_time_ms >= ? AND wall_time_ms < ?",
                                                arguments: [type, fromMs, toMs]) ?? 0
            }
            let range: StatementArguments = [fromMs, toMs]
            let inPeriod = "started_at_ms >= ? AND started_at_ms < ?"
            let totals = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS calls, COUNT(answered_at_ms) AS answered FROM calls WHERE \(inPeriod)",
                                          arguments: range)
            let outcomeCounts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT outcome, COUNT(*) AS n FROM calls WHERE \(inPeriod) AND outcome IS NOT NULL GROUP BY outcome
                """, arguments: range).map { ($0["outcome"] as String, $0["n"] as Int) })
            let reasonCounts = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT handoff_reason, COUNT(*) AS n FROM calls WHERE \(inPeriod) AND handoff_reason IS NOT NULL GROUP BY handoff_reason
                """, arguments: range).map { ($0["handoff_reason"] as String, $0["n"] as Int) })
            // the call's own audio time when the unit recorded it, else its wall time (calls stored before v4)
            let duration = "COALESCE(duration_ms, ended_at_ms - answered_at_ms)"
            let abandons = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(outcome = ? AND \(duration) < ?), 0) AS short,
                       COALESCE(SUM(outcome = ? AND NOT (\(duration) < ?)), 0) + COALESCE(SUM(outcome = ?), 0) AS abandoned
                FROM calls WHERE \(inPeriod) AND answered_at_ms IS NOT NULL
                """, arguments: [CallOutcome.abandonedInMenu.rawValue, StoreReport.shortAbandonMs, CallOutcome.abandonedInMenu.rawValue,
                                 StoreReport.shortAbandonMs, CallOutcome.abandonedWaiting.rawValue, fromMs, toMs])
            let latencies = try Int64.fetchAll(db, sql: """
                SELECT handoff_latency_ms FROM calls
                WHERE handoff_latency_ms IS NOT NULL AND outcome = ? AND \(inPeriod) ORDER BY handoff_latency_ms
                """, arguments: [CallOutcome.reachedPerson.rawValue, fromMs, toMs])
            let wanted = try Row.fetchAll(db, sql: """
                SELECT person_reached_ms, wait_ms FROM calls WHERE \(inPeriod) AND handoff_reason IS NOT NULL
                """, arguments: range)
            let serviceLevels = StoreReport.serviceLevelThresholdsMs.map { threshold in
                let reached = wanted.filter { (($0["person_reached_ms"] as Int64?) ?? .max) <= threshold }.count
                return StoreReport.ServiceLevel(withinMs: threshold, reached: reached, wanted: wanted.count,
                                                percent: wanted.isEmpty ? nil : (Double(reached * 1000 / wanted.count)) / 10)
            }
            let waits = wanted.compactMap { $0["wait_ms"] as Int64? }
            let misses = try Row.fetchAll(db, sql: """
                SELECT id, line, outcome, handoff_reason FROM calls
                WHERE \(inPeriod) AND handoff_reason IN ('distress', 'silent') AND COALESCE(outcome, '') != ?
                ORDER BY started_at_ms, id
                """, arguments: [fromMs, toMs, CallOutcome.reachedPerson.rawValue]).map {
                StoreReport.DistressMiss(id: $0["id"], line: $0["line"], outcome: ($0["outcome"] as String?) ?? "in progress",
                                         handoffReason: $0["handoff_reason"])
            }
            let callbacks = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(status = 'pending'), 0) AS pending, COALESCE(SUM(status = 'done'), 0) AS done
                FROM callbacks WHERE (requested_at_ms >= ? AND requested_at_ms < ?)
                    OR call_id IN (SELECT id FROM calls WHERE started_at_ms >= ? AND started_at_ms < ?)
                """, arguments: [fromMs, toMs, fromMs, toMs])
            let languages = try Row.fetchAll(db, sql: """
                SELECT COALESCE(language, '?') AS language, COUNT(*) AS n FROM calls
                WHERE \(inPeriod) AND answered_at_ms IS NOT NULL GROUP BY 1 ORDER BY n DESC, language
                """, arguments: range).map { StoreReport.Count(name: $0["language"], count: $0["n"]) }
            return StoreReport(
                fromMs: fromMs, toMs: toMs,
                calls: totals?["calls"] ?? 0,
                answered: totals?["answered"] ?? 0,
                outcomes: CallOutcome.allCases.map { .init(name: $0.rawValue, count: outcomeCounts[$0.rawValue] ?? 0) },
                handoffReasons: EventDescription.handoffReasons.map { .init(name: $0, count: reasonCounts[$0] ?? 0) },
                distressHandoffs: (reasonCounts["distress"] ?? 0) + (reasonCounts["silent"] ?? 0),
                agentRequests: reasonCounts["asked"] ?? 0,
                dayPassesGranted: byType[EventType.dayPassGranted] ?? 0,
                dayPassesRefused: byType[EventType.dayPassRefused] ?? 0,
                callbacks: byType[EventType.callbackRequested] ?? 0,
                callbacksPending: callbacks?["pending"] ?? 0,
                callbacksDone: callbacks?["done"] ?? 0,
                abandonedBeforePerson: abandons?["abandoned"] ?? 0,
                shortAbandons: abandons?["short"] ?? 0,
                releasedToBypass: outcomeCounts[CallOutcome.bypassed.rawValue] ?? 0,
                handoffLatency: .init(count: latencies.count, p50Ms: StoreReport.percentile(latencies, 0.5),
                                      p95Ms: StoreReport.percentile(latencies, 0.95), maxMs: latencies.last),
                serviceLevels: serviceLevels,
                averageWaitMs: waits.isEmpty ? nil : waits.reduce(0, +) / Int64(waits.count),
                longestWaitMs: waits.max(),
                distressWithoutPerson: misses,
                lines: try lineHealth(db, fromMs: fromMs, toMs: toMs),
                languages: languages,
                storeOverflows: byType[EventType.storeOverflow] ?? 0)
        }
    }

    /// Calls, faults, board resets and time in bypass per line: lines that had a call or a line event in the period.
    private func lineHealth(_ db: Database, fromMs: Int64, toMs: Int64) throws -> [StoreReport.LineHealth] {
        var health: [Int: StoreReport.LineHealth] = [:]
        func entry(_ line: Int) -> StoreReport.LineHealth {
            health[line] ?? StoreReport.LineHealth(line: line, calls: 0, faults: 0, boardResets: 0, bypassMs: 0)
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT line, COUNT(*) AS calls, COALESCE(SUM(outcome = ?), 0) AS faults FROM calls
            WHERE started_at_ms >= ? AND started_at_ms < ? GROUP BY line
            """, arguments: [CallOutcome.failed.rawValue, fromMs, toMs]) {
            var line = entry(row["line"])
            line.calls = row["calls"]
            line.faults = row["faults"]
            health[line.line] = line
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT CAST(json_extract(payload, '$.line') AS INTEGER) AS line, COUNT(*) AS n FROM events
            WHERE type = ? AND wall_time_ms >= ? AND wall_time_ms < ? AND json_valid(payload) GROUP BY 1
            """, arguments: [EventType.lineBoardReset, fromMs, toMs]) {
            var line = entry(row["line"])
            line.boardResets = row["n"]
            health[line.line] = line
        }
        // the relay's state at the start of the period is the last report before it; an open stretch ends at the period's end
        let bypassRows = try Row.fetchAll(db, sql: """
            SELECT CAST(json_extract(payload, '$.line') AS INTEGER) AS line, json_extract(payload, '$.engaged') AS engaged, wall_time_ms
            FROM events WHERE type = ? AND wall_time_ms < ? AND json_valid(payload) ORDER BY wall_time_ms, id
            """, arguments: [EventType.lineBypass, toMs])
        var engagedSince: [Int: Int64] = [:]
        for row in bypassRows {
            let lineNumber: Int = row["line"]
            let at: Int64 = row["wall_time_ms"]
            let engaged = (row["engaged"] as String?) == "yes"
            if engaged {
                if engagedSince[lineNumber] == nil { engagedSince[lineNumber] = at }
            } else if let since = engagedSince.removeValue(forKey: lineNumber) {
                let overlap = min(at, toMs) - max(since, fromMs)
                if overlap > 0 || at >= fromMs {
                    var line = entry(lineNumber)
                    line.bypassMs += max(0, overlap)
                    health[lineNumber] = line
                }
            }
        }
        for (lineNumber, since) in engagedSince {
            var line = entry(lineNumber)
            line.bypassMs += max(0, toMs - max(since, fromMs))
            health[lineNumber] = line
        }
        return health.values.sorted { $0.line < $1.line }
    }
}
