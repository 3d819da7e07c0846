import WarmlineConfig

/// Why speech keywords cannot run: a file, the line when known, and a reason a technician can act on (`file:line: reason`).
public typealias SpeechSetupError = LocatedError

extension LocatedError {
    static func decoderRefused(_ file: String, _ reason: String) -> SpeechSetupError {
        SpeechSetupError(file: file, reason: reason)
    }
}
