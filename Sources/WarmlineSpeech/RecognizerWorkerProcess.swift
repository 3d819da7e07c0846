import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `warmline-recognizer` child: started with posix_spawn, its stdin and stdout one Unix socket (writes never raise
/// SIGPIPE), its stderr another socket whose last lines explain a crash. Owned by the recogniser's supervisor thread alone.
/// Not swift-subprocess (the unit's path for short tools, `HelperTool`): its `run` ties a child and its pipes to one
/// awaited call, while this worker outlives any task, is replaced from a thread that never awaits, and has one socket
/// pair as both stdin and stdout.
final class RecognizerWorkerProcess {
    let pid: pid_t
    /// The supervisor's end of the worker's stdin/stdout, non-blocking.
    let socket: Int32
    /// The read end of the worker's stderr, non-blocking.
    let errorPipe: Int32
    let startedAt: ContinuousClock.Instant
    private var errorTail: [UInt8] = []
    private var closed = false
    /// False once the worker's stderr reached its end (it is then no longer polled).
    private(set) var errorPipeOpen = true

    /// Starts `worker --model DIR [--library PATH] [--keywords FILE]`.
    init(worker: String, model: RecognizerModel, keywordsFile: String? = nil) throws(SpeechSetupError) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw SpeechSetupError(file: worker, reason: "cannot make the recogniser's socket: \(String(cString: strerror(errno)))")
        }
        var errorFDs: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &errorFDs) == 0 else {
            close(pair[0]); close(pair[1])
            throw SpeechSetupError(file: worker, reason: "cannot make the recogniser's stderr pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&actions, pair[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorFDs[1], 2)
        // the worker inherits nothing above stderr: not the unit's database or card, nor a file a thread is writing
        // (a long-lived child holding a write descriptor makes that file, if it is a program, "Text file busy" to run)
        if let closeFrom = Self.addCloseFrom() { _ = closeFrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        // the unit may block or ignore signals in its threads; the worker starts with the defaults
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let words: [String] = [worker, "--model", model.directory] + (model.library.map { ["--library", $0] } ?? [])
            + (keywordsFile.map { ["--keywords", $0] } ?? [])
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Swift's crash backtrace would bury ONNX Runtime's one-line reason (and takes seconds to write)
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("SWIFT_BACKTRACE=enable=no")]
        var index = 0
        while let entry = environ[index] {
            if !String(cString: entry).hasPrefix("SWIFT_BACKTRACE=") { environment.append(strdup(entry)) }
            index += 1
        }
        environment.append(nil)
        defer { environment.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, worker, &actions, &attributes, argv, environment)
        close(pair[1])
        close(errorFDs[1])
        guard spawned == 0 else {
            close(pair[0]); close(errorFDs[0])
            throw SpeechSetupError(file: worker, reason: "cannot start the recogniser worker: \(String(cString: strerror(spawned)))")
        }
        pid = child
        socket = pair[0]
        errorPipe = errorFDs[0]
        startedAt = .now
        for fd in [socket, errorPipe] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not export.
    private static func addCloseFrom() -> (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? {
        // RTLD_DEFAULT is the null handle on glibc
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }

    /// How a `send` ended.
    enum Delivery {
        /// Every byte was written.
        case sent
        /// The worker's end is closed: it exited, was killed or closed its stdin.
        case closed
        /// The worker took no more bytes before the deadline.
        case stalled
    }

    /// Writes all of `bytes`, waiting for room until `deadline`.
    func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) -> Delivery {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { offset += sent; continue }
            guard sent < 0, errno == EAGAIN || errno == EINTR else { return .closed }
            let left = deadline - .now
            guard left > .zero else { return .stalled }
            var entry = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, Int32(clamping: left.milliseconds + 1))
        }
        return .sent
    }

    /// Bytes the worker wrote to stdout since the last call; nil at end of stream (the worker closed it or died).
    func receive() -> [UInt8]? {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { result += buffer[..<count]; continue }
            if count == 0 { return result.isEmpty ? nil : result }  // the end is seen again on the next call
            if errno == EINTR { continue }
            if errno == EAGAIN { return result }
            return result.isEmpty ? nil : result
        }
    }

    /// Keeps the last 2 kB the worker wrote to stderr.
    func drainErrors() {
        guard errorPipeOpen else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(errorPipe, $0.baseAddress, $0.count) }
            if count == 0 {
                errorPipeOpen = false
                close(errorPipe)
            }
            guard count > 0 else { return }
            errorTail += buffer[..<count]
            if errorTail.count > 2048 { errorTail.removeFirst(errorTail.count - 2048) }
        }
    }

    /// The last line the worker wrote to stderr, if any.
    var lastErrorLine: String? {
        drainErrors()
        let lines = String(decoding: errorTail, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.last { !$0.isEmpty }
    }

    /// The worker's resident memory, from /proc.
    var residentMB: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1024 * 1024)
    }

    /// The worker's CPU time so far (user and system), milliseconds, from /proc.
    var cpuMs: Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // fields after the command name: state is 3rd, utime 14th, stime 15th (1-based over the whole line)
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Stops the worker (SIGKILL unless it has already exited), reaps it, and says how it ended.
    func stop(kill force: Bool) -> String {
        guard !closed else { return "stopped" }
        closed = true
        drainErrors()
        close(socket)
        var status: Int32 = 0
        var reaped = false
        if !force {
            // it closed its end or died: give it a moment to finish exiting before making sure
            for _ in 0..<20 {
                if waitpid(pid, &status, WNOHANG) == pid { reaped = true; break }
                usleep(10_000)
            }
        }
        if !reaped {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        drainErrors()
        if errorPipeOpen {
            errorPipeOpen = false
            close(errorPipe)
        }
        return Self.describe(status: status)
    }

    /// "exited with status 2" or "killed by signal 9 (SIGKILL)".
    static func describe(status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        let names: [Int32: String] = [SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS",
                                      SIGTERM: "SIGTERM", SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGPIPE: "SIGPIPE"]
        return "killed by signal \(signal)" + (names[signal].map { " (\($0))" } ?? "")
    }
}

extension Duration {
    /// Whole milliseconds.
    public var milliseconds: Int {
        Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
