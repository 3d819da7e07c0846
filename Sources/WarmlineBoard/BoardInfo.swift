/// Versions and state the board reported in its HELLO reply.
public struct BoardInfo: Sendable, Equatable {
    /// Wire protocol version of the board.
    public var protocolVersion: Int
    /// Firmware version, "major.minor.patch".
    public var firmwareVersion: String
    /// The line is with the human agent line (bypass relay released).
    public var bypassEngaged: Bool
}
