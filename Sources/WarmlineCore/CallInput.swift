/// One thing that happened on a call, as the DSP, the speech spotter, the prompt player or the board reports it.
public enum CallInput: Sendable, Equatable {
    /// A DTMF digit ("0"..."9", "*", "#"), reported once per key press.
    case digit(Character)
    /// The caller started speaking (VAD).
    case speechStarted
    /// The caller stopped speaking (VAD).
    case speechStopped
    /// A call-progress tone the DSP recognised on the line.
    case tone(ToneKind)
    /// A spotted keyword.
    case keyword(KeywordHit)
    /// Loudness and pitch of the caller's voice over one segment or frame.
    case voice(VoiceFeatures)
    /// The player finished (or was stopped on) the prompt or whisper with this playback id.
    case promptFinished(playbackID: Int)
    /// Something the line-interface board reported.
    case board(BoardEvent)
    /// The unit's priority queue (all lines): this caller's position, 1 = next.
    case queuePosition(Int)
    /// Billing acknowledged the day pass with this key (outbox sent): it is active now.
    case dayPassConfirmed(key: String)
    /// The ledger refused the day pass with this key by `rule` (another line granted first, or the unit's hourly cap).
    case dayPassRefusedByLedger(key: String, rule: String, reason: String)
}

/// Call-progress tones WarmlineDSP tells apart.
public enum ToneKind: String, Sendable, Equatable, CaseIterable {
    /// Continuous dial tone: the exchange is ready for digits.
    case dialTone
    /// Ringback: the dialled party is being rung.
    case ringback
    /// Busy: the dialled party (or, outside a hand-off, the line) is busy.
    case busy
    /// Reorder / congestion: the network gave up.
    case reorder
    /// Silence after a tone.
    case silence
}

/// A keyword the speech spotter heard, with how sure it is.
public struct KeywordHit: Sendable, Equatable {
    /// What the keyword means to the call.
    public enum Class: String, Sendable, Equatable, CaseIterable {
        /// A distress word: help, emergency, ambulance, ...
        case distress
        /// A request for a person: person, operator, agent, ...
        case person
        /// A menu word: balance, day pass, ...
        case menu
    }
    /// The phrase as spotted, lower case ("help", "day pass").
    public var phrase: String
    /// The class the spotter assigned to the phrase.
    public var keywordClass: Class
    /// Spotter confidence, 0...1.
    public var confidence: Double
    /// What the recogniser heard the caller say, when a transcript decided the hit ("someone is hurting me").
    public var transcript: String?

    /// Makes a keyword hit.
    public init(phrase: String, keywordClass: Class, confidence: Double, transcript: String? = nil) {
        self.phrase = phrase
        self.keywordClass = keywordClass
        self.confidence = confidence
        self.transcript = transcript
    }

    /// How the hit reads to the agent and in the log: "caller said: 'someone is hurting me'", or "said 'help'".
    public var spokenSummary: String {
        if let transcript, !transcript.isEmpty { return "caller said: '\(transcript)'" }
        return "said '\(phrase)'"
    }
}

/// Voice features of the caller over one segment or frame (from WarmlineDSP).
public struct VoiceFeatures: Sendable, Equatable {
    /// Loudness of the segment, dB (any fixed reference; only differences matter).
    public var loudnessDB: Double
    /// Fundamental frequency, Hz; nil when unvoiced.
    public var pitchHz: Double?

    /// Makes a voice feature sample.
    public init(loudnessDB: Double, pitchHz: Double?) {
        self.loudnessDB = loudnessDB
        self.pitchHz = pitchHz
    }
}

/// Events from the line-interface board that matter to a call.
public enum BoardEvent: Sendable, Equatable {
    /// The line is ringing; caller ID when the network sent one.
    case ringing(callerID: String?)
    /// The unit went off hook and the call is up.
    case answered
    /// The caller hung up (loop current drop / CPC).
    case farEndDisconnect
    /// A hook flash the engine asked for is done.
    case flashDone
    /// The hand-off target answered (board or emulator answer supervision).
    case agentAnswered
}
