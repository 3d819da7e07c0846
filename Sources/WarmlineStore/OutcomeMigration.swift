import GRDB

/// The v4 migration's data step: each call stored before v4 gets its outcome in the one vocabulary, its hand-off
/// reason and its timings, derived from its old outcome and its events (wall times stand in for audio time there).
enum OutcomeMigration {
    /// Old `calls.outcome` values (before v4).
    enum OldOutcome {
        static let handedOff = "handed_off"
        static let selfServed = "self_served"
        static let abandoned = "abandoned"
        static let callback = "callback"
        static let failed = "failed"
        static let bypassed = "bypassed"
    }

    /// Event types before v4 that show a hand-off started (a non-distress hand-off was `agent.requested`).
    static let handoffTypes = [EventType.agentRequested, EventType.handoffStarted, EventType.distressHandoff]

    static func run(_ db: Database) throws {
        // the few events that matter, in one indexed pass, grouped by call (a per-call query is ~10x slower on 1M events)
        var eventsByCall: [String: [Row]] = [:]
        let relevant = try Row.fetchCursor(db, sql: """
            SELECT call_id, type, wall_time_ms, payload FROM events
            WHERE type IN (?, ?, ?, ?, ?) AND call_id IS NOT NULL ORDER BY id
            """, arguments: [EventType.agentRequested, EventType.handoffStarted, EventType.distressHandoff,
                             EventType.handoffConnected, EventType.callbackRequested])
        while let row = try relevant.next() { eventsByCall[row["call_id"], default: []].append(row.copy()) }
        let update = try db.makeStatement(sql: """
            UPDATE calls SET outcome = ?, handoff_reason = ?, handoff_started_ms = ?, person_reached_ms = ?, wait_ms = ?,
                             duration_ms = ?, handoff_latency_ms = ?
            WHERE id = ?
            """)
        let calls = try Row.fetchAll(db, sql: "SELECT id, outcome, answered_at_ms, ended_at_ms, handoff_latency_ms FROM calls")
        for call in calls {
            let id: String = call["id"]
            let old: String? = call["outcome"]
            let answeredAt: Int64? = call["answered_at_ms"]
            let endedAt: Int64? = call["ended_at_ms"]
            let latency: Int64? = call["handoff_latency_ms"]
            let events = eventsByCall[id] ?? []
            let started = events.first { handoffTypes.contains($0["type"] as String) }
            let connected = events.first { ($0["type"] as String) == EventType.handoffConnected }
            let reason = handoffReason(events)
            var outcome: String?
            if let old {
                let facts = CallFacts(failed: old == OldOutcome.failed, reachedPerson: old == OldOutcome.handedOff || connected != nil,
                                      bypassed: old == OldOutcome.bypassed,
                                      callbackPromised: old == OldOutcome.callback
                                          || events.contains { ($0["type"] as String) == EventType.callbackRequested },
                                      choseToEnd: old == OldOutcome.selfServed, handoffStarted: started != nil,
                                      servedSelf: old == OldOutcome.selfServed)
                outcome = CallOutcome.derive(facts).rawValue
            }
            let since = { (row: Row?) -> Int64? in
                guard let row, let answeredAt else { return nil }
                return max(0, (row["wall_time_ms"] as Int64) - answeredAt)
            }
            let reached = outcome == CallOutcome.reachedPerson.rawValue
            let startedMs = since(started)
            let personMs = reached ? (since(connected) ?? startedMs.flatMap { start in latency.map { start + $0 } }) : nil
            let durationMs = answeredAt.flatMap { answered in endedAt.map { max(0, $0 - answered) } }
            var waitMs: Int64?
            if let startedMs {
                waitMs = reached ? (latency ?? personMs.map { $0 - startedMs }) : durationMs.map { max(0, $0 - startedMs) }
            }
            try update.execute(arguments: [outcome, reason, startedMs, personMs, waitMs, durationMs, reached ? latency : nil, id])
        }
    }

    /// The hand-off's reason from the old events: a distress hand-off (silent keys or an open line are `silent`), else
    /// the first request's reason text (menu failure, time bound, provisional pass, silent caller, else asked).
    static func handoffReason(_ events: [Row]) -> String? {
        if let distress = events.first(where: { ($0["type"] as String) == EventType.distressHandoff }) {
            let payload: String = distress["payload"]
            return payload.contains("silent_keys") || payload.contains("silent_open_line") ? "silent" : "distress"
        }
        guard let request = events.first(where: { handoffTypes.contains($0["type"] as String) }) else { return nil }
        let payload: String = request["payload"]
        if payload.contains("caller could not use menu") { return "menu_failure" }
        if payload.contains("caller still in the menu after") { return "time_bound" }
        if payload.contains("provisional day pass") { return "distress" }
        if payload.contains("silent caller") { return "silent" }
        return "asked"
    }
}
