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
