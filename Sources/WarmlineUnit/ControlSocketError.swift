/// A control socket failure, worded for the technician.
public enum ControlSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The socket path does not fit a Unix socket address (108 bytes).
    case pathTooLong(String)
    /// Another process holds the socket's lock: a service already runs with this socket.
    case busy(path: String, holderPID: Int32?)
    /// The socket could not be made (directory, bind, listen).
    case cannotListen(path: String, reason: String)
    /// No service answers at the path.
    case notRunning(path: String, reason: String)
    /// The service did not answer within the time bound.
    case timedOut(path: String, ms: Int)
    /// The answer was not the protocol (another program on the socket, or another protocol version).
    case badAnswer(path: String, reason: String)

    /// What happened and what to do about it.
    public var description: String {
        switch self {
        case .pathTooLong(let path):
            return "control socket path \(path) is longer than a Unix socket address allows (107 bytes): set a shorter control_socket"
        case let .busy(path, pid):
            return "control socket \(path) is held by another warmline" + (pid.map { " (pid \($0))" } ?? "")
                + ": only one service runs per socket (`systemctl status warmline`)"
        case let .cannotListen(path, reason):
            return "cannot open the control socket \(path): \(reason); check control_socket in the config and that its directory is writable"
        case let .notRunning(path, reason):
            return "no warmline service answers at \(path) (\(reason)): is it running? (`systemctl status warmline`); "
                + "for a run without a config file, give the same --db (the socket sits beside the database) or --socket"
        case let .timedOut(path, ms):
            return "the warmline service at \(path) did not answer within \(ms) ms: it may be stuck (`systemctl status warmline`, the journal)"
        case let .badAnswer(path, reason):
            return "the answer at \(path) is not warmline's control protocol: \(reason)"
        }
    }
}
