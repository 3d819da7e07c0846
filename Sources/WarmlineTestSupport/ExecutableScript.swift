import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small program a test writes and then runs (a wrapper, a slow stand-in for a tool).
public enum ExecutableScript {
    /// Writes `text` to `path` as an executable (0755), through a close-on-exec descriptor that is closed before it returns.
    ///
    /// Foundation's atomic write opens its temporary file without `O_CLOEXEC`: a child another test starts meanwhile
    /// inherits the write descriptor, and running the script then fails with "Text file busy" for that child's life.
    public static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            written += count
        }
        guard fchmod(fd, 0o755) == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
    }
}
