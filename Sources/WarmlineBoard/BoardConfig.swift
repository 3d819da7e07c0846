/// How to reach the line-interface board and how patient to be with it.
public struct BoardConfig: Sendable, Equatable {
    /// Serial device (e.g. /dev/serial/by-id/..., or the emulator's pty).
    public var devicePath: String
    /// Line speed; ignored by ptys.
    public var baudRate: Int
    /// How long to wait for an ACK before retransmitting.
    public var ackTimeoutMs: Int
    /// Transmissions of one command before giving up.
    public var maxAttempts: Int
    /// How long HELLO is said again (backing off to once a second) before the board counts as not answering: a board
    /// just started, or a host starting many lines on a loaded machine, may answer seconds late.
    public var helloTimeoutMs: Int
    /// Heartbeat period (the firmware's watchdog fires after 1.5 s without one).
    public var heartbeatPeriodMs: Int
    /// First reconnect delay after the device goes away; doubles up to `reconnectMaxMs`.
    public var reconnectInitialMs: Int
    /// Longest reconnect delay.
    public var reconnectMaxMs: Int

    /// Makes a config with the protocol's defaults.
    public init(devicePath: String, baudRate: Int = 115_200, ackTimeoutMs: Int = 100, maxAttempts: Int = 5,
                heartbeatPeriodMs: Int = 200, reconnectInitialMs: Int = 100, reconnectMaxMs: Int = 5_000,
                helloTimeoutMs: Int = 10_000) {
        self.devicePath = devicePath
        self.baudRate = baudRate
        self.ackTimeoutMs = ackTimeoutMs
        self.maxAttempts = maxAttempts
        self.heartbeatPeriodMs = heartbeatPeriodMs
        self.reconnectInitialMs = reconnectInitialMs
        self.reconnectMaxMs = reconnectMaxMs
        self.helloTimeoutMs = helloTimeoutMs
    }
}
