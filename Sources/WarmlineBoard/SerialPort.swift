import Glibc

/// A serial device opened raw with termios (8N1, no flow control, no echo), non-blocking.
struct SerialPort: Sendable {
    let fd: Int32

    static func open(path: String, baudRate: Int) throws(BoardError) -> SerialPort {
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw .cannotOpen(device: path, reason: String(cString: strerror(errno))) }
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

    /// Writes all bytes, waiting briefly when the device buffer is full; false if the device is gone.
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 10)
            } else {
                return false
            }
        }
        return true
    }

    /// Waits up to `timeoutMs` for input; returns the bytes read, [] on timeout, nil when the device is gone.
    func read(timeoutMs: Int32) -> [UInt8]? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, timeoutMs)
        if ready <= 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n > 0 { return Array(buffer[0..<n]) }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return [] }
        return nil
    }

    func close() {
        Glibc.close(fd)
    }
}
