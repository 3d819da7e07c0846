import Foundation

/// A link failure, worded for the technician who has to fix it.
public enum BoardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The serial device could not be opened or configured.
    case cannotOpen(device: String, reason: String)
    /// Another process holds the port (its exclusive lock): a running service, or a second one.
    case portBusy(device: String, holderPID: Int32?)
    /// The board never acknowledged a command.
    case noAcknowledgement(device: String, command: String, attempts: Int, waitedMs: Int)
    /// The board refused a command.
    case refused(command: String, reason: String)
    /// The board speaks another protocol version.
    case protocolMismatch(device: String, boardProtocol: Int, boardFirmware: String, hostProtocol: Int)
    /// The device is gone (unplugged) while a command was waiting.
    case linkDown(device: String)
    /// The link was closed by this process.
    case closed

    /// What happened and what to do about it.
    public var description: String {
        switch self {
        case let .cannotOpen(device, reason):
            return "cannot open line-interface board at \(device): \(reason); check the USB/serial cable, "
                + "the device path in the config, and that this user may open it (group dialout)"
        case let .portBusy(device, holderPID):
            return "line-interface board at \(device) is held by another process" + (holderPID.map { " (pid \($0))" } ?? "")
                + ": a warmline service already serves it (`systemctl status warmline`, `warmline status`); stop it or "
                + "fix serial_device in the config"
        case let .noAcknowledgement(device, command, attempts, waitedMs):
            return "line-interface board at \(device) did not acknowledge \(command) after \(attempts) tries "
                + "(\(waitedMs) ms): check the cable and that the board is powered; run `warmline doctor`"
        case let .refused(command, reason):
            return "line-interface board refused \(command): \(reason)"
        case let .protocolMismatch(device, boardProtocol, boardFirmware, hostProtocol):
            return "line-interface board at \(device) runs firmware \(boardFirmware) speaking protocol "
                + "\(boardProtocol), but this warmline speaks protocol \(hostProtocol): flash firmware for protocol "
                + "\(hostProtocol) or install the warmline release that matches the board"
        case let .linkDown(device):
            return "line-interface board at \(device) is gone (unplugged or rebooting); the link reconnects "
                + "by itself, check the cable if it does not"
        case .closed:
            return "the board link was closed"
        }
    }

    static func nakReason(_ code: UInt8) -> String {
        switch code {
        case 1: return "the firmware does not know this command (firmware too old?)"
        case 2: return "wrong payload length (host and firmware disagree on the protocol)"
        case 3: return "protocol version mismatch"
        case 4: return "no session: the board was reset and has not seen HELLO yet"
        case 5: return "not possible in the line's current state (e.g. flash or dial while on-hook)"
        case 6: return "the line is in bypass (with the human agent line)"
        case 7: return "value out of range"
        default: return "reason code \(code)"
        }
    }
}
