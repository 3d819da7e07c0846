import GRDB

/// Which calls `StoreDatabase.calls(matching:)` returns; nil fields do not filter.
public struct CallFilter: Sendable, Equatable {
    /// Calls that started at or after this wall time, milliseconds since 1970.
    public var sinceMs: Int64?
    /// Calls that started before this wall time, milliseconds since 1970.
    public var untilMs: Int64?
    /// Only this outcome (one of `CallOutcome`).
    public var outcome: String?
    /// Only calls with a distress hand-off.
    public var distressOnly: Bool

    /// Makes a filter.
    public init(sinceMs: Int64? = nil, untilMs: Int64? = nil, outcome: String? = nil, distressOnly: Bool = false) {
        self.sinceMs = sinceMs
        self.untilMs = untilMs
        self.outcome = outcome
        self.distressOnly = distressOnly
    }
}

/// A call with what the list shows beside it.
public struct CallSummary: Sendable, Equatable {
    /// The call row.
    public var call: CallRecord
    /// Whether a distress hand-off happened on it.
    public var distress: Bool
    /// How many events it logged.
    public var eventCount: Int
}

extension StoreDatabase {
    /// Calls matching `filter`, oldest first.
    public func calls(matching filter: CallFilter) throws -> [CallSummary] {
        var filterSQL = SQLFilter()
        filterSQL.add("started_at_ms >= ?", ifPresent: filter.sinceMs)
        filterSQL.add("started_at_ms < ?", ifPresent: filter.untilMs)
        filterSQL.add("outcome = ?", ifPresent: filter.outcome)
        filterSQL.add("distress", when: filter.distressOnly)
        let sql = """
            SELECT * FROM (
                SELECT calls.*,
                       EXISTS(SELECT 1 FROM events WHERE events.call_id = calls.id AND events.type = '\(EventType.distressHandoff)') AS distress,
                       (SELECT COUNT(*) FROM events WHERE events.call_id = calls.id) AS event_count
                FROM calls)
            \(filterSQL.whereClause)
            ORDER BY started_at_ms, id
            """
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: filterSQL.arguments).map { row in
                CallSummary(call: try CallRecord(row: row), distress: row["distress"], eventCount: row["event_count"])
            }
        }
    }

    /// Inserts or replaces a call row (the unit calls this at ring and at hang-up; not on the audio path).
    public func saveCall(_ call: CallRecord) throws {
        try pool.write { try call.save($0) }
    }

    /// The call with this id, if any.
    public func call(id: String) throws -> CallRecord? {
        try pool.read { try CallRecord.fetchOne($0, key: id) }
    }
}
