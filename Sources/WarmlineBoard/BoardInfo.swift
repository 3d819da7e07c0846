/// Versions and state the board reported in its HELLO reply.
public struct BoardInfo: Sendable, Equatable {
    /// Wire protocol version of the board.
    public var protocolVersion: Int
    /// Firmware version, "major.minor.patch".
    public var firmwareVersion: String
    /// The line is with the human agent line (bypass relay released).
    public var bypassEngaged: Bool
}

extension BoardInfo: CustomStringConvertible {
    /// One line for logs and transcripts: "protocol 1, firmware 1.0.0, bypass engaged".
    public var description: String {
        "protocol \(protocolVersion), firmware \(firmwareVersion), " + (bypassEngaged ? "bypass engaged" : "line held by Warmline")
    }
}
