import GRDB

/// Which events `StoreDatabase.events(matching:)` returns; nil fields do not filter.
public struct EventFilter: Sendable, Equatable {
    /// Earliest wall time, inclusive, milliseconds since 1970.
    public var sinceMs: Int64?
    /// Latest wall time, exclusive, milliseconds since 1970.
    public var untilMs: Int64?
    /// Only this call's events.
    public var callID: String?
    /// Only this type; a trailing `*` matches a prefix (`distress.*`).
    public var type: String?
    /// At most this many, the newest ones.
    public var limit: Int?

    /// Makes a filter.
    public init(sinceMs: Int64? = nil, untilMs: Int64? = nil, callID: String? = nil, type: String? = nil, limit: Int? = nil) {
        self.sinceMs = sinceMs
        self.untilMs = untilMs
        self.callID = callID
        self.type = type
        self.limit = limit
    }
}

extension StoreDatabase {
    /// Events matching `filter`, oldest first (newest last).
    public func events(matching filter: EventFilter) throws -> [EventRecord] {
        var filterSQL = SQLFilter()
        filterSQL.add("wall_time_ms >= ?", ifPresent: filter.sinceMs)
        filterSQL.add("wall_time_ms < ?", ifPresent: filter.untilMs)
        filterSQL.add("call_id = ?", ifPresent: filter.callID)
        if let type = filter.type, type.hasSuffix("*") {
            let prefix = String(type.dropLast())
            filterSQL.add("substr(type, 1, ?) = ?", [prefix.count, prefix])
        } else {
            filterSQL.add("type = ?", ifPresent: filter.type)
        }
        var sql = "SELECT * FROM events \(filterSQL.whereClause) ORDER BY wall_time_ms DESC, id DESC"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        let newestFirst = try pool.read { try EventRecord.fetchAll($0, sql: sql, arguments: filterSQL.arguments) }
        return newestFirst.reversed()
    }
}
