import Foundation
import GRDB

/// The supervisor's summary of a period: what happened and how fast people were reached.
public struct StoreReport: Codable, Sendable, Equatable {
    /// Hand-off latency distribution, milliseconds of audio time (nearest-rank percentiles).
    public struct Latency: Codable, Sendable, Equatable {
        /// Hand-offs measured.
        public var count: Int
        /// Median.
        public var p50Ms: Int64?
        /// 95th percentile.
        public var p95Ms: Int64?
        /// Slowest.
        public var maxMs: Int64?
    }

    /// Start of the period, inclusive, milliseconds since 1970.
    public var fromMs: Int64
    /// End of the period, exclusive, milliseconds since 1970.
    public var toMs: Int64
    /// Calls that rang in the period.
    public var calls: Int
    /// Of those, calls Warmline answered.
    public var answered: Int
    /// `distress.handoff` events.
    public var distressHandoffs: Int
    /// `agent.requested` events.
    public var agentRequests: Int
    /// `daypass.granted` events.
    public var dayPassesGranted: Int
    /// `daypass.refused` events.
    public var dayPassesRefused: Int
    /// `callback.requested` events.
    public var callbacks: Int
    /// Calls whose outcome is `abandoned`: the caller hung up before reaching a person.
    public var abandonedBeforePerson: Int
    /// Calls whose outcome is `bypassed`: no person answered in time, so the line went to the bypass relay (agent line).
    public var releasedToBypass: Int = 0
    /// Hand-off latency of calls handed off in the period.
    public var handoffLatency: Latency
    /// `store.overflow` events: times the event queue was full.
    public var storeOverflows: Int

    /// The report as an aligned two-column table.
    public func renderedTable(timeZone: TimeZone) -> String {
        let format = TimeFormat(timeZone: timeZone)
        func ms(_ value: Int64?) -> String { value.map { "\($0) ms" } ?? "-" }
        let rows: [(String, String)] = [
            ("period", "\(format.dateTime(ms: fromMs)) → \(format.dateTime(ms: toMs))"),
            ("calls", "\(calls)"),
            ("answered", "\(answered)"),
            ("distress hand-offs", "\(distressHandoffs)"),
            ("agent requests", "\(agentRequests)"),
            ("day passes granted", "\(dayPassesGranted)"),
            ("day passes refused", "\(dayPassesRefused)"),
            ("callbacks", "\(callbacks)"),
            ("abandoned before a person", "\(abandonedBeforePerson)"),
            ("released to bypass", "\(releasedToBypass)"),
            ("hand-offs timed", "\(handoffLatency.count)"),
            ("hand-off latency p50", ms(handoffLatency.p50Ms)),
            ("hand-off latency p95", ms(handoffLatency.p95Ms)),
            ("hand-off latency max", ms(handoffLatency.maxMs)),
            ("event queue overflows", "\(storeOverflows)"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }

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
            let counted = [EventType.distressHandoff, EventType.agentRequested, EventType.dayPassGranted, EventType.dayPassRefused,
                           EventType.callbackRequested, EventType.storeOverflow]
            var byType: [String: Int] = [:]
            // One indexed range count per type keeps this fast on millions of events.
            for type in counted {
                byType[type] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = ? AND wall_time_ms >= ? AND wall_time_ms < ?",
                                                arguments: [type, fromMs, toMs]) ?? 0
            }
            let callCounts = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS calls,
                       COUNT(answered_at_ms) AS answered,
                       COALESCE(SUM(outcome = ?), 0) AS abandoned,
                       COALESCE(SUM(outcome = ?), 0) AS bypassed
                FROM calls WHERE started_at_ms >= ? AND started_at_ms < ?
                """, arguments: [CallOutcome.abandoned, CallOutcome.bypassed, fromMs, toMs])
            let latencies = try Int64.fetchAll(db, sql: """
                SELECT handoff_latency_ms FROM calls
                WHERE handoff_latency_ms IS NOT NULL AND started_at_ms >= ? AND started_at_ms < ?
                ORDER BY handoff_latency_ms
                """, arguments: [fromMs, toMs])
            return StoreReport(
                fromMs: fromMs, toMs: toMs,
                calls: callCounts?["calls"] ?? 0,
                answered: callCounts?["answered"] ?? 0,
                distressHandoffs: byType[EventType.distressHandoff] ?? 0,
                agentRequests: byType[EventType.agentRequested] ?? 0,
                dayPassesGranted: byType[EventType.dayPassGranted] ?? 0,
                dayPassesRefused: byType[EventType.dayPassRefused] ?? 0,
                callbacks: byType[EventType.callbackRequested] ?? 0,
                abandonedBeforePerson: callCounts?["abandoned"] ?? 0,
                releasedToBypass: callCounts?["bypassed"] ?? 0,
                handoffLatency: .init(count: latencies.count, p50Ms: StoreReport.percentile(latencies, 0.5),
                                      p95Ms: StoreReport.percentile(latencies, 0.95), maxMs: latencies.last),
                storeOverflows: byType[EventType.storeOverflow] ?? 0)
        }
    }
}
