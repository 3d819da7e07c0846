import GRDB

/// A message waiting for the billing sync (e.g. "day pass granted"), with its delivery state.
public struct OutboxRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table these records live in.
    public static let databaseTableName = "outbox"
    /// snake_case columns to camelCase properties (`caller_id` → `callerID`).
    public static let databaseColumnDecodingStrategy = StoreColumns.decoding
    /// camelCase properties to snake_case columns.
    public static let databaseColumnEncodingStrategy = StoreColumns.encoding

    /// Status of an entry not yet confirmed by billing.
    public static let pending = "pending"
    /// Status of an entry billing has confirmed.
    public static let sent = "sent"
    /// Kind of the entry a day-pass grant writes.
    public static let dayPassGrantKind = "daypass.grant"

    /// Row id, assigned on insert.
    public var id: Int64?
    /// What the message is (`daypass.grant`).
    public var kind: String
    /// The day pass it reports, if any.
    public var dayPassID: Int64?
    /// JSON body for the billing system.
    public var payload: String
    /// `pending` or `sent`.
    public var status: String
    /// Delivery attempts so far.
    public var attempts: Int
    /// Creation time, milliseconds since 1970.
    public var createdAtMs: Int64
    /// When billing confirmed it, milliseconds since 1970.
    public var sentAtMs: Int64?

    /// Makes an outbox record.
    public init(id: Int64? = nil, kind: String, dayPassID: Int64?, payload: String, status: String = OutboxRecord.pending,
                attempts: Int = 0, createdAtMs: Int64, sentAtMs: Int64? = nil) {
        self.id = id
        self.kind = kind
        self.dayPassID = dayPassID
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.createdAtMs = createdAtMs
        self.sentAtMs = sentAtMs
    }

    /// Keeps the row id SQLite assigned.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
