/// Why speech keywords cannot run: a file, the line when known, and a reason a technician can act on.
public struct SpeechSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault (keywords.yaml, a model directory, a dictionary).
    public var file: String
    /// 1-based line in `file`, nil when the problem is the file as a whole.
    public var line: Int?
    /// What is wrong.
    public var reason: String

    /// Makes an error.
    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`, as compilers print it.
    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }

    static func decoderRefused(_ file: String, _ reason: String) -> SpeechSetupError {
        SpeechSetupError(file: file, reason: reason)
    }
}
