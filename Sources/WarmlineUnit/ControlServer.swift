import Foundation
import Synchronization
import WarmlineBoard

/// The service's control socket: a Unix stream socket answering line-delimited JSON requests (`ControlProtocol`).
///
/// Runs on one dispatch queue (no thread of its own): the listening socket and each client are dispatch read sources.
/// The socket is mode 0660, group `warmline` when that group exists; `<path>.lock` carries an exclusive `flock` for as
/// long as the service runs, so a second service (or the doctor) can tell one is running without connecting.
public final class ControlServer: Sendable {
    /// The socket's path.
    public let path: String
    private let answer: @Sendable (ControlRequest) -> ControlResponse
    private let queue = DispatchQueue(label: "warmline.control")
    private struct State {
        var listenFD: Int32 = -1
        var lockFD: Int32 = -1
        var listenSource: DispatchSourceRead?
        var clients: [Int32: Client] = [:]
        var closed = false
    }
    private struct Client {
        var source: DispatchSourceRead
        var buffer: [UInt8] = []
    }
    private let state = Mutex(State())
    /// Clients served at once; more wait in the listen backlog.
    static let maxClients = 16

    /// A server on `path` answering each request with `answer` (called on the control queue).
    public init(path: String, answer: @escaping @Sendable (ControlRequest) -> ControlResponse) {
        self.path = path
        self.answer = answer
    }

    /// The socket's lock file.
    public static func lockPath(for socketPath: String) -> String { socketPath + ".lock" }

    /// Takes the lock, binds and listens; throws `busy` when another service holds the socket.
    public func start() throws(ControlSocketError) {
        guard path.utf8.count < 108 else { throw .pathTooLong(path) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o750])
            } catch {
                throw .cannotListen(path: path, reason: "cannot create \(directory): \(error.localizedDescription)")
            }
            Self.giveToGroup(directory)
        }
        let lockPath = Self.lockPath(for: path)
        let lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o660)
        guard lockFD >= 0 else { throw .cannotListen(path: path, reason: "cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(lockFD)
            throw .busy(path: path, holderPID: DeviceLock.holder(of: lockPath))
        }
        // The lock is ours: a socket file left by a killed service is stale.
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else {
            Glibc.close(lockFD)
            throw .cannotListen(path: path, reason: String(cString: strerror(errno)))
        }
        var address = Self.address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, 0o660) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            Glibc.close(lockFD)
            throw .cannotListen(path: path, reason: reason)
        }
        Self.giveToGroup(path)
        let queue = queue
        state.withLock { state in
            state.listenFD = fd
            state.lockFD = lockFD
            // made inside the lock: the source never leaves the state it belongs to
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in acceptClients() }
            state.listenSource = source
            source.resume()
        }
    }

    /// Stops answering, removes the socket and releases the lock, after a request being answered (suspends, never blocks).
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                closeOnQueue()
                continuation.resume()
            }
        }
    }

    private func closeOnQueue() {
        do {
            let (listen, lock, source, clients) = state.withLock { state in
                defer {
                    state.closed = true
                    state.listenFD = -1
                    state.lockFD = -1
                    state.clients.removeAll()
                    state.listenSource = nil
                }
                return (state.listenFD, state.lockFD, state.listenSource, state.clients)
            }
            source?.cancel()
            for (fd, client) in clients {
                client.source.cancel()
                Glibc.close(fd)
            }
            if listen >= 0 {
                Glibc.close(listen)
                unlink(path)
            }
            if lock >= 0 {
                unlink(Self.lockPath(for: path))
                Glibc.close(lock)
            }
        }
    }

    private func acceptClients() {
        while true {
            let listenFD = state.withLock { $0.closed ? -1 : $0.listenFD }
            guard listenFD >= 0 else { return }
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            guard state.withLock({ $0.clients.count }) < Self.maxClients else {
                Glibc.close(fd)
                continue
            }
            // Blocking with a bound: a client that stops reading cannot hold the queue longer than a second.
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let queue = queue
            state.withLock { state in
                let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
                source.setEventHandler { [self] in readClient(fd) }
                state.clients[fd] = Client(source: source)
                source.resume()
            }
        }
    }

    private func readClient(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
            drop(fd)
            return
        }
        guard count > 0 else { return }
        let lines: [[UInt8]]? = state.withLock { state in
            guard var client = state.clients[fd] else { return nil }
            client.buffer += chunk[..<count]
            var lines: [[UInt8]] = []
            while let newline = client.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(Array(client.buffer[..<newline]))
                client.buffer.removeSubrange(...newline)
            }
            state.clients[fd] = client
            return client.buffer.count > ControlProtocol.maxRequestBytes ? nil : lines
        }
        guard let lines else {
            send(ControlResponse(ok: false, error: "request longer than \(ControlProtocol.maxRequestBytes) bytes"), to: fd)
            drop(fd)
            return
        }
        for line in lines where !line.isEmpty {
            guard send(respond(to: line), to: fd) else {
                drop(fd)
                return
            }
        }
    }

    private func respond(to line: [UInt8]) -> ControlResponse {
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: Data(line))
        } catch {
            return ControlResponse(ok: false, error: "not a control request (one JSON object per line, e.g. "
                                   + "{\"version\":\(ControlProtocol.version),\"command\":\"status\"}): \(error)")
        }
        guard request.version == ControlProtocol.version else {
            return ControlResponse(ok: false, error: "protocol version \(request.version) asked; this service speaks version "
                                   + "\(ControlProtocol.version): use the warmline that matches the running service")
        }
        return answer(request)
    }

    @discardableResult
    private func send(_ response: ControlResponse, to fd: Int32) -> Bool {
        guard let text = try? response.line() else { return false }
        let bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    private func drop(_ fd: Int32) {
        let client = state.withLock { $0.clients.removeValue(forKey: fd) }
        client?.source.cancel()
        if client != nil { Glibc.close(fd) }
    }

    /// Group `warmline` (when it exists) may use what the service made; others may not.
    private static func giveToGroup(_ path: String) {
        guard let group = getgrnam("warmline") else { return }
        _ = chown(path, uid_t.max, group.pointee.gr_gid)
    }

    static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(107).enumerated() { raw[index] = byte }
        }
        return address
    }
}
