import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the service is doing (the sd_notify protocol: one datagram to `$NOTIFY_SOCKET`).
///
/// Does nothing when the process was not started by systemd with `Type=notify` (no `NOTIFY_SOCKET`).
public struct SystemdNotifier: Sendable {
    /// The notify socket path (`@` prefix = Linux abstract namespace), nil when not under systemd.
    public let socketPath: String?
    /// systemd's watchdog timeout for this process (`WATCHDOG_USEC`), nil when the watchdog is off.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        let watchdogForUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if watchdogForUs, let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 {
            watchdogInterval = .microseconds(usec)
        } else {
            watchdogInterval = nil
        }
    }

    /// True when there is a socket to notify.
    public var isEnabled: Bool { socketPath != nil }

    /// How often to send WATCHDOG=1: half the timeout, as systemd recommends.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// The service is up (after the board HELLO and the ALSA open).
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        notify(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? []))
    }

    /// The audio loops are alive; send at least every `watchdogPingInterval`.
    @discardableResult
    public func watchdog() -> Bool { notify(["WATCHDOG=1"]) }

    /// A one-line status shown by `systemctl status`.
    @discardableResult
    public func status(_ text: String) -> Bool { notify(["STATUS=\(text)"]) }

    /// The service is reloading its flow and prompts (SIGHUP); call `ready()` when done.
    @discardableResult
    public func reloading() -> Bool { notify(["RELOADING=1"]) }

    /// The service is shutting down cleanly.
    @discardableResult
    public func stopping() -> Bool { notify(["STOPPING=1"]) }

    /// Sends the assignments as one datagram; false when not under systemd or the send failed.
    @discardableResult
    public func notify(_ assignments: [String]) -> Bool {
        guard let socketPath else { return false }
        return Self.send(assignments.joined(separator: "\n"), to: socketPath)
    }

    private static func send(_ message: String, to path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(path.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        // Abstract names are length-delimited (no trailing NUL); filesystem paths include the NUL.
        let length = socklen_t(pathOffset + pathBytes.count + (abstract ? 0 : 1))
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(message.utf8)
        // Never waits: a notify socket whose queue is full (nobody reading) drops this datagram instead of stalling the
        // caller (STATUS= is sent from line threads; a blocked send once held a call's audio loop for 17 s).
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), socketAddress, length) }
            }
        }
        return sent == bytes.count
    }
}
