import Foundation
import GRDB
import Prometheus
import WarmlineStore

/// `/metrics` in Prometheus text format: the store's cumulative figures (calls by outcome, hand-off latency, overflows,
/// passes) and the running unit's state (lines, queue, store queue, speech models). Each scrape reads them afresh.
public struct MetricsExporter: Sendable {
    /// Upper bounds of the hand-off latency histogram, seconds.
    public static let latencyBucketsSeconds: [Double] = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120]

    /// The store read.
    public let store: StoreDatabase

    /// Makes an exporter over `store`.
    public init(store: StoreDatabase) {
        self.store = store
    }

    /// The exposition text for one scrape, `unit` being the running service's state (nil: not running).
    public func render(unit: UnitSnapshot?) throws -> String {
        let figures = try store.pool.read { db in
            (outcomes: try Row.fetchAll(db, sql: "SELECT outcome, COUNT(*) AS n FROM calls WHERE outcome IS NOT NULL GROUP BY outcome"),
             inProgress: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM calls WHERE ended_at_ms IS NULL") ?? 0,
             latencies: try Int64.fetchAll(db, sql: "SELECT handoff_latency_ms FROM calls WHERE handoff_latency_ms IS NOT NULL"),
             overflows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = ?", arguments: [EventType.storeOverflow]) ?? 0,
             distress: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = ?", arguments: [EventType.distressHandoff]) ?? 0,
             passes: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM day_passes") ?? 0,
             pending: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'pending'") ?? 0,
             attempts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = ?", arguments: [BillingEventType.attempt]) ?? 0,
             callbacks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM callbacks WHERE status = 'pending'") ?? 0)
        }
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(descriptor: Self.name("warmline_up", "1 when the Warmline service answered this scrape, 0 when it is not running"))
            .set(Int64(unit == nil ? 0 : 1))
        var byOutcome: [String: Int] = [:]
        for row in figures.outcomes { byOutcome[row["outcome"]] = row["n"] }
        let calls = Self.name("warmline_calls_total", "Calls ended, by outcome (reached_person, callback_promised, self_served, abandoned_in_menu, abandoned_waiting, bypassed, failed)")
        for outcome in CallOutcome.all + byOutcome.keys.filter({ !CallOutcome.all.contains($0) }).sorted() {
            registry.makeCounter(descriptor: calls, labels: [("outcome", outcome)]).increment(by: Int64(byOutcome[outcome] ?? 0))
        }
        registry.makeGauge(descriptor: Self.name("warmline_calls_in_progress", "Calls started and not ended (a crashed run's calls until the next start closes them)"))
            .set(Int64(figures.inProgress))
        let histogram = registry.makeValueHistogram(
            descriptor: Self.name("warmline_handoff_latency_seconds", "Audio time from the hand-off decision to an agent answering"),
            buckets: Self.latencyBucketsSeconds)
        for latency in figures.latencies { histogram.record(Double(latency) / 1000) }
        registry.makeCounter(descriptor: Self.name("warmline_distress_handoffs_total", "Hand-offs decided by the distress score"))
            .increment(by: Int64(figures.distress))
        registry.makeCounter(descriptor: Self.name("warmline_store_overflows_total", "Times the event queue was full and events were dropped"))
            .increment(by: Int64(figures.overflows))
        registry.makeCounter(descriptor: Self.name("warmline_day_passes_granted_total", "Emergency day passes granted"))
            .increment(by: Int64(figures.passes))
        registry.makeGauge(descriptor: Self.name("warmline_billing_outbox_pending", "Outbox entries billing has not acknowledged"))
            .set(Int64(figures.pending))
        registry.makeCounter(descriptor: Self.name("warmline_billing_attempts_total", "Delivery attempts of outbox entries to billing"))
            .increment(by: Int64(figures.attempts))
        registry.makeGauge(descriptor: Self.name("warmline_callbacks_pending", "Callback requests nobody has marked done"))
            .set(Int64(figures.callbacks))
        let lines = unit?.lines ?? []
        registry.makeGauge(descriptor: Self.name("warmline_lines", "Lines the running service serves"))
            .set(Int64(lines.count))
        registry.makeGauge(descriptor: Self.name("warmline_lines_up", "Lines whose board link answers"))
            .set(Int64(lines.filter(\.up).count))
        registry.makeGauge(descriptor: Self.name("warmline_lines_in_bypass", "Lines on the bypass relay (straight to the agent line)"))
            .set(Int64(lines.filter(\.inBypass).count))
        registry.makeGauge(descriptor: Self.name("warmline_queue_length", "Callers waiting in the unit's queue for a person"))
            .set(Int64(unit?.queueLength ?? 0))
        registry.makeGauge(descriptor: Self.name("warmline_store_queue_depth", "Events waiting in the event writer's queue"))
            .set(Int64(unit?.storeQueueDepth ?? 0))
        let speech = Self.name("warmline_speech_model_ready", "1 when the speech model is loaded and answering, by model")
        for model in unit?.speechModels ?? [] {
            registry.makeGauge(descriptor: speech, labels: [("model", model.name), ("state", model.state)]).set(Int64(model.state == "ready" ? 1 : 0))
        }
        return registry.emitToString()
    }

    static func name(_ full: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: full, unitName: "", helpText: help)
    }
}
