import CALSA

/// An ALSA device that could not be opened or set up as Warmline needs, with what was asked and granted.
public struct ALSAError: Error, Equatable, CustomStringConvertible {
    /// The ALSA PCM name, e.g. `default` or `hw:1,0`.
    public var device: String
    /// `capture` or `playback`.
    public var stream: String
    /// What went wrong, in words a technician can act on.
    public var reason: String
    /// The negative errno ALSA returned, if any.
    public var code: Int32?

    /// An error for `device`/`stream`, with ALSA's own text appended when `code` is set.
    public init(device: String, stream: String, reason: String, code: Int32? = nil) {
        self.device = device
        self.stream = stream
        self.reason = reason
        self.code = code
    }

    public var description: String {
        var text = "ALSA \(stream) device '\(device)': \(reason)"
        if let code {
            text += " (\(String(cString: snd_strerror(code))), \(code))"
        }
        return text
    }
}
