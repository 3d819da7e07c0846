import Foundation
import WarmlineBoard
import WarmlineStore

/// Asks a running service over its control socket (`warmline status`, `warmline doctor`): one request, one answer.
public struct ControlClient: Sendable {
    /// The socket's path.
    public let path: String
    /// Longest wait for the connection and the answer.
    public var timeoutMs: Int

    /// A client of the service at `path`.
    public init(path: String, timeoutMs: Int = 2000) {
        self.path = path
        self.timeoutMs = timeoutMs
    }

    /// True when a service holds the socket's lock (it runs, whether or not it answers): read from /proc/locks.
    public var serviceHoldsLock: Bool { DeviceLock.holder(of: ControlServer.lockPath(for: path)) != nil }

    /// The service's live status; blocks the calling thread up to `timeoutMs` (not for async code: use `status()`).
    public func blockingStatus() throws(ControlSocketError) -> UnitStatus {
        let response = try request(ControlRequest(command: .status))
        guard let status = response.status else { throw .badAnswer(path: path, reason: "no status in the answer") }
        return status
    }

    /// The service's live status, asked from async code on a thread of its own (the socket calls block).
    public func status() async throws(ControlSocketError) -> UnitStatus {
        let result: Result<UnitStatus, ControlSocketError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                do throws(ControlSocketError) {
                    continuation.resume(returning: .success(try blockingStatus()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Sends `request` and reads the answer line; an answer with `ok: false` is thrown as `badAnswer` with its reason.
    public func request(_ request: ControlRequest) throws(ControlSocketError) -> ControlResponse {
        guard path.utf8.count < 108 else { throw .pathTooLong(path) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .notRunning(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutMs / 1000, tv_usec: Int(timeoutMs % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = ControlServer.address(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw .notRunning(path: path, reason: String(cString: strerror(errno))) }
        guard let line = try? JSONText.compactLine(request) else { throw .badAnswer(path: path, reason: "cannot encode the request") }
        let bytes = Array((line + "\n").utf8)
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw .notRunning(path: path, reason: String(cString: strerror(errno))) }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while !answer.contains(UInt8(ascii: "\n")) {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                answer += chunk[..<count]
                guard answer.count < 4 << 20 else { throw .badAnswer(path: path, reason: "answer longer than 4 MB") }
                continue
            }
            if count < 0, errno == EINTR, Date() < deadline { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut(path: path, ms: timeoutMs) }
            throw .badAnswer(path: path, reason: "the service closed the connection without an answer")
        }
        let text = answer.prefix { $0 != UInt8(ascii: "\n") }
        let response: ControlResponse
        do {
            response = try JSONDecoder().decode(ControlResponse.self, from: Data(text))
        } catch {
            throw .badAnswer(path: path, reason: "\(error)")
        }
        guard response.ok else { throw .badAnswer(path: path, reason: response.error ?? "refused without a reason") }
        return response
    }
}
