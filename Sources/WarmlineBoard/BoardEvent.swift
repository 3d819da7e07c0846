/// Why the far end is gone.
public enum DisconnectCause: String, Sendable, Equatable {
    /// Loop current dropped (calling-party control).
    case loopCurrentDrop = "loop-current-drop"
    /// Line polarity reversed.
    case polarityReversal = "polarity-reversal"
    /// Cause code this module does not know.
    case unknown
}

/// Why the bypass relay changed.
public enum BypassReason: String, Sendable, Equatable {
    /// The MCU reset (it always starts in bypass).
    case reset
    /// Heartbeats stopped for 1.5 s.
    case watchdog
    /// The host asked for it.
    case host
    /// The board took the line back while it was idle.
    case claimed
    /// Reason code this module does not know.
    case unknown

    init(code: UInt8) {
        switch code {
        case 1: self = .reset
        case 2: self = .watchdog
        case 3: self = .host
        case 4: self = .claimed
        default: self = .unknown
        }
    }
}

/// Call progress on the line (the emulator reports it; on hardware the audio side detects the tones).
public enum CallProgress: String, Sendable, Equatable {
    /// Dial tone after a flash.
    case dialTone = "dial-tone"
    /// The agent's phone rings.
    case ringback
    /// The agent is busy.
    case busy
    /// The agent answered.
    case answered
    /// Progress code this module does not know.
    case unknown
}

/// Something the board or the link reports, in order.
public enum BoardEvent: Sendable, Equatable {
    /// HELLO completed (first connect, after a board reset, after a reconnect).
    case connected(BoardInfo)
    /// A validated ring; `bursts` is 1 for a single ring, 2 for a double ring.
    case ring(count: Int, bursts: Int)
    /// Caller ID delivered after the first ring.
    case callerID(number: String, name: String, time: String)
    /// Ringing stopped without an answer.
    case ringEnded(rings: Int)
    /// The far end hung up.
    case farEndDisconnect(DisconnectCause)
    /// The bypass relay changed: `engaged` means the line is with the human agent line.
    case bypass(engaged: Bool, reason: BypassReason)
    /// Heartbeats resumed after the watchdog fired; `silenceMs` is how long they stopped.
    case hostReturned(silenceMs: Int)
    /// A hook-flash finished.
    case flashDone(flashMs: Int)
    /// Dialling finished.
    case dialDone(digits: Int)
    /// Call progress after a flash / dial.
    case callProgress(CallProgress)
    /// The board rebooted: it is in bypass and any call the host had is over.
    case boardReset
    /// The serial device went away; the link reconnects with back-off.
    case linkLost(reason: String)
}
