import GRDB

/// A subscriber's cached balance, as imported from the operator's billing export.
public struct SubscriberRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table these records live in.
    public static let databaseTableName = "subscribers"
    /// snake_case columns to camelCase properties (`caller_id` → `callerID`).
    public static let databaseColumnDecodingStrategy = StoreColumns.decoding
    /// camelCase properties to snake_case columns.
    public static let databaseColumnEncodingStrategy = StoreColumns.encoding

    /// Phone number in international form, digits only (optionally a leading `+`).
    public var msisdn: String
    /// Balance in minor units (cents): 1250 is 12.50.
    public var balanceMinor: Int64
    /// ISO 4217 currency code, e.g. `EUR`.
    public var currency: String
    /// When the balance was last known, milliseconds since 1970.
    public var updatedAtMs: Int64

    /// Makes a subscriber record.
    public init(msisdn: String, balanceMinor: Int64, currency: String, updatedAtMs: Int64) {
        self.msisdn = msisdn
        self.balanceMinor = balanceMinor
        self.currency = currency
        self.updatedAtMs = updatedAtMs
    }
}
