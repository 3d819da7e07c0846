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
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let sinceMs = filter.sinceMs {
            conditions.append("wall_time_ms >= ?")
            _ = arguments.append(contentsOf: [sinceMs])
        }
        if let untilMs = filter.untilMs {
            conditions.append("wall_time_ms < ?")
            _ = arguments.append(contentsOf: [untilMs])
        }
        if let callID = filter.callID {
            conditions.append("call_id = ?")
            _ = arguments.append(contentsOf: [callID])
        }
        if let type = filter.type {
            if type.hasSuffix("*") {
                conditions.append("substr(type, 1, ?) = ?")
                let prefix = String(type.dropLast())
                _ = arguments.append(contentsOf: [prefix.count, prefix])
            } else {
                conditions.append("type = ?")
                _ = arguments.append(contentsOf: [type])
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var sql = "SELECT * FROM events \(whereClause) ORDER BY wall_time_ms DESC, id DESC"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        let newestFirst = try pool.read { try EventRecord.fetchAll($0, sql: sql, arguments: arguments) }
        return newestFirst.reversed()
    }
}
