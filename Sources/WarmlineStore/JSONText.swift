import Foundation

/// The one JSON writer: Codable documents for people and files, sorted-key objects for stored payloads and NDJSON.
public enum JSONText {
    /// How a document's property names are written.
    public enum Keys: Sendable {
        /// As declared in Swift.
        case asDeclared
        /// Swift's camelCase as snake_case (`fromMs` -> `from_ms`).
        case snakeCase
    }

    /// `value` as pretty-printed JSON with sorted keys; `/` is escaped as `\/` unless `escapingSlashes` is false.
    public static func document<T: Encodable>(_ value: T, keys: Keys = .asDeclared, escapingSlashes: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.prettyPrinted, .sortedKeys] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if keys == .snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return try encoder.encode(value)
    }

    /// `value` as compact JSON on one line with sorted keys (line-delimited protocols: the control socket).
    public static func compactLine<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A JSON value (object, array; strings, numbers, `NSNull`) on one line with sorted keys.
    public static func line(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A flat string payload as one line with sorted keys: how event payloads were written before they were typed.
    ///
    /// Events now go through `CallEventEncoder` (WarmlineCore), which writes the same bytes; this is kept as the
    /// reference older databases were written with (tests check the typed writer against it).
    ///
    /// Written by hand: JSONSerialization's sorted keys compare through an ICU collator, which maps ~4 MB of locale
    /// and collation data into every line's process for a few ASCII keys.
    public static func flat(_ payload: [String: String]) -> String {
        var text = "{"
        for (index, key) in payload.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            appendQuoted(key, to: &text)
            text += ":"
            appendQuoted(payload[key] ?? "", to: &text)
        }
        return text + "}"
    }

    /// Appends `value` as a JSON string literal (RFC 8259 escapes).
    private static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
