import GRDB

/// Which calls `StoreDatabase.calls(matching:)` returns; nil or empty fields do not filter.
public struct CallFilter: Sendable, Equatable {
    /// Calls that started at or after this wall time, milliseconds since 1970.
    public var sinceMs: Int64?
    /// Calls that started before this wall time, milliseconds since 1970.
    public var untilMs: Int64?
    /// Only this outcome (one of `CallOutcome`).
    public var outcome: String?
    /// Only these outcomes (any of them); combined with `outcome` when both are set.
    public var outcomes: [String]
    /// Only calls with a distress hand-off.
    public var distressOnly: Bool
    /// Only calls whose caller ID contains these digits (`871111111` finds `+353871111111`).
    public var caller: String?
    /// Only calls on this board line.
    public var line: Int?
    /// Only calls in this prompt language.
    public var language: String?

    /// Makes a filter.
    public init(sinceMs: Int64? = nil, untilMs: Int64? = nil, outcome: String? = nil, outcomes: [String] = [], distressOnly: Bool = false,
                caller: String? = nil, line: Int? = nil, language: String? = nil) {
        self.sinceMs = sinceMs
        self.untilMs = untilMs
        self.outcome = outcome
        self.outcomes = outcomes
        self.distressOnly = distressOnly
        self.caller = caller
        self.line = line
        self.language = language
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
    /// Its place among its line's calls, oldest first, from 1 (the `42` of `L1-0042`).
    public var lineSequence: Int = 0

    /// The short id people use: line and sequence, `L1-0042`.
    public var shortID: String { CallSummary.shortID(line: call.line, sequence: lineSequence) }

    /// `L<line>-<sequence>`, the sequence zero-padded to four digits.
    public static func shortID(line: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "L\(line)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension StoreDatabase {
    /// Every call row with its short-id sequence, distress flag and event count, before any filter.
    static let callSummarySQL = """
        SELECT calls.*,
               ROW_NUMBER() OVER (PARTITION BY line ORDER BY started_at_ms, id) AS line_sequence,
               EXISTS(SELECT 1 FROM events WHERE events.call_id = calls.id AND events.type = '\(EventType.distressHandoff)') AS distress,
               (SELECT COUNT(*) FROM events WHERE events.call_id = calls.id) AS event_count
        FROM calls
        """

    /// Calls matching `filter`, oldest first; each call's short id counts every call of its line, filtered or not.
    public func calls(matching filter: CallFilter) throws -> [CallSummary] {
        var filterSQL = SQLFilter()
        filterSQL.add("started_at_ms >= ?", ifPresent: filter.sinceMs)
        filterSQL.add("started_at_ms < ?", ifPresent: filter.untilMs)
        filterSQL.add("outcome = ?", ifPresent: filter.outcome)
        if !filter.outcomes.isEmpty {
            filterSQL.add("outcome IN (\(filter.outcomes.map { _ in "?" }.joined(separator: ", ")))", filter.outcomes)
        }
        filterSQL.add("distress", when: filter.distressOnly)
        filterSQL.add("instr(caller_id, ?) > 0", ifPresent: filter.caller)
        filterSQL.add("line = ?", ifPresent: filter.line)
        filterSQL.add("language = ?", ifPresent: filter.language)
        let sql = """
            SELECT * FROM (\(StoreDatabase.callSummarySQL))
            \(filterSQL.whereClause)
            ORDER BY started_at_ms, id
            """
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: filterSQL.arguments).map(StoreDatabase.callSummary)
        }
    }

    /// How many call rows the database holds.
    public func callCount() throws -> Int {
        try pool.read { try CallRecord.fetchCount($0) }
    }

    /// The call a person named: `last` (the latest to start), a short id (`L1-0042`, `l1-42`), a full id, or a prefix of
    /// either that only one call has. An unknown reference throws `unknownCall`; a prefix several calls share throws
    /// `ambiguousCall` listing them. Calls known only from their events (no call row) are found by their full id.
    public func resolveCall(_ reference: String) throws -> String {
        let text = reference.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw StoreError.unknownCall(reference) }
        return try pool.read { db in
            if text.lowercased() == "last" {
                guard let id = try String.fetchOne(db, sql: "SELECT id FROM calls ORDER BY started_at_ms DESC, id DESC LIMIT 1") else {
                    throw StoreError.unknownCall(reference)
                }
                return id
            }
            let summaries = try Row.fetchAll(db, sql: StoreDatabase.callSummarySQL + " ORDER BY started_at_ms, id").map(StoreDatabase.callSummary)
            if summaries.contains(where: { $0.call.id == text }) { return text }
            if let short = StoreDatabase.parseShortID(text),
               let match = summaries.first(where: { $0.call.line == short.line && $0.lineSequence == short.sequence }) {
                return match.call.id
            }
            let eventOnly = try String.fetchAll(db, sql: "SELECT DISTINCT call_id FROM events WHERE call_id IS NOT NULL AND call_id NOT IN (SELECT id FROM calls)")
            if eventOnly.contains(text) { return text }
            let upper = text.uppercased()
            var candidates = summaries.filter { $0.call.id.hasPrefix(text) || $0.shortID.hasPrefix(upper) }
                .map { "\($0.shortID) (\($0.call.id))" }
            candidates += eventOnly.filter { $0.hasPrefix(text) }.map { "\($0) (events only)" }
            switch candidates.count {
            case 0: throw StoreError.unknownCall(reference)
            case 1:
                if let match = summaries.first(where: { $0.call.id.hasPrefix(text) || $0.shortID.hasPrefix(upper) }) { return match.call.id }
                return eventOnly.first { $0.hasPrefix(text) } ?? text
            default: throw StoreError.ambiguousCall(reference, candidates: candidates)
            }
        }
    }

    /// The short id of call `id` (`L1-0042`), or nil when it has no call row.
    public func shortID(ofCall id: String) throws -> String? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM (\(StoreDatabase.callSummarySQL)) WHERE id = ?", arguments: [id])
                .map(StoreDatabase.callSummary)?.shortID
        }
    }

    /// Every call id with its short id, for listings that show calls they did not query (logs, callbacks).
    public func shortIDs() throws -> [String: String] {
        try pool.read { db in
            var ids: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, line, ROW_NUMBER() OVER (PARTITION BY line ORDER BY started_at_ms, id) AS line_sequence FROM calls")
            while let row = try rows.next() {
                ids[row["id"]] = CallSummary.shortID(line: row["line"], sequence: row["line_sequence"])
            }
            return ids
        }
    }

    /// `L1-0042` or `l1-42` as line and sequence.
    static func parseShortID(_ text: String) -> (line: Int, sequence: Int)? {
        guard let match = text.wholeMatch(of: /[Ll](\d{1,4})-(\d{1,9})/), let line = Int(match.1), let sequence = Int(match.2) else { return nil }
        return (line, sequence)
    }

    private static func callSummary(_ row: Row) throws -> CallSummary {
        CallSummary(call: try CallRecord(row: row), distress: row["distress"], eventCount: row["event_count"], lineSequence: row["line_sequence"])
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
