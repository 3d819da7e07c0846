import Foundation
import GRDB
import WarmlineStore

/// What the dashboard's pages show, read from the same database `warmline report` and `warmline calls` read.
public struct DashboardData: Sendable {
    /// A hand-off within this long counts toward the service level (the contact-centre "80/20" style target).
    public static let serviceLevelTargetMs: Int64 = 20_000
    /// Upper bounds (seconds) of the hand-off latency histogram's bars; the last bar holds everything slower.
    public static let latencyBucketsSeconds: [Double] = [5, 10, 15, 20, 30, 45, 60]

    /// The store read.
    public let store: StoreDatabase
    /// The zone the day and the times on the pages are in.
    public let timeZone: TimeZone

    /// Makes a reader over `store`.
    public init(store: StoreDatabase, timeZone: TimeZone) {
        self.store = store
        self.timeZone = timeZone
    }

    /// The local day holding `nowMs`: `[start, end)` in milliseconds since 1970 (as `warmline report` takes today).
    public func dayBounds(nowMs: Int64) -> (fromMs: Int64, toMs: Int64) {
        // the same day text and bounds `warmline report` uses for its default day
        let dayText = String(TimeFormat(timeZone: timeZone).dateTime(ms: nowMs).prefix(10))
        guard let range = try? TimeBound.day(dayText, timeZone: timeZone) else {
            return (nowMs - nowMs % 86_400_000, nowMs - nowMs % 86_400_000 + 86_400_000)
        }
        return (TimeBound.milliseconds(range.start), TimeBound.milliseconds(range.end))
    }

    /// Today's figures: exactly `warmline report` for the day.
    public func today(nowMs: Int64) throws -> StoreReport {
        let day = dayBounds(nowMs: nowMs)
        return try store.report(fromMs: day.fromMs, toMs: day.toMs)
    }

    /// One hour of the day: calls, and of those who needed a person, how many reached one within the target.
    public struct HourFigures: Sendable, Equatable {
        /// Local hour, 0...23.
        public var hour: Int
        /// Calls that started in the hour.
        public var calls: Int
        /// Calls that needed a person (handed off, abandoned waiting, released to bypass, or a callback).
        public var neededPerson: Int
        /// Of those, handed off within `serviceLevelTargetMs`.
        public var withinTarget: Int

        /// Service level in percent, nil when nobody needed a person.
        public var serviceLevelPercent: Double? {
            neededPerson == 0 ? nil : Double(withinTarget) * 100 / Double(neededPerson)
        }
    }

    /// The day's 24 hours (local), for the service-level chart.
    public func hours(nowMs: Int64) throws -> [HourFigures] {
        let day = dayBounds(nowMs: nowMs)
        // the report's rule: a call wanted a person when a hand-off started (any reason); it was served in time when a
        // person took it within the target, counted in call time from the answer
        let rows = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT started_at_ms, handoff_reason, person_reached_ms FROM calls WHERE started_at_ms >= ? AND started_at_ms < ?
                """, arguments: [day.fromMs, day.toMs])
        }
        var hours = (0..<24).map { HourFigures(hour: $0, calls: 0, neededPerson: 0, withinTarget: 0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        for row in rows {
            let started: Int64 = row["started_at_ms"]
            let hour = calendar.component(.hour, from: Date(timeIntervalSince1970: Double(started) / 1000))
            hours[hour].calls += 1
            let reason: String? = row["handoff_reason"]
            let reached: Int64? = row["person_reached_ms"]
            if reason != nil {
                hours[hour].neededPerson += 1
                if let reached, reached <= Self.serviceLevelTargetMs { hours[hour].withinTarget += 1 }
            }
        }
        return hours
    }

    /// Hand-off latencies of the day's calls (milliseconds, ascending): the histogram's data, the report's p50/p95/max.
    public func latenciesMs(nowMs: Int64) throws -> [Int64] {
        let day = dayBounds(nowMs: nowMs)
        return try store.pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT handoff_latency_ms FROM calls
                WHERE handoff_latency_ms IS NOT NULL AND started_at_ms >= ? AND started_at_ms < ? ORDER BY handoff_latency_ms
                """, arguments: [day.fromMs, day.toMs])
        }
    }

    /// Counts per histogram bar (`latencyBucketsSeconds`, then one bar for slower).
    public static func histogram(_ latenciesMs: [Int64]) -> [Int] {
        var counts = Array(repeating: 0, count: latencyBucketsSeconds.count + 1)
        for latency in latenciesMs {
            let index = latencyBucketsSeconds.firstIndex { Double(latency) <= $0 * 1000 } ?? latencyBucketsSeconds.count
            counts[index] += 1
        }
        return counts
    }

    /// The calls list's filters (from the page's query string).
    public struct CallsQuery: Sendable, Equatable {
        /// A local day `YYYY-MM-DD`; nil: every day.
        public var day: String?
        /// One of `CallOutcome.all`; nil: any.
        public var outcome: String?
        /// Only calls with a distress hand-off.
        public var distressOnly = false
        /// Part of a caller ID.
        public var caller: String?
        /// Most rows shown.
        public var limit = 200

        /// Makes a query.
        public init(day: String? = nil, outcome: String? = nil, distressOnly: Bool = false, caller: String? = nil) {
            self.day = day
            self.outcome = outcome
            self.distressOnly = distressOnly
            self.caller = caller
        }
    }

    /// Calls matching `query`, newest first; throws `DashboardInputError` for a malformed day or unknown outcome.
    public func calls(_ query: CallsQuery) throws -> [CallRow] {
        var filter = CallFilter(outcome: nil, distressOnly: query.distressOnly)
        if let outcome = query.outcome {
            guard CallOutcome.all.contains(outcome) else {
                throw DashboardInputError(field: "outcome", reason: "'\(outcome)' is not one of \(CallOutcome.all.joined(separator: ", "))")
            }
            filter.outcome = outcome
        }
        if let day = query.day {
            do {
                let range = try TimeBound.day(day, timeZone: timeZone)
                filter.sinceMs = TimeBound.milliseconds(range.start)
                filter.untilMs = TimeBound.milliseconds(range.end)
            } catch {
                throw DashboardInputError(field: "day", reason: "\(error)")
            }
        }
        // newest first and bounded in SQL: a unit's years of calls are never all read for one page
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let since = filter.sinceMs { conditions.append("started_at_ms >= ?"); arguments.append(since) }
        if let until = filter.untilMs { conditions.append("started_at_ms < ?"); arguments.append(until) }
        if let outcome = filter.outcome { conditions.append("outcome = ?"); arguments.append(outcome) }
        if filter.distressOnly {
            conditions.append("EXISTS (SELECT 1 FROM events WHERE events.call_id = calls.id AND events.type = ?)")
            arguments.append(EventType.distressHandoff)
        }
        if let caller = query.caller, !caller.isEmpty {
            conditions.append("instr(lower(caller_id), lower(?)) > 0")
            arguments.append(caller)
        }
        arguments.append(query.limit)
        let sql = """
            SELECT calls.*,
                   EXISTS (SELECT 1 FROM events WHERE events.call_id = calls.id AND events.type = '\(EventType.distressHandoff)') AS distress,
                   (SELECT COUNT(*) FROM events WHERE events.call_id = calls.id) AS event_count
            FROM calls \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY started_at_ms DESC, id DESC LIMIT ?
            """
        return try store.pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                CallRow(call: try CallRecord(row: row), distress: row["distress"], eventCount: row["event_count"])
            }
        }
    }

    /// A call as the calls list shows it.
    public struct CallRow: Sendable, Equatable {
        /// The call row.
        public var call: CallRecord
        /// Whether a distress hand-off happened on it.
        public var distress: Bool
        /// How many events it logged.
        public var eventCount: Int
    }

    /// A day pass with where billing stands on it.
    public struct PassRow: Sendable, Equatable {
        /// The ledger row.
        public var pass: DayPassRecord
        /// Its outbox entry.
        public var outbox: OutboxRecord?
        /// The last delivery error, if the last attempt failed.
        public var lastError: String?

        /// `active` (billing acknowledged, not expired), `requested` (waiting for billing) or `expired`.
        public func state(nowMs: Int64) -> String {
            if pass.expiresAtMs <= nowMs { return "expired" }
            return outbox?.status == OutboxRecord.sent ? "active" : "requested"
        }
    }

    /// The latest day passes with their outbox entries, newest first.
    public func passes(limit: Int = 200) throws -> [PassRow] {
        try store.pool.read { db in
            let passes = try DayPassRecord.order(Column("granted_at_ms").desc, Column("id").desc).limit(limit).fetchAll(db)
            return try passes.map { pass in
                let outbox = try OutboxRecord.filter(Column("day_pass_id") == pass.id).order(Column("id").desc).fetchOne(db)
                let lastError = try outbox.flatMap { entry in
                    try String.fetchOne(db, sql: """
                        SELECT json_extract(payload, '$.error') FROM events
                        WHERE type = ? AND json_extract(payload, '$.outbox_id') = ? ORDER BY id DESC LIMIT 1
                        """, arguments: [BillingEventType.attempt, entry.id])
                }
                return PassRow(pass: pass, outbox: outbox, lastError: outbox?.status == OutboxRecord.sent ? nil : lastError)
            }
        }
    }

    /// The pending outbox with each entry's attempts and last error.
    public func outbox() throws -> [BillingPending] {
        try store.billingPending()
    }

    /// Callback requests, newest first.
    public func callbacks(limit: Int = 200) throws -> [CallbackRecord] {
        try store.pool.read { db in
            try CallbackRecord.order(Column("requested_at_ms").desc, Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    /// A stamp that changes whenever a call, event, pass, outbox acknowledgement or callback is written: the live
    /// page refreshes when it moves.
    public func changeStamp() throws -> String {
        try store.pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT COALESCE(MAX(id), 0) FROM events) AS events,
                       (SELECT COUNT(*) FROM calls) AS calls,
                       (SELECT COUNT(*) FROM calls WHERE ended_at_ms IS NOT NULL) AS ended,
                       (SELECT COALESCE(MAX(id), 0) FROM day_passes) AS passes,
                       (SELECT COUNT(*) FROM outbox WHERE status = 'sent') AS sent,
                       (SELECT COALESCE(MAX(id), 0) FROM callbacks) AS callbacks
                """)
            let parts: [Int64] = ["events", "calls", "ended", "passes", "sent", "callbacks"].map { row?[$0] ?? 0 }
            return parts.map(String.init).joined(separator: "-")
        }
    }
}

/// A filter value the dashboard cannot use, named with the field (shown on the page, answered with 400).
public struct DashboardInputError: Error, Equatable, CustomStringConvertible {
    /// The query field.
    public var field: String
    /// Why it was refused.
    public var reason: String

    /// `outcome: 'x' is not one of ...`.
    public var description: String { "\(field): \(reason)" }
}
