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
    /// Each call id with its place among its line's calls (the window runs over three narrow columns only).
    static let lineSequenceSQL = "SELECT id AS seq_id, ROW_NUMBER() OVER (PARTITION BY line ORDER BY started_at_ms, id) AS line_sequence FROM calls"
    /// Whether a call had a distress hand-off, for a query over `calls`.
    static let distressSQL = "EXISTS(SELECT 1 FROM events WHERE events.call_id = calls.id AND events.type = '\(EventType.distressHandoff)')"

    /// Calls matching `filter`, oldest first; each call's short id counts every call of its line, filtered or not.
    public func calls(matching filter: CallFilter) throws -> [CallSummary] {
        var filterSQL = SQLFilter()
        filterSQL.add("calls.started_at_ms >= ?", ifPresent: filter.sinceMs)
        filterSQL.add("calls.started_at_ms < ?", ifPresent: filter.untilMs)
        filterSQL.add("calls.outcome = ?", ifPresent: filter.outcome)
        if !filter.outcomes.isEmpty {
            filterSQL.add("calls.outcome IN (\(filter.outcomes.map { _ in "?" }.joined(separator: ", ")))", filter.outcomes)
        }
        filterSQL.add(StoreDatabase.distressSQL, when: filter.distressOnly)
        filterSQL.add("instr(calls.caller_id, ?) > 0", ifPresent: filter.caller)
        filterSQL.add("calls.line = ?", ifPresent: filter.line)
        filterSQL.add("calls.language = ?", ifPresent: filter.language)
        // calls first (CROSS JOIN keeps that order), so the event lookups run only for the calls the filter keeps
        let sql = """
            SELECT calls.*, seq.line_sequence, \(StoreDatabase.distressSQL) AS distress,
                   (SELECT COUNT(*) FROM events WHERE events.call_id = calls.id) AS event_count
            FROM calls CROSS JOIN (\(StoreDatabase.lineSequenceSQL)) AS seq ON seq.seq_id = calls.id
            \(filterSQL.whereClause)
            ORDER BY calls.started_at_ms, calls.id
            """
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: filterSQL.arguments).map { row in
                CallSummary(call: try CallRecord(row: row), distress: row["distress"], eventCount: row["event_count"],
                            lineSequence: row["line_sequence"])
            }
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
            if try String.fetchOne(db, sql: "SELECT id FROM calls WHERE id = ?", arguments: [text]) != nil { return text }
            let short = StoreDatabase.parseShortID(text)
            if let short, let id = try StoreDatabase.call(line: short.line, sequence: short.sequence, db) { return id }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM events WHERE call_id = ?)", arguments: [text]) == true { return text }

            // prefixes: of full ids (calls, then calls known only from events), and of short ids on the line they name
            var matches: [(id: String, label: String)] = []
            let byPrefix = try Row.fetchAll(db, sql: """
                SELECT calls.id, calls.line, seq.line_sequence FROM calls CROSS JOIN (\(StoreDatabase.lineSequenceSQL)) AS seq ON seq.seq_id = calls.id
                WHERE substr(calls.id, 1, ?) = ? ORDER BY calls.started_at_ms, calls.id
                """, arguments: [text.count, text])
            for row in byPrefix {
                let id: String = row["id"]
                matches.append((id, "\(CallSummary.shortID(line: row["line"], sequence: row["line_sequence"])) (\(id))"))
            }
            if let line = StoreDatabase.shortIDLine(prefix: text) {
                let upper = text.uppercased()
                let onLine = try Row.fetchAll(db, sql: """
                    SELECT id, ROW_NUMBER() OVER (ORDER BY started_at_ms, id) AS line_sequence FROM calls WHERE line = ?
                    ORDER BY started_at_ms, id
                    """, arguments: [line])
                for row in onLine {
                    let id: String = row["id"]
                    let shortID = CallSummary.shortID(line: line, sequence: row["line_sequence"])
                    if shortID.hasPrefix(upper), !matches.contains(where: { $0.id == id }) { matches.append((id, "\(shortID) (\(id))")) }
                }
            }
            let eventOnly = try String.fetchAll(db, sql: """
                SELECT DISTINCT call_id FROM events WHERE substr(call_id, 1, ?) = ? AND call_id NOT IN (SELECT id FROM calls) ORDER BY call_id
                """, arguments: [text.count, text])
            matches += eventOnly.map { ($0, "\($0) (events only)") }
            switch matches.count {
            case 0: throw StoreError.unknownCall(reference)
            case 1: return matches[0].id
            default: throw StoreError.ambiguousCall(reference, candidates: matches.map(\.label))
            }
        }
    }

    /// The short id of call `id` (`L1-0042`), or nil when it has no call row.
    public func shortID(ofCall id: String) throws -> String? {
        try pool.read { db in
            guard let call = try CallRecord.fetchOne(db, key: id) else { return nil }
            let sequence = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM calls WHERE line = ? AND (started_at_ms < ? OR (started_at_ms = ? AND id <= ?))
                """, arguments: [call.line, call.startedAtMs, call.startedAtMs, call.id]) ?? 0
            return CallSummary.shortID(line: call.line, sequence: sequence)
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

    /// The id of the `sequence`th call on `line`, if there is one.
    static func call(line: Int, sequence: Int, _ db: Database) throws -> String? {
        guard sequence >= 1 else { return nil }
        return try String.fetchOne(db, sql: "SELECT id FROM calls WHERE line = ? ORDER BY started_at_ms, id LIMIT 1 OFFSET ?",
                                   arguments: [line, sequence - 1])
    }

    /// `L1-0042` or `l1-42` as line and sequence.
    static func parseShortID(_ text: String) -> (line: Int, sequence: Int)? {
        guard let match = text.wholeMatch(of: /[Ll](\d{1,4})-(\d{1,9})/), let line = Int(match.1), let sequence = Int(match.2) else { return nil }
        return (line, sequence)
    }

    /// The line a short-id prefix names (`L1-00` → 1), when the text can begin a short id at all.
    static func shortIDLine(prefix text: String) -> Int? {
        guard let match = text.wholeMatch(of: /[Ll](\d{1,4})-\d{0,9}/) else { return nil }
        return Int(match.1)
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
