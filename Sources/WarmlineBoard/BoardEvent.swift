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

/// Versions and state the board reported in its HELLO reply.
public struct BoardInfo: Sendable, Equatable {
    /// Wire protocol version of the board.
    public var protocolVersion: Int
    /// Firmware version, "major.minor.patch".
    public var firmwareVersion: String
    /// The line is with the human agent line (bypass relay released).
    public var bypassEngaged: Bool
}

/// A snapshot of the board's line state (GET_STATUS or a heartbeat's STATUS reply).
public struct BoardStatus: Sendable, Equatable {
    /// The bypass relay is released: the line goes to the human agent line.
    public var bypassEngaged: Bool
    /// The hook relay holds the line off-hook.
    public var offHook: Bool
    /// The line is ringing.
    public var ringing: Bool
    /// The board has a HELLO session with this host.
    public var inSession: Bool
    /// Loop current flows.
    public var loopCurrent: Bool
    /// The board's watchdog saw no heartbeat for 1.5 s.
    public var hostSilent: Bool
    /// Rings counted in the current ringing.
    public var ringCount: Int

    init(payload: [UInt8]) {
        let flags = payload.first ?? 0
        bypassEngaged = flags & 0x01 != 0
        offHook = flags & 0x02 != 0
        ringing = flags & 0x04 != 0
        inSession = flags & 0x08 != 0
        loopCurrent = flags & 0x10 != 0
        hostSilent = flags & 0x20 != 0
        ringCount = payload.count > 2 ? Int(payload[2]) : 0
    }
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
