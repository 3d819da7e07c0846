import Glibc

/// A self-pipe that wakes the port owner's `poll`: any thread may signal it, without blocking and without a lock.
///
/// Its descriptors live as long as the object, so a late `signal()` never writes into a reused descriptor.
final class WakePipe: Sendable {
    /// Polled by the port owner (-1 if the pipe could not be made: the owner then polls on a short timeout).
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Wakes the owner; a full pipe already holds a wake-up, so a failed write loses nothing.
    func signal() {
        guard writeFD >= 0 else { return }
        var byte: UInt8 = 1
        _ = Glibc.write(writeFD, &byte, 1)
    }

    /// Empties the pipe after a wake-up.
    func drain() {
        guard readFD >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ Glibc.read(readFD, $0.baseAddress, $0.count) }) > 0 {}
    }

    deinit {
        if readFD >= 0 { Glibc.close(readFD) }
        if writeFD >= 0 { Glibc.close(writeFD) }
    }
}
