import Foundation

/// The one writer and reader of call event payloads as the store keeps them: flat JSON objects, keys sorted, values text.
public enum CallEventEncoder {
    /// The encoder every event payload goes through: sorted keys, `/` written plainly, configured once.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// An engine event's payload as the store's JSON text.
    public static func json(_ payload: CallEventPayload) -> String {
        text(payload)
    }

    /// A unit-side event's fields (no engine event type: a fault, the board answering, line health) as the store's JSON text.
    public static func json(_ fields: [String: String]) -> String {
        text(fields)
    }

    /// The typed payload of a stored `type` event (also rows written before payloads were typed).
    ///
    /// Throws a `DecodingError` when `json` is not a flat object of text values, and
    /// `CallEventPayloadError.unknownField` when it holds a key the event type does not record.
    public static func decode(_ type: CallLogEventType, from json: String) throws -> CallEventPayload {
        let decoder = JSONDecoder()
        decoder.userInfo[.callEventType] = type
        return try decoder.decode(CallEventPayload.self, from: Data(json.utf8))
    }

    /// Encodes a value of flat text fields; such values always encode, so a failure is still written as valid JSON.
    private static func text<T: Encodable>(_ value: T) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"encoding_error":"yes"}"#
    }
}

/// A stored payload that does not fit its event type.
public enum CallEventPayloadError: Error, Equatable, CustomStringConvertible {
    /// The payload holds a key the event type does not record.
    case unknownField(type: String, key: String)

    /// Says which key of which event type.
    public var description: String {
        switch self {
        case .unknownField(let type, let key): "a \(type) event does not record '\(key)'"
        }
    }

    /// Throws `unknownField` for the first key of `fields` (sorted) not in `known`.
    static func check(_ fields: [String: String], known: [String], type: String) throws {
        if let key = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw CallEventPayloadError.unknownField(type: type, key: key)
        }
    }
}

extension CodingUserInfoKey {
    /// The `CallLogEventType` a `CallEventPayload` is decoded as.
    public static let callEventType: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "warmline.callEventType") else { preconditionFailure("a valid key name") }
        return key
    }()
}

extension CallLogEventType {
    /// The event's type name in the store (`calls show`, `logs --type` and `report` key on it); the one naming scheme.
    public var storeName: String {
        switch self {
        case .callStarted: "call.answered"
        case .callEnded: "call.ended"
        case .nodeEntered: "menu.node"
        case .digit: "input.dtmf"
        case .keyword: "input.keyword"
        case .distressSignal: "distress.signal"
        case .distressHandoff: "distress.handoff"
        case .handoffStarted: "handoff.started"
        case .targetDialed: "handoff.attempt"
        case .transferCompleted: "handoff.connected"
        case .targetFailed: "handoff.failed"
        case .dayPassOffered: "daypass.offered"
        case .dayPassGranted: "daypass.granted"
        case .dayPassRefused: "daypass.refused"
        case .callbackRecorded: "callback.requested"
        case .languageChosen: "menu.language"
        case .bargeIn: "input.barge_in"
        case .invalidInput: "input.invalid"
        case .inputTimeout: "input.timeout"
        case .menuExhausted: "menu.exhausted"
        case .optionTaken: "menu.option"
        case .balanceRead: "balance.read"
        case .dayPassDeclined: "daypass.declined"
        case .dayPassRetryIgnored: "daypass.retry_ignored"
        case .targetRinging: "handoff.ringing"
        case .targetAnswered: "handoff.answered"
        case .whispered: "handoff.whisper"
        case .callbackOffered: "callback.offered"
        case .promptResumed: "prompt.resumed"
        case .safetyHeard: "prompt.safety_heard"
        case .silentCaller: "caller.silent"
        case .queued: "queue.joined"
        case .queueAnnounced: "queue.announced"
        case .queueRetry: "queue.retry"
        case .releasedToBypass: "handoff.bypass"
        case .dayPassConfirmed: "daypass.confirmed"
        }
    }
}
