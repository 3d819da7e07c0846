// The typed details of every call event: one struct per `CallLogEventType`, its fields named by the stored JSON keys.
// Fields are text, as the store has always written them; a field left nil is not written.

/// What one call event records: one case per `CallLogEventType`, each with that event's fields.
public enum CallEventPayload: Sendable, Equatable, Codable {
    /// The call started; payload has caller ID, balance, language count.
    case callStarted(CallStarted)
    /// The caller chose a language (or the default was taken).
    case languageChosen(LanguageChosen)
    /// The flow entered a menu node.
    case nodeEntered(NodeEntered)
    /// A digit arrived.
    case digit(Digit)
    /// A keyword hit arrived.
    case keyword(Keyword)
    /// The caller barged in over a prompt.
    case bargeIn(BargeIn)
    /// A prompt paused by caller speech started again.
    case promptResumed(PromptResumed)
    /// The safety sentence was heard in full in a language.
    case safetyHeard(SafetyHeard)
    /// The silent-caller protocol acted (prompt, keys 5 5, open-line hand-off).
    case silentCaller(SilentCaller)
    /// The caller entered the priority queue for a person.
    case queued(Queued)
    /// Position, wait or "still waiting" was announced in the queue.
    case queueAnnounced(QueueAnnounced)
    /// The queue tried the targets again.
    case queueRetry(QueueRetry)
    /// The line is being handed to the bypass relay (agent line).
    case releasedToBypass(ReleasedToBypass)
    /// Billing confirmed the day pass.
    case dayPassConfirmed(DayPassConfirmed)
    /// Input matched no option.
    case invalidInput(InvalidInput)
    /// No input before the timeout.
    case inputTimeout(InputTimeout)
    /// Max failures or timeouts reached in a node.
    case menuExhausted(MenuExhausted)
    /// A menu option was taken.
    case optionTaken(OptionTaken)
    /// The balance was read to the caller.
    case balanceRead(BalanceRead)
    /// The day pass was offered.
    case dayPassOffered(DayPassOffered)
    /// The day pass was granted.
    case dayPassGranted(DayPassGranted)
    /// The caller declined the offered day pass.
    case dayPassDeclined(DayPassDeclined)
    /// The day pass was refused (rate limit or not eligible).
    case dayPassRefused(DayPassRefused)
    /// A second grant request in the same call was absorbed.
    case dayPassRetryIgnored(DayPassRetryIgnored)
    /// A distress signal fired; payload has its value, weight and the score.
    case distressSignal(DistressSignal)
    /// The distress score crossed the threshold.
    case distressHandoff(DistressHandoff)
    /// The warm hand-off started; payload has the reason and priority.
    case handoffStarted(HandoffStarted)
    /// The consultation leg dialled a target.
    case targetDialed(TargetDialed)
    /// Ringback heard on the consultation leg.
    case targetRinging(TargetRinging)
    /// The target answered.
    case targetAnswered(TargetAnswered)
    /// The target failed (busy, reorder, no answer, no dial tone).
    case targetFailed(TargetFailed)
    /// The summary was whispered to the agent.
    case whispered(Whispered)
    /// The transfer completed: the caller reached a person.
    case transferCompleted(TransferCompleted)
    /// Every target failed; a callback was offered.
    case callbackOffered(CallbackOffered)
    /// A callback was recorded.
    case callbackRecorded(CallbackRecorded)
    /// The call ended; payload has the reason.
    case callEnded(CallEnded)

    /// The kind of event this payload belongs to.
    public var type: CallLogEventType {
        switch self {
        case .callStarted: .callStarted
        case .languageChosen: .languageChosen
        case .nodeEntered: .nodeEntered
        case .digit: .digit
        case .keyword: .keyword
        case .bargeIn: .bargeIn
        case .promptResumed: .promptResumed
        case .safetyHeard: .safetyHeard
        case .silentCaller: .silentCaller
        case .queued: .queued
        case .queueAnnounced: .queueAnnounced
        case .queueRetry: .queueRetry
        case .releasedToBypass: .releasedToBypass
        case .dayPassConfirmed: .dayPassConfirmed
        case .invalidInput: .invalidInput
        case .inputTimeout: .inputTimeout
        case .menuExhausted: .menuExhausted
        case .optionTaken: .optionTaken
        case .balanceRead: .balanceRead
        case .dayPassOffered: .dayPassOffered
        case .dayPassGranted: .dayPassGranted
        case .dayPassDeclined: .dayPassDeclined
        case .dayPassRefused: .dayPassRefused
        case .dayPassRetryIgnored: .dayPassRetryIgnored
        case .distressSignal: .distressSignal
        case .distressHandoff: .distressHandoff
        case .handoffStarted: .handoffStarted
        case .targetDialed: .targetDialed
        case .targetRinging: .targetRinging
        case .targetAnswered: .targetAnswered
        case .targetFailed: .targetFailed
        case .whispered: .whispered
        case .transferCompleted: .transferCompleted
        case .callbackOffered: .callbackOffered
        case .callbackRecorded: .callbackRecorded
        case .callEnded: .callEnded
        }
    }

    /// The fields by their stored JSON keys (fields left nil are absent).
    public var fields: [String: String] {
        switch self {
        case .callStarted(let details): details.fields
        case .languageChosen(let details): details.fields
        case .nodeEntered(let details): details.fields
        case .digit(let details): details.fields
        case .keyword(let details): details.fields
        case .bargeIn(let details): details.fields
        case .promptResumed(let details): details.fields
        case .safetyHeard(let details): details.fields
        case .silentCaller(let details): details.fields
        case .queued(let details): details.fields
        case .queueAnnounced(let details): details.fields
        case .queueRetry(let details): details.fields
        case .releasedToBypass(let details): details.fields
        case .dayPassConfirmed(let details): details.fields
        case .invalidInput(let details): details.fields
        case .inputTimeout(let details): details.fields
        case .menuExhausted(let details): details.fields
        case .optionTaken(let details): details.fields
        case .balanceRead(let details): details.fields
        case .dayPassOffered(let details): details.fields
        case .dayPassGranted(let details): details.fields
        case .dayPassDeclined(let details): details.fields
        case .dayPassRefused(let details): details.fields
        case .dayPassRetryIgnored(let details): details.fields
        case .distressSignal(let details): details.fields
        case .distressHandoff(let details): details.fields
        case .handoffStarted(let details): details.fields
        case .targetDialed(let details): details.fields
        case .targetRinging(let details): details.fields
        case .targetAnswered(let details): details.fields
        case .targetFailed(let details): details.fields
        case .whispered(let details): details.fields
        case .transferCompleted(let details): details.fields
        case .callbackOffered(let details): details.fields
        case .callbackRecorded(let details): details.fields
        case .callEnded(let details): details.fields
        }
    }

    /// One field by its stored JSON key, nil when the event did not record it.
    public subscript(key: String) -> String? { fields[key] }

    /// The payload of a `type` event from its text fields (how payloads were kept before they were typed).
    ///
    /// Throws `CallEventPayloadError.unknownField` naming the first key `type` does not record: nothing is dropped.
    public init(type: CallLogEventType, fields: [String: String]) throws {
        switch type {
        case .callStarted: self = .callStarted(try CallStarted(fields: fields))
        case .languageChosen: self = .languageChosen(try LanguageChosen(fields: fields))
        case .nodeEntered: self = .nodeEntered(try NodeEntered(fields: fields))
        case .digit: self = .digit(try Digit(fields: fields))
        case .keyword: self = .keyword(try Keyword(fields: fields))
        case .bargeIn: self = .bargeIn(try BargeIn(fields: fields))
        case .promptResumed: self = .promptResumed(try PromptResumed(fields: fields))
        case .safetyHeard: self = .safetyHeard(try SafetyHeard(fields: fields))
        case .silentCaller: self = .silentCaller(try SilentCaller(fields: fields))
        case .queued: self = .queued(try Queued(fields: fields))
        case .queueAnnounced: self = .queueAnnounced(try QueueAnnounced(fields: fields))
        case .queueRetry: self = .queueRetry(try QueueRetry(fields: fields))
        case .releasedToBypass: self = .releasedToBypass(try ReleasedToBypass(fields: fields))
        case .dayPassConfirmed: self = .dayPassConfirmed(try DayPassConfirmed(fields: fields))
        case .invalidInput: self = .invalidInput(try InvalidInput(fields: fields))
        case .inputTimeout: self = .inputTimeout(try InputTimeout(fields: fields))
        case .menuExhausted: self = .menuExhausted(try MenuExhausted(fields: fields))
        case .optionTaken: self = .optionTaken(try OptionTaken(fields: fields))
        case .balanceRead: self = .balanceRead(try BalanceRead(fields: fields))
        case .dayPassOffered: self = .dayPassOffered(try DayPassOffered(fields: fields))
        case .dayPassGranted: self = .dayPassGranted(try DayPassGranted(fields: fields))
        case .dayPassDeclined: self = .dayPassDeclined(try DayPassDeclined(fields: fields))
        case .dayPassRefused: self = .dayPassRefused(try DayPassRefused(fields: fields))
        case .dayPassRetryIgnored: self = .dayPassRetryIgnored(try DayPassRetryIgnored(fields: fields))
        case .distressSignal: self = .distressSignal(try DistressSignal(fields: fields))
        case .distressHandoff: self = .distressHandoff(try DistressHandoff(fields: fields))
        case .handoffStarted: self = .handoffStarted(try HandoffStarted(fields: fields))
        case .targetDialed: self = .targetDialed(try TargetDialed(fields: fields))
        case .targetRinging: self = .targetRinging(try TargetRinging(fields: fields))
        case .targetAnswered: self = .targetAnswered(try TargetAnswered(fields: fields))
        case .targetFailed: self = .targetFailed(try TargetFailed(fields: fields))
        case .whispered: self = .whispered(try Whispered(fields: fields))
        case .transferCompleted: self = .transferCompleted(try TransferCompleted(fields: fields))
        case .callbackOffered: self = .callbackOffered(try CallbackOffered(fields: fields))
        case .callbackRecorded: self = .callbackRecorded(try CallbackRecorded(fields: fields))
        case .callEnded: self = .callEnded(try CallEnded(fields: fields))
        }
    }

    /// Writes the event's fields as one flat JSON object (the store's payload column).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .callStarted(let details): try details.encode(to: encoder)
        case .languageChosen(let details): try details.encode(to: encoder)
        case .nodeEntered(let details): try details.encode(to: encoder)
        case .digit(let details): try details.encode(to: encoder)
        case .keyword(let details): try details.encode(to: encoder)
        case .bargeIn(let details): try details.encode(to: encoder)
        case .promptResumed(let details): try details.encode(to: encoder)
        case .safetyHeard(let details): try details.encode(to: encoder)
        case .silentCaller(let details): try details.encode(to: encoder)
        case .queued(let details): try details.encode(to: encoder)
        case .queueAnnounced(let details): try details.encode(to: encoder)
        case .queueRetry(let details): try details.encode(to: encoder)
        case .releasedToBypass(let details): try details.encode(to: encoder)
        case .dayPassConfirmed(let details): try details.encode(to: encoder)
        case .invalidInput(let details): try details.encode(to: encoder)
        case .inputTimeout(let details): try details.encode(to: encoder)
        case .menuExhausted(let details): try details.encode(to: encoder)
        case .optionTaken(let details): try details.encode(to: encoder)
        case .balanceRead(let details): try details.encode(to: encoder)
        case .dayPassOffered(let details): try details.encode(to: encoder)
        case .dayPassGranted(let details): try details.encode(to: encoder)
        case .dayPassDeclined(let details): try details.encode(to: encoder)
        case .dayPassRefused(let details): try details.encode(to: encoder)
        case .dayPassRetryIgnored(let details): try details.encode(to: encoder)
        case .distressSignal(let details): try details.encode(to: encoder)
        case .distressHandoff(let details): try details.encode(to: encoder)
        case .handoffStarted(let details): try details.encode(to: encoder)
        case .targetDialed(let details): try details.encode(to: encoder)
        case .targetRinging(let details): try details.encode(to: encoder)
        case .targetAnswered(let details): try details.encode(to: encoder)
        case .targetFailed(let details): try details.encode(to: encoder)
        case .whispered(let details): try details.encode(to: encoder)
        case .transferCompleted(let details): try details.encode(to: encoder)
        case .callbackOffered(let details): try details.encode(to: encoder)
        case .callbackRecorded(let details): try details.encode(to: encoder)
        case .callEnded(let details): try details.encode(to: encoder)
        }
    }

    /// Reads a flat JSON object as the payload of the event type given in `decoder.userInfo[.callEventType]`.
    public init(from decoder: any Decoder) throws {
        guard let type = decoder.userInfo[.callEventType] as? CallLogEventType else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "no event type given (userInfo[.callEventType])"))
        }
        try self.init(type: type, fields: try decoder.singleValueContainer().decode([String: String].self))
    }
}

extension CallEventPayload {
    /// The fields of a `call_started` event.
    public struct CallStarted: Sendable, Equatable, Codable {
        /// `call_id` in the stored payload.
        public var callID: String?
        /// `caller_id` in the stored payload.
        public var callerID: String?
        /// `balance` in the stored payload.
        public var balance: String?
        /// `languages` in the stored payload.
        public var languages: String?
        /// `language` in the stored payload.
        public var language: String?
        /// `local_time` in the stored payload.
        public var localTime: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(callID: String? = nil, callerID: String? = nil, balance: String? = nil, languages: String? = nil, language: String? = nil, localTime: String? = nil) {
            self.callID = callID
            self.callerID = callerID
            self.balance = balance
            self.languages = languages
            self.language = language
            self.localTime = localTime
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case callID = "call_id"
            case callerID = "caller_id"
            case balance
            case languages
            case language
            case localTime = "local_time"
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let callID { fields["call_id"] = callID }
            if let callerID { fields["caller_id"] = callerID }
            if let balance { fields["balance"] = balance }
            if let languages { fields["languages"] = languages }
            if let language { fields["language"] = language }
            if let localTime { fields["local_time"] = localTime }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "call_started")
            callID = fields["call_id"]
            callerID = fields["caller_id"]
            balance = fields["balance"]
            languages = fields["languages"]
            language = fields["language"]
            localTime = fields["local_time"]
        }
    }

    /// The fields of a `language_chosen` event.
    public struct LanguageChosen: Sendable, Equatable, Codable {
        /// `language` in the stored payload.
        public var language: String?
        /// `how` in the stored payload.
        public var how: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(language: String? = nil, how: String? = nil) {
            self.language = language
            self.how = how
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case language
            case how
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let language { fields["language"] = language }
            if let how { fields["how"] = how }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "language_chosen")
            language = fields["language"]
            how = fields["how"]
        }
    }

    /// The fields of a `node_entered` event.
    public struct NodeEntered: Sendable, Equatable, Codable {
        /// `node` in the stored payload.
        public var node: String?
        /// `greeting` in the stored payload.
        public var greeting: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(node: String? = nil, greeting: String? = nil) {
            self.node = node
            self.greeting = greeting
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case node
            case greeting
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let node { fields["node"] = node }
            if let greeting { fields["greeting"] = greeting }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "node_entered")
            node = fields["node"]
            greeting = fields["greeting"]
        }
    }

    /// The fields of a `digit` event.
    public struct Digit: Sendable, Equatable, Codable {
        /// `digit` in the stored payload.
        public var digit: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(digit: String? = nil) {
            self.digit = digit
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case digit
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let digit { fields["digit"] = digit }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "digit")
            digit = fields["digit"]
        }
    }

    /// The fields of a `keyword` event.
    public struct Keyword: Sendable, Equatable, Codable {
        /// `phrase` in the stored payload.
        public var phrase: String?
        /// `class` in the stored payload.
        public var wordClass: String?
        /// `confidence` in the stored payload.
        public var confidence: String?
        /// `accepted` in the stored payload.
        public var accepted: String?
        /// `transcript` in the stored payload.
        public var transcript: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(phrase: String? = nil, wordClass: String? = nil, confidence: String? = nil, accepted: String? = nil, transcript: String? = nil) {
            self.phrase = phrase
            self.wordClass = wordClass
            self.confidence = confidence
            self.accepted = accepted
            self.transcript = transcript
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case phrase
            case wordClass = "class"
            case confidence
            case accepted
            case transcript
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let phrase { fields["phrase"] = phrase }
            if let wordClass { fields["class"] = wordClass }
            if let confidence { fields["confidence"] = confidence }
            if let accepted { fields["accepted"] = accepted }
            if let transcript { fields["transcript"] = transcript }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "keyword")
            phrase = fields["phrase"]
            wordClass = fields["class"]
            confidence = fields["confidence"]
            accepted = fields["accepted"]
            transcript = fields["transcript"]
        }
    }

    /// The fields of a `barge_in` event.
    public struct BargeIn: Sendable, Equatable, Codable {
        /// `by` in the stored payload.
        public var by: String?
        /// `digit` in the stored payload.
        public var digit: String?
        /// `speech_ms` in the stored payload.
        public var speechMs: String?
        /// `then` in the stored payload.
        public var then: String?
        /// `prompt` in the stored payload.
        public var prompt: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(by: String? = nil, digit: String? = nil, speechMs: String? = nil, then: String? = nil, prompt: String? = nil) {
            self.by = by
            self.digit = digit
            self.speechMs = speechMs
            self.then = then
            self.prompt = prompt
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case by
            case digit
            case speechMs = "speech_ms"
            case then
            case prompt
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let by { fields["by"] = by }
            if let digit { fields["digit"] = digit }
            if let speechMs { fields["speech_ms"] = speechMs }
            if let then { fields["then"] = then }
            if let prompt { fields["prompt"] = prompt }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "barge_in")
            by = fields["by"]
            digit = fields["digit"]
            speechMs = fields["speech_ms"]
            then = fields["then"]
            prompt = fields["prompt"]
        }
    }

    /// The fields of a `prompt_resumed` event.
    public struct PromptResumed: Sendable, Equatable, Codable {
        /// `prompt` in the stored payload.
        public var prompt: String?
        /// `paused_ms` in the stored payload.
        public var pausedMs: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(prompt: String? = nil, pausedMs: String? = nil) {
            self.prompt = prompt
            self.pausedMs = pausedMs
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case prompt
            case pausedMs = "paused_ms"
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let prompt { fields["prompt"] = prompt }
            if let pausedMs { fields["paused_ms"] = pausedMs }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "prompt_resumed")
            prompt = fields["prompt"]
            pausedMs = fields["paused_ms"]
        }
    }

    /// The fields of a `safety_heard` event.
    public struct SafetyHeard: Sendable, Equatable, Codable {
        /// `language` in the stored payload.
        public var language: String?
        /// `ms` in the stored payload.
        public var ms: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(language: String? = nil, ms: String? = nil) {
            self.language = language
            self.ms = ms
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case language
            case ms
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let language { fields["language"] = language }
            if let ms { fields["ms"] = ms }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "safety_heard")
            language = fields["language"]
            ms = fields["ms"]
        }
    }

    /// The fields of a `silent_caller` event.
    public struct SilentCaller: Sendable, Equatable, Codable {
        /// `stage` in the stored payload.
        public var stage: String?
        /// `digits` in the stored payload.
        public var digits: String?
        /// `spoke` in the stored payload.
        public var spoke: String?
        /// `silent_ms` in the stored payload.
        public var silentMs: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(stage: String? = nil, digits: String? = nil, spoke: String? = nil, silentMs: String? = nil) {
            self.stage = stage
            self.digits = digits
            self.spoke = spoke
            self.silentMs = silentMs
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case stage
            case digits
            case spoke
            case silentMs = "silent_ms"
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let stage { fields["stage"] = stage }
            if let digits { fields["digits"] = digits }
            if let spoke { fields["spoke"] = spoke }
            if let silentMs { fields["silent_ms"] = silentMs }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "silent_caller")
            stage = fields["stage"]
            digits = fields["digits"]
            spoke = fields["spoke"]
            silentMs = fields["silent_ms"]
        }
    }

    /// The fields of a `queued` event.
    public struct Queued: Sendable, Equatable, Codable {
        /// `reason` in the stored payload.
        public var reason: String?
        /// `priority` in the stored payload.
        public var priority: String?
        /// `position` in the stored payload.
        public var position: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(reason: String? = nil, priority: String? = nil, position: String? = nil) {
            self.reason = reason
            self.priority = priority
            self.position = position
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case reason
            case priority
            case position
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let reason { fields["reason"] = reason }
            if let priority { fields["priority"] = priority }
            if let position { fields["position"] = position }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "queued")
            reason = fields["reason"]
            priority = fields["priority"]
            position = fields["position"]
        }
    }

    /// The fields of a `queue_announced` event.
    public struct QueueAnnounced: Sendable, Equatable, Codable {
        /// `position` in the stored payload.
        public var position: String?
        /// `wait_minutes` in the stored payload.
        public var waitMinutes: String?
        /// `improved` in the stored payload.
        public var improved: String?
        /// `emergency_number` in the stored payload.
        public var emergencyNumber: String?
        /// `waited_ms` in the stored payload.
        public var waitedMs: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(position: String? = nil, waitMinutes: String? = nil, improved: String? = nil, emergencyNumber: String? = nil, waitedMs: String? = nil) {
            self.position = position
            self.waitMinutes = waitMinutes
            self.improved = improved
            self.emergencyNumber = emergencyNumber
            self.waitedMs = waitedMs
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case position
            case waitMinutes = "wait_minutes"
            case improved
            case emergencyNumber = "emergency_number"
            case waitedMs = "waited_ms"
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let position { fields["position"] = position }
            if let waitMinutes { fields["wait_minutes"] = waitMinutes }
            if let improved { fields["improved"] = improved }
            if let emergencyNumber { fields["emergency_number"] = emergencyNumber }
            if let waitedMs { fields["waited_ms"] = waitedMs }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "queue_announced")
            position = fields["position"]
            waitMinutes = fields["wait_minutes"]
            improved = fields["improved"]
            emergencyNumber = fields["emergency_number"]
            waitedMs = fields["waited_ms"]
        }
    }

    /// The fields of a `queue_retry` event.
    public struct QueueRetry: Sendable, Equatable, Codable {
        /// `position` in the stored payload.
        public var position: String?
        /// `waited_ms` in the stored payload.
        public var waitedMs: String?
        /// `priority` in the stored payload.
        public var priority: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(position: String? = nil, waitedMs: String? = nil, priority: String? = nil) {
            self.position = position
            self.waitedMs = waitedMs
            self.priority = priority
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case position
            case waitedMs = "waited_ms"
            case priority
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let position { fields["position"] = position }
            if let waitedMs { fields["waited_ms"] = waitedMs }
            if let priority { fields["priority"] = priority }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "queue_retry")
            position = fields["position"]
            waitedMs = fields["waited_ms"]
            priority = fields["priority"]
        }
    }

    /// The fields of a `released_to_bypass` event.
    public struct ReleasedToBypass: Sendable, Equatable, Codable {
        /// `reason` in the stored payload.
        public var reason: String?
        /// `priority` in the stored payload.
        public var priority: String?
        /// `waited_ms` in the stored payload.
        public var waitedMs: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(reason: String? = nil, priority: String? = nil, waitedMs: String? = nil) {
            self.reason = reason
            self.priority = priority
            self.waitedMs = waitedMs
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case reason
            case priority
            case waitedMs = "waited_ms"
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let reason { fields["reason"] = reason }
            if let priority { fields["priority"] = priority }
            if let waitedMs { fields["waited_ms"] = waitedMs }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "released_to_bypass")
            reason = fields["reason"]
            priority = fields["priority"]
            waitedMs = fields["waited_ms"]
        }
    }

    /// The fields of a `day_pass_confirmed` event.
    public struct DayPassConfirmed: Sendable, Equatable, Codable {
        /// `key` in the stored payload.
        public var key: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(key: String? = nil) {
            self.key = key
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case key
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let key { fields["key"] = key }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "day_pass_confirmed")
            key = fields["key"]
        }
    }

    /// The fields of a `invalid_input` event.
    public struct InvalidInput: Sendable, Equatable, Codable {
        /// `input` in the stored payload.
        public var input: String?
        /// `mode` in the stored payload.
        public var mode: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(input: String? = nil, mode: String? = nil) {
            self.input = input
            self.mode = mode
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case input
            case mode
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let input { fields["input"] = input }
            if let mode { fields["mode"] = mode }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "invalid_input")
            input = fields["input"]
            mode = fields["mode"]
        }
    }

    /// The fields of a `input_timeout` event.
    public struct InputTimeout: Sendable, Equatable, Codable {
        /// `node` in the stored payload.
        public var node: String?
        /// `count` in the stored payload.
        public var count: String?
        /// `max` in the stored payload.
        public var max: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(node: String? = nil, count: String? = nil, max: String? = nil) {
            self.node = node
            self.count = count
            self.max = max
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case node
            case count
            case max
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let node { fields["node"] = node }
            if let count { fields["count"] = count }
            if let max { fields["max"] = max }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "input_timeout")
            node = fields["node"]
            count = fields["count"]
            max = fields["max"]
        }
    }

    /// The fields of a `menu_exhausted` event.
    public struct MenuExhausted: Sendable, Equatable, Codable {
        /// `node` in the stored payload.
        public var node: String?
        /// `why` in the stored payload.
        public var why: String?
        /// `then` in the stored payload.
        public var then: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(node: String? = nil, why: String? = nil, then: String? = nil) {
            self.node = node
            self.why = why
            self.then = then
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case node
            case why
            case then
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let node { fields["node"] = node }
            if let why { fields["why"] = why }
            if let then { fields["then"] = then }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "menu_exhausted")
            node = fields["node"]
            why = fields["why"]
            then = fields["then"]
        }
    }

    /// The fields of a `option_taken` event.
    public struct OptionTaken: Sendable, Equatable, Codable {
        /// `node` in the stored payload.
        public var node: String?
        /// `option` in the stored payload.
        public var option: String?
        /// `action` in the stored payload.
        public var action: String?
        /// `why` in the stored payload.
        public var why: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(node: String? = nil, option: String? = nil, action: String? = nil, why: String? = nil) {
            self.node = node
            self.option = option
            self.action = action
            self.why = why
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case node
            case option
            case action
            case why
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let node { fields["node"] = node }
            if let option { fields["option"] = option }
            if let action { fields["action"] = action }
            if let why { fields["why"] = why }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "option_taken")
            node = fields["node"]
            option = fields["option"]
            action = fields["action"]
            why = fields["why"]
        }
    }

    /// The fields of a `balance_read` event.
    public struct BalanceRead: Sendable, Equatable, Codable {
        /// `balance` in the stored payload.
        public var balance: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(balance: String? = nil) {
            self.balance = balance
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case balance
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let balance { fields["balance"] = balance }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "balance_read")
            balance = fields["balance"]
        }
    }

    /// The fields of a `day_pass_offered` event.
    public struct DayPassOffered: Sendable, Equatable, Codable {
        /// `key` in the stored payload.
        public var key: String?
        /// `fail_open` in the stored payload.
        public var failOpen: String?
        /// `reason` in the stored payload.
        public var reason: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(key: String? = nil, failOpen: String? = nil, reason: String? = nil) {
            self.key = key
            self.failOpen = failOpen
            self.reason = reason
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case key
            case failOpen = "fail_open"
            case reason
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let key { fields["key"] = key }
            if let failOpen { fields["fail_open"] = failOpen }
            if let reason { fields["reason"] = reason }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "day_pass_offered")
            key = fields["key"]
            failOpen = fields["fail_open"]
            reason = fields["reason"]
        }
    }

    /// The fields of a `day_pass_granted` event.
    public struct DayPassGranted: Sendable, Equatable, Codable {
        /// `key` in the stored payload.
        public var key: String?
        /// `fail_open` in the stored payload.
        public var failOpen: String?
        /// `provisional` in the stored payload.
        public var provisional: String?
        /// `msisdn` in the stored payload.
        public var msisdn: String?
        /// `reason` in the stored payload.
        public var reason: String?
        /// `expires_at` in the stored payload.
        public var expiresAt: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(key: String? = nil, failOpen: String? = nil, provisional: String? = nil, msisdn: String? = nil, reason: String? = nil, expiresAt: String? = nil) {
            self.key = key
            self.failOpen = failOpen
            self.provisional = provisional
            self.msisdn = msisdn
            self.reason = reason
            self.expiresAt = expiresAt
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case key
            case failOpen = "fail_open"
            case provisional
            case msisdn
            case reason
            case expiresAt = "expires_at"
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let key { fields["key"] = key }
            if let failOpen { fields["fail_open"] = failOpen }
            if let provisional { fields["provisional"] = provisional }
            if let msisdn { fields["msisdn"] = msisdn }
            if let reason { fields["reason"] = reason }
            if let expiresAt { fields["expires_at"] = expiresAt }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "day_pass_granted")
            key = fields["key"]
            failOpen = fields["fail_open"]
            provisional = fields["provisional"]
            msisdn = fields["msisdn"]
            reason = fields["reason"]
            expiresAt = fields["expires_at"]
        }
    }

    /// The fields of a `day_pass_declined` event.
    public struct DayPassDeclined: Sendable, Equatable, Codable {
        /// `reason` in the stored payload.
        public var reason: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(reason: String? = nil) {
            self.reason = reason
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case reason
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let reason { fields["reason"] = reason }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "day_pass_declined")
            reason = fields["reason"]
        }
    }

    /// The fields of a `day_pass_refused` event.
    public struct DayPassRefused: Sendable, Equatable, Codable {
        /// `rule` in the stored payload.
        public var rule: String?
        /// `reason` in the stored payload.
        public var reason: String?
        /// `confirmed` in the stored payload.
        public var confirmed: String?
        /// `expires_at` in the stored payload.
        public var expiresAt: String?
        /// `last_granted` in the stored payload.
        public var lastGranted: String?
        /// `next_allowed` in the stored payload.
        public var nextAllowed: String?
        /// `distress_score` in the stored payload.
        public var distressScore: String?
        /// `spoken_distress_score` in the stored payload.
        public var spokenDistressScore: String?
        /// `key` in the stored payload.
        public var key: String?
        /// `stage` in the stored payload.
        public var stage: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(rule: String? = nil, reason: String? = nil, confirmed: String? = nil, expiresAt: String? = nil, lastGranted: String? = nil, nextAllowed: String? = nil, distressScore: String? = nil, spokenDistressScore: String? = nil, key: String? = nil, stage: String? = nil) {
            self.rule = rule
            self.reason = reason
            self.confirmed = confirmed
            self.expiresAt = expiresAt
            self.lastGranted = lastGranted
            self.nextAllowed = nextAllowed
            self.distressScore = distressScore
            self.spokenDistressScore = spokenDistressScore
            self.key = key
            self.stage = stage
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case rule
            case reason
            case confirmed
            case expiresAt = "expires_at"
            case lastGranted = "last_granted"
            case nextAllowed = "next_allowed"
            case distressScore = "distress_score"
            case spokenDistressScore = "spoken_distress_score"
            case key
            case stage
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let rule { fields["rule"] = rule }
            if let reason { fields["reason"] = reason }
            if let confirmed { fields["confirmed"] = confirmed }
            if let expiresAt { fields["expires_at"] = expiresAt }
            if let lastGranted { fields["last_granted"] = lastGranted }
            if let nextAllowed { fields["next_allowed"] = nextAllowed }
            if let distressScore { fields["distress_score"] = distressScore }
            if let spokenDistressScore { fields["spoken_distress_score"] = spokenDistressScore }
            if let key { fields["key"] = key }
            if let stage { fields["stage"] = stage }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "day_pass_refused")
            rule = fields["rule"]
            reason = fields["reason"]
            confirmed = fields["confirmed"]
            expiresAt = fields["expires_at"]
            lastGranted = fields["last_granted"]
            nextAllowed = fields["next_allowed"]
            distressScore = fields["distress_score"]
            spokenDistressScore = fields["spoken_distress_score"]
            key = fields["key"]
            stage = fields["stage"]
        }
    }

    /// The fields of a `day_pass_retry_ignored` event.
    public struct DayPassRetryIgnored: Sendable, Equatable, Codable {
        /// `key` in the stored payload.
        public var key: String?
        /// `reason` in the stored payload.
        public var reason: String?
        /// `digit` in the stored payload.
        public var digit: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(key: String? = nil, reason: String? = nil, digit: String? = nil) {
            self.key = key
            self.reason = reason
            self.digit = digit
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case key
            case reason
            case digit
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let key { fields["key"] = key }
            if let reason { fields["reason"] = reason }
            if let digit { fields["digit"] = digit }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "day_pass_retry_ignored")
            key = fields["key"]
            reason = fields["reason"]
            digit = fields["digit"]
        }
    }

    /// The fields of a `distress_signal` event.
    public struct DistressSignal: Sendable, Equatable, Codable {
        /// `signal` in the stored payload.
        public var signal: String?
        /// `value` in the stored payload.
        public var value: String?
        /// `weight` in the stored payload.
        public var weight: String?
        /// `score` in the stored payload.
        public var score: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(signal: String? = nil, value: String? = nil, weight: String? = nil, score: String? = nil) {
            self.signal = signal
            self.value = value
            self.weight = weight
            self.score = score
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case signal
            case value
            case weight
            case score
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let signal { fields["signal"] = signal }
            if let value { fields["value"] = value }
            if let weight { fields["weight"] = weight }
            if let score { fields["score"] = score }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "distress_signal")
            signal = fields["signal"]
            value = fields["value"]
            weight = fields["weight"]
            score = fields["score"]
        }
    }

    /// The fields of a `distress_handoff` event.
    public struct DistressHandoff: Sendable, Equatable, Codable {
        /// `reasons` in the stored payload.
        public var reasons: String?
        /// `score` in the stored payload.
        public var score: String?
        /// `threshold` in the stored payload.
        public var threshold: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(reasons: String? = nil, score: String? = nil, threshold: String? = nil) {
            self.reasons = reasons
            self.score = score
            self.threshold = threshold
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case reasons
            case score
            case threshold
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let reasons { fields["reasons"] = reasons }
            if let score { fields["score"] = score }
            if let threshold { fields["threshold"] = threshold }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "distress_handoff")
            reasons = fields["reasons"]
            score = fields["score"]
            threshold = fields["threshold"]
        }
    }

    /// The fields of a `handoff_started` event.
    public struct HandoffStarted: Sendable, Equatable, Codable {
        /// `reason` in the stored payload.
        public var reason: String?
        /// `kind` in the stored payload.
        public var kind: String?
        /// `priority` in the stored payload.
        public var priority: String?
        /// `upgrade` in the stored payload.
        public var upgrade: String?
        /// `targets` in the stored payload.
        public var targets: String?
        /// `reasons` in the stored payload.
        public var reasons: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(reason: String? = nil, kind: String? = nil, priority: String? = nil, upgrade: String? = nil, targets: String? = nil, reasons: String? = nil) {
            self.reason = reason
            self.kind = kind
            self.priority = priority
            self.upgrade = upgrade
            self.targets = targets
            self.reasons = reasons
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case reason
            case kind
            case priority
            case upgrade
            case targets
            case reasons
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let reason { fields["reason"] = reason }
            if let kind { fields["kind"] = kind }
            if let priority { fields["priority"] = priority }
            if let upgrade { fields["upgrade"] = upgrade }
            if let targets { fields["targets"] = targets }
            if let reasons { fields["reasons"] = reasons }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "handoff_started")
            reason = fields["reason"]
            kind = fields["kind"]
            priority = fields["priority"]
            upgrade = fields["upgrade"]
            targets = fields["targets"]
            reasons = fields["reasons"]
        }
    }

    /// The fields of a `target_dialed` event.
    public struct TargetDialed: Sendable, Equatable, Codable {
        /// `target` in the stored payload.
        public var target: String?
        /// `dial` in the stored payload.
        public var dial: String?
        /// `attempt` in the stored payload.
        public var attempt: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(target: String? = nil, dial: String? = nil, attempt: String? = nil) {
            self.target = target
            self.dial = dial
            self.attempt = attempt
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case target
            case dial
            case attempt
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let target { fields["target"] = target }
            if let dial { fields["dial"] = dial }
            if let attempt { fields["attempt"] = attempt }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "target_dialed")
            target = fields["target"]
            dial = fields["dial"]
            attempt = fields["attempt"]
        }
    }

    /// The fields of a `target_ringing` event.
    public struct TargetRinging: Sendable, Equatable, Codable {
        /// `target` in the stored payload.
        public var target: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(target: String? = nil) {
            self.target = target
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case target
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let target { fields["target"] = target }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "target_ringing")
            target = fields["target"]
        }
    }

    /// The fields of a `target_answered` event.
    public struct TargetAnswered: Sendable, Equatable, Codable {
        /// `target` in the stored payload.
        public var target: String?
        /// `by` in the stored payload.
        public var by: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(target: String? = nil, by: String? = nil) {
            self.target = target
            self.by = by
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case target
            case by
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let target { fields["target"] = target }
            if let by { fields["by"] = by }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "target_answered")
            target = fields["target"]
            by = fields["by"]
        }
    }

    /// The fields of a `target_failed` event.
    public struct TargetFailed: Sendable, Equatable, Codable {
        /// `target` in the stored payload.
        public var target: String?
        /// `reason` in the stored payload.
        public var reason: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(target: String? = nil, reason: String? = nil) {
            self.target = target
            self.reason = reason
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case target
            case reason
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let target { fields["target"] = target }
            if let reason { fields["reason"] = reason }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "target_failed")
            target = fields["target"]
            reason = fields["reason"]
        }
    }

    /// The fields of a `whispered` event.
    public struct Whispered: Sendable, Equatable, Codable {
        /// `text` in the stored payload.
        public var text: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(text: String? = nil) {
            self.text = text
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case text
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let text { fields["text"] = text }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "whispered")
            text = fields["text"]
        }
    }

    /// The fields of a `transfer_completed` event.
    public struct TransferCompleted: Sendable, Equatable, Codable {
        /// `target` in the stored payload.
        public var target: String?
        /// `priority` in the stored payload.
        public var priority: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(target: String? = nil, priority: String? = nil) {
            self.target = target
            self.priority = priority
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case target
            case priority
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let target { fields["target"] = target }
            if let priority { fields["priority"] = priority }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "transfer_completed")
            target = fields["target"]
            priority = fields["priority"]
        }
    }

    /// The fields of a `callback_offered` event.
    public struct CallbackOffered: Sendable, Equatable, Codable {
        /// `reason` in the stored payload.
        public var reason: String?
        /// `recorded` in the stored payload.
        public var recorded: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(reason: String? = nil, recorded: String? = nil) {
            self.reason = reason
            self.recorded = recorded
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case reason
            case recorded
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let reason { fields["reason"] = reason }
            if let recorded { fields["recorded"] = recorded }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "callback_offered")
            reason = fields["reason"]
            recorded = fields["recorded"]
        }
    }

    /// The fields of a `callback_recorded` event.
    public struct CallbackRecorded: Sendable, Equatable, Codable {
        /// `caller_id` in the stored payload.
        public var callerID: String?
        /// `confirmed` in the stored payload.
        public var confirmed: String?
        /// `within_minutes` in the stored payload.
        public var withinMinutes: String?
        /// `urgent` in the stored payload.
        public var urgent: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(callerID: String? = nil, confirmed: String? = nil, withinMinutes: String? = nil, urgent: String? = nil) {
            self.callerID = callerID
            self.confirmed = confirmed
            self.withinMinutes = withinMinutes
            self.urgent = urgent
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case callerID = "caller_id"
            case confirmed
            case withinMinutes = "within_minutes"
            case urgent
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let callerID { fields["caller_id"] = callerID }
            if let confirmed { fields["confirmed"] = confirmed }
            if let withinMinutes { fields["within_minutes"] = withinMinutes }
            if let urgent { fields["urgent"] = urgent }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "callback_recorded")
            callerID = fields["caller_id"]
            confirmed = fields["confirmed"]
            withinMinutes = fields["within_minutes"]
            urgent = fields["urgent"]
        }
    }

    /// The fields of a `call_ended` event.
    public struct CallEnded: Sendable, Equatable, Codable {
        /// `reason` in the stored payload.
        public var reason: String?
        /// `outcome` in the stored payload.
        public var outcome: String?

        /// Makes the payload; fields left nil are not recorded.
        public init(reason: String? = nil, outcome: String? = nil) {
            self.reason = reason
            self.outcome = outcome
        }

        /// The stored JSON keys of this payload, in declaration order.
        public enum CodingKeys: String, CodingKey, CaseIterable {
            case reason
            case outcome
        }

        /// The fields by their stored JSON keys.
        public var fields: [String: String] {
            var fields: [String: String] = [:]
            if let reason { fields["reason"] = reason }
            if let outcome { fields["outcome"] = outcome }
            return fields
        }

        /// The payload from text fields; throws on a key this event does not record.
        init(fields: [String: String]) throws {
            try CallEventPayloadError.check(fields, known: CodingKeys.allCases.map(\.rawValue), type: "call_ended")
            reason = fields["reason"]
            outcome = fields["outcome"]
        }
    }
}
