import Glibc

/// A serial device opened raw with termios (8N1, no flow control, no echo), non-blocking, closed on exec.
///
/// Not `Sendable` on purpose: one thread (the link's port owner) opens it, reads, writes and closes it.
struct SerialPort {
    let fd: Int32

    /// What a read found.
    enum ReadResult: Equatable {
        /// Bytes that were waiting.
        case bytes([UInt8])
        /// Nothing waiting.
        case nothing
        /// The device is gone (unplugged, the emulator exited).
        case gone
    }

    /// What a write managed.
    enum WriteResult: Equatable {
        /// Every byte.
        case written
        /// The device took no more within the time bound; `unwritten` bytes were dropped.
        case timedOut(unwritten: Int)
        /// The device is gone.
        case gone
    }

    /// Opens `path` under an exclusive lock; with `replacing` (this link's open port on the same device, closed by the
    /// caller once this one is open) the lock that port holds is taken over by `relock()` after it closes.
    static func open(path: String, baudRate: Int, replacing current: SerialPort? = nil) throws(BoardError) -> SerialPort {
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(device: path, reason: String(cString: strerror(errno))) }
        // Before any termios call or flush: a port another process holds is closed again untouched.
        if case .failure(let error) = DeviceLock.lock(fd, path: path) {
            let ownPort: Bool = if current != nil, case .portBusy(_, let pid) = error, pid == getpid() { true } else { false }
            if !ownPort {
                Glibc.close(fd)
                throw error
            }
        }
        var tio = termios()
        guard tcgetattr(fd, &tio) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .cannotOpen(device: path, reason: "not a serial device (\(reason))")
        }
        cfmakeraw(&tio)
        tio.c_cflag |= tcflag_t(CLOCAL | CREAD)
        tio.c_cflag &= ~tcflag_t(CRTSCTS)
        withUnsafeMutableBytes(of: &tio.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard let speed = Self.speed(baudRate) else {
            Glibc.close(fd)
            throw .cannotOpen(device: path, reason: "unsupported baud rate \(baudRate)")
        }
        cfsetispeed(&tio, speed)
        cfsetospeed(&tio, speed)
        guard tcsetattr(fd, TCSANOW, &tio) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .cannotOpen(device: path, reason: "cannot set raw mode (\(reason))")
        }
        tcflush(fd, TCIOFLUSH)
        return SerialPort(fd: fd)
    }

    private static func speed(_ baud: Int) -> speed_t? {
        switch baud {
        case 9_600: return speed_t(B9600)
        case 19_200: return speed_t(B19200)
        case 38_400: return speed_t(B38400)
        case 57_600: return speed_t(B57600)
        case 115_200: return speed_t(B115200)
        case 230_400: return speed_t(B230400)
        case 460_800: return speed_t(B460800)
        case 921_600: return speed_t(B921600)
        default: return nil
        }
    }

    /// Writes all bytes, waiting at most `timeoutMs` in all for a full device buffer to drain.
    func write(_ bytes: [UInt8], timeoutMs: Int) -> WriteResult {
        var offset = 0
        let deadline = MonotonicMilliseconds.now() + UInt64(timeoutMs)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
                continue
            }
            guard n < 0 && (errno == EAGAIN || errno == EINTR) else { return .gone }
            let now = MonotonicMilliseconds.now()
            guard now < deadline else { return .timedOut(unwritten: bytes.count - offset) }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&p, 1, Int32(deadline - now))
        }
        return .written
    }

    /// Reads what is waiting without blocking.
    func read() -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n > 0 { return .bytes(Array(buffer[0..<n])) }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return .nothing }
        return .gone
    }

    /// Takes the exclusive lock on this descriptor (after the port it replaced has closed and released it).
    func relock() { _ = flock(fd, LOCK_EX | LOCK_NB) }

    /// Closes the descriptor; the owner drops the value with it, so it is closed once.
    func close() {
        Glibc.close(fd)
    }
}

/// Milliseconds of CLOCK_MONOTONIC: the link's time base outside tests.
enum MonotonicMilliseconds {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000 + UInt64(ts.tv_nsec) / 1_000_000
    }
}
