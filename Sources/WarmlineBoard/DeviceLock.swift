import Glibc

/// Exclusive `flock` locks on the devices and files a running service holds, and who holds one, read without opening.
///
/// The service locks every serial port it opens (and its control socket's lock file), so a second `warmline run`, or a
/// `warmline doctor` run beside the service, sees the port is taken and never sends a HELLO or a relay command on it.
public enum DeviceLock {
    /// Takes an exclusive, non-blocking lock on an open descriptor; the pid holding it when another process does.
    static func lock(_ fd: Int32, path: String) -> Result<Void, BoardError> {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return .success(()) }
        let code = errno
        if code == EWOULDBLOCK { return .failure(.portBusy(device: path, holderPID: holder(of: path))) }
        return .failure(.cannotOpen(device: path, reason: "cannot lock it (\(String(cString: strerror(code))))"))
    }

    /// The process holding a `flock` on `path` (from `/proc/locks`, matched by device and inode), or nil when none does.
    /// Reads only: the file itself is not opened, so a port the service holds is left exactly as it is.
    public static func holder(of path: String, locksFile: String = "/proc/locks") -> Int32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let device = UInt64(info.st_dev)
        // glibc's gnu_dev_major and gnu_dev_minor
        let major = (device >> 8) & 0xfff | ((device >> 32) & ~UInt64(0xfff))
        let minor = (device & 0xff) | ((device >> 12) & ~UInt64(0xff))
        let wanted = format2(major) + ":" + format2(minor) + ":" + String(info.st_ino)
        guard let text = readFile(locksFile) else { return nil }
        for line in text.split(separator: "\n") {
            // "1: FLOCK  ADVISORY  WRITE 1234 00:05:123 0 EOF" (a blocked waiter's line has "->" after the number)
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", !fields.contains("->") else { continue }
            if fields[5] == wanted, let pid = Int32(fields[4]) { return pid }
        }
        return nil
    }

    /// A number as /proc/locks prints a device's major or minor: two hex digits at least.
    private static func format2(_ value: UInt64) -> String {
        let hex = String(value, radix: 16)
        return hex.count < 2 ? "0" + hex : hex
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
