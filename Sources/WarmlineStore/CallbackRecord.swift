import GRDB

/// A callback request taken when every agent target failed.
public struct CallbackRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table these records live in.
    public static let databaseTableName = "callbacks"
    /// snake_case columns to camelCase properties (`caller_id` → `callerID`).
    public static let databaseColumnDecodingStrategy = StoreColumns.decoding
    /// camelCase properties to snake_case columns.
    public static let databaseColumnEncodingStrategy = StoreColumns.encoding

    /// Row id, assigned on insert.
    public var id: Int64?
    /// The call that asked for it.
    public var callID: String?
    /// Number to call back.
    public var callerID: String
    /// Request time, milliseconds since 1970.
    public var requestedAtMs: Int64
    /// Why (e.g. `all agents busy`), for the person calling back.
    public var reason: String?
    /// Language the caller used.
    public var language: String?
    /// `pending` or `done`.
    public var status: String

    /// Makes a callback record.
    public init(id: Int64? = nil, callID: String?, callerID: String, requestedAtMs: Int64, reason: String? = nil,
                language: String? = nil, status: String = "pending") {
        self.id = id
        self.callID = callID
        self.callerID = callerID
        self.requestedAtMs = requestedAtMs
        self.reason = reason
        self.language = language
        self.status = status
    }

    /// Keeps the row id SQLite assigned.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension CallbackRecord {
    /// Status of a request nobody has called back yet.
    public static let pending = "pending"
    /// Status of a request a person has called back.
    public static let done = "done"
    /// The event logged when a supervisor marks a request done. Payload: `callback_id`. Its time is the "done at".
    public static let doneEventType = "callback.done"
}

/// A callback request with when it was marked done, for `warmline callbacks`.
public struct CallbackListing: Sendable, Equatable {
    /// The request.
    public var callback: CallbackRecord
    /// When it was marked done (the `callback.done` event's time), milliseconds since 1970.
    public var doneAtMs: Int64?
}

/// What marking a callback request done did.
public enum CallbackMarking: Sendable, Equatable {
    /// It was pending and is now done at this time.
    case marked(atMs: Int64)
    /// It was already done (at this time, when known); nothing changed.
    case alreadyDone(atMs: Int64?)
}

extension StoreDatabase {
    /// Callback requests, oldest first (only pending ones with `pendingOnly`), each with its done time.
    public func callbacks(pendingOnly: Bool = false) throws -> [CallbackListing] {
        let sql = """
            SELECT callbacks.*,
                   (SELECT MIN(wall_time_ms) FROM events
                    WHERE events.type = ? AND json_extract(events.payload, '$.callback_id') = callbacks.id) AS done_at_ms
            FROM callbacks
            \(pendingOnly ? "WHERE status = 'pending'" : "")
            ORDER BY requested_at_ms, id
            """
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [CallbackRecord.doneEventType]).map { row in
                CallbackListing(callback: try CallbackRecord(row: row), doneAtMs: row["done_at_ms"])
            }
        }
    }

    /// Marks request `id` done at `atMs`, once: the status changes and a `callback.done` event records when; a request
    /// already done is left as it is and says when it was done. An unknown id throws `unknownCallback`.
    public func markCallbackDone(id: Int64, atMs: Int64) throws -> CallbackMarking {
        try pool.write { db in
            guard let request = try CallbackRecord.fetchOne(db, key: id) else { throw StoreError.unknownCallback(id) }
            if request.status == CallbackRecord.done {
                let doneAt = try Int64.fetchOne(db, sql: """
                    SELECT MIN(wall_time_ms) FROM events WHERE type = ? AND json_extract(payload, '$.callback_id') = ?
                    """, arguments: [CallbackRecord.doneEventType, id])
                return .alreadyDone(atMs: doneAt)
            }
            try db.execute(sql: "UPDATE callbacks SET status = ? WHERE id = ?", arguments: [CallbackRecord.done, id])
            try db.execute(sql: "INSERT INTO events (call_id, frame_time, wall_time_ms, type, payload) VALUES (?, 0, ?, ?, ?)",
                           arguments: [request.callID, atMs, CallbackRecord.doneEventType, "{\"callback_id\":\(id)}"])
            return .marked(atMs: atMs)
        }
    }
}
