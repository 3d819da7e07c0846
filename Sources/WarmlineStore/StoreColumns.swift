import GRDB

/// Column naming shared by every record: snake_case columns, camelCase properties with `ID` spelled upper-case.
enum StoreColumns {
    /// `caller_id` → `callerID`, `handoff_latency_ms` → `handoffLatencyMs`, `id` → `id`.
    static let decoding = DatabaseColumnDecodingStrategy.custom { column in
        let words = column.split(separator: "_")
        guard let first = words.first else { return StoreColumnKey(column) }
        let rest = words.dropFirst().map { $0 == "id" ? "ID" : $0.prefix(1).uppercased() + $0.dropFirst() }
        return StoreColumnKey(String(first) + rest.joined())
    }

    /// `callerID` → `caller_id` (GRDB's snake_case conversion already keeps `ID` as one word).
    static let encoding = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

struct StoreColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
