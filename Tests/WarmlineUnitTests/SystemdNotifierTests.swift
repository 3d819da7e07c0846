import Foundation
import Testing
@testable import WarmlineUnit

#if canImport(Glibc)
import Glibc
#endif

/// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
final class NotifySocket {
    let fd: Int32
    let name: String

    /// Binds a filesystem socket at `path`, or an abstract one when `path` starts with '@'.
    init(_ path: String) throws {
        name = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2) + bytes.count + (abstract ? 0 : 1))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard fd >= 0, result == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        // Never hang a test: a datagram that did not arrive fails after 2 s.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram's text, nil on timeout.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self)
    }

    deinit {
        close(fd)
        if !name.hasPrefix("@") { unlink(name) }
    }
}

@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    @Test("READY, WATCHDOG, STATUS, RELOADING and STOPPING arrive as datagrams on a filesystem notify socket")
    func filesystemSocket() throws {
        let scratch = try ScratchDirectory("notify")
        defer { scratch.cleanUp() }
        let listener = try NotifySocket(scratch.file("notify.sock"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.name])
        #expect(notifier.isEnabled)
        #expect(notifier.ready(status: "2 lines up"))
        #expect(listener.receive() == "READY=1\nSTATUS=2 lines up")
        #expect(notifier.watchdog())
        #expect(listener.receive() == "WATCHDOG=1")
        #expect(notifier.status("line 1: in call"))
        #expect(listener.receive() == "STATUS=line 1: in call")
        #expect(notifier.reloading())
        #expect(listener.receive() == "RELOADING=1")
        #expect(notifier.stopping())
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test("an '@' socket name reaches the abstract namespace")
    func abstractSocket() throws {
        let listener = try NotifySocket("@warmline-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.name])
        #expect(notifier.ready())
        #expect(listener.receive() == "READY=1")
    }

    @Test("without NOTIFY_SOCKET every call is a no-op that reports false")
    func notUnderSystemd() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.ready())
        #expect(!notifier.watchdog())
        #expect(notifier.watchdogInterval == nil)
    }

    @Test("a socket that nobody listens on reports the failed send")
    func nobodyListening() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"])
        #expect(notifier.isEnabled)
        #expect(!notifier.watchdog())
    }

    @Test("WATCHDOG_USEC gives the timeout and a ping interval of half of it, only for this process")
    func watchdogInterval() {
        let ours = SystemdNotifier(environment: ["WATCHDOG_USEC": "5000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(ours.watchdogInterval == .seconds(5))
        #expect(ours.watchdogPingInterval == .milliseconds(2500))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "5000000"]).watchdogInterval == .seconds(5))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "5000000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogInterval == nil)
    }
}
