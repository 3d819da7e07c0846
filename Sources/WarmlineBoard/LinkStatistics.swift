/// Counters of what the link had to cope with.
public struct LinkStatistics: Sendable, Equatable {
    /// Frames received with a good CRC.
    public var framesReceived = 0
    /// Bytes dropped: line noise, garbage, frames with a bad CRC or bad framing.
    public var garbageBytesDropped = 0
    /// Frames dropped for a bad CRC or bad framing.
    public var badFrames = 0
    /// Commands sent again because no ACK came in time.
    public var retransmits = 0
    /// Board events received twice (our ACK was lost) and delivered once.
    public var duplicateEvents = 0
    /// Times the device was reopened after it went away.
    public var reconnects = 0
    /// Heartbeats written to the port.
    public var heartbeatsSent = 0
    /// Bytes the port would not take within the write time bound (a stuck device); the frames they belonged to
    /// are recovered by retransmits.
    public var bytesUnwritten = 0
}
