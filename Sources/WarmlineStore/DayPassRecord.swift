import GRDB

/// One emergency day pass in the ledger; the idempotency key makes a retried grant return this row.
public struct DayPassRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table these records live in.
    public static let databaseTableName = "day_passes"
    /// snake_case columns to camelCase properties (`caller_id` → `callerID`).
    public static let databaseColumnDecodingStrategy = StoreColumns.decoding
    /// camelCase properties to snake_case columns.
    public static let databaseColumnEncodingStrategy = StoreColumns.encoding

    /// Row id, assigned on insert.
    public var id: Int64?
    /// Unique per grant decision (e.g. the call id): a retry with the same key never grants twice.
    public var idempotencyKey: String
    /// The subscriber the pass is for.
    public var msisdn: String
    /// The call that granted it.
    public var callID: String?
    /// Grant time, milliseconds since 1970.
    public var grantedAtMs: Int64
    /// Expiry time, milliseconds since 1970.
    public var expiresAtMs: Int64
    /// Granted with the balance unknown (fail-open, caller in distress): an agent confirms it.
    public var provisional: Bool

    /// Makes a day-pass record.
    public init(id: Int64? = nil, idempotencyKey: String, msisdn: String, callID: String?, grantedAtMs: Int64, expiresAtMs: Int64,
                provisional: Bool = false) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.msisdn = msisdn
        self.callID = callID
        self.grantedAtMs = grantedAtMs
        self.expiresAtMs = expiresAtMs
        self.provisional = provisional
    }

    /// Keeps the row id SQLite assigned.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
