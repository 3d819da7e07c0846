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
