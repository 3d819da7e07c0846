import GRDB

/// One row of the append-only event log.
public struct EventRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table these records live in.
    public static let databaseTableName = "events"
    /// snake_case columns to camelCase properties (`caller_id` → `callerID`).
    public static let databaseColumnDecodingStrategy = StoreColumns.decoding
    /// camelCase properties to snake_case columns.
    public static let databaseColumnEncodingStrategy = StoreColumns.encoding

    /// Row id: increases in commit order.
    public var id: Int64?
    /// The call the event belongs to; nil for unit-wide events (store outages, overflow).
    public var callID: String?
    /// Audio time within the call, in frames since the call started.
    public var frameTime: Int64
    /// Wall time, milliseconds since 1970.
    public var wallTimeMs: Int64
    /// One of `EventType`.
    public var type: String
    /// JSON object with the details and reasons.
    public var payload: String

    /// Makes an event record.
    public init(id: Int64? = nil, callID: String?, frameTime: Int64, wallTimeMs: Int64, type: String, payload: String = "{}") {
        self.id = id
        self.callID = callID
        self.frameTime = frameTime
        self.wallTimeMs = wallTimeMs
        self.type = type
        self.payload = payload
    }
}
