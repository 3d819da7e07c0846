import Foundation
import Glibc
import Logging

/// The transcript `warmline run` and `demo` print, through swift-log: each line carries its line number, call id and
/// event as metadata; on the console the text is unchanged, under systemd each line is a journal entry with fields.
public enum TranscriptLog {
    /// Metadata key: the board line number.
    public static let lineKey = "line"
    /// Metadata key: the call id (absent while the line is idle).
    public static let callIDKey = "call_id"
    /// Metadata key: the event type of a decision the line logged (absent for other transcript lines).
    public static let eventKey = "event"

    /// A logger for one line: the journal when `environment` says stdout is the journal (`JOURNAL_STREAM`) and its
    /// socket takes datagrams, else `sink` (the console, or a test's capture) with the text unchanged.
    public static func logger(line: Int, sink: @escaping @Sendable (String) -> Void,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> Logger {
        let journal = JournalLogHandler.forStandardOutput(environment: environment, fallback: sink)
        var logger = Logger(label: "warmline.line\(line)") { _ in journal.map { $0 as LogHandler } ?? TranscriptLogHandler(sink: sink) }
        logger[metadataKey: lineKey] = "\(line)"
        return logger
    }
}

/// Writes each message as one transcript line through a sink; metadata stays out of the text (it is in the line).
public struct TranscriptLogHandler: LogHandler {
    /// Where the lines go.
    public let sink: @Sendable (String) -> Void
    /// Metadata every message carries (the line number).
    public var metadata: Logger.Metadata = [:]
    /// Everything from `info` up is transcript.
    public var logLevel: Logger.Level = .info
    /// No task-local metadata.
    public var metadataProvider: Logger.MetadataProvider?

    /// Makes a handler writing to `sink`.
    public init(sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    /// Writes the message text as it is.
    public func log(event: LogEvent) { sink(event.message.description) }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}

/// systemd-journald's native protocol over its datagram socket: each message is one entry with `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER` and the metadata as upper-case fields (`LINE`, `CALL_ID`, `EVENT`).
public struct JournalLogHandler: LogHandler {
    /// journald's socket for native entries.
    public static let defaultSocketPath = "/run/systemd/journal/socket"

    /// The socket the entries go to.
    public let socketPath: String
    /// Where a message goes when the journal does not take it (nothing is lost).
    public let fallback: @Sendable (String) -> Void
    /// Metadata every message carries (the line number).
    public var metadata: Logger.Metadata = [:]
    /// Everything from `info` up is transcript.
    public var logLevel: Logger.Level = .info
    /// No task-local metadata.
    public var metadataProvider: Logger.MetadataProvider?
    private let socket: JournalSocket

    /// Makes a handler sending to `socketPath`; nil when no datagram socket can be made.
    public init?(socketPath: String = JournalLogHandler.defaultSocketPath, fallback: @escaping @Sendable (String) -> Void) {
        guard let socket = JournalSocket(path: socketPath) else { return nil }
        self.socketPath = socketPath
        self.fallback = fallback
        self.socket = socket
    }

    /// The journal handler when `JOURNAL_STREAM` names the device and inode of this process's stdout (systemd sets it
    /// when stdout is the journal) and the socket exists; nil otherwise (a terminal, a pipe, a test).
    public static func forStandardOutput(environment: [String: String], fallback: @escaping @Sendable (String) -> Void,
                                         socketPath: String = defaultSocketPath) -> JournalLogHandler? {
        guard let stream = environment["JOURNAL_STREAM"], stream == standardOutputIdentity(),
              FileManager.default.fileExists(atPath: socketPath) else { return nil }
        return JournalLogHandler(socketPath: socketPath, fallback: fallback)
    }

    /// `device:inode` of stdout, as systemd writes `JOURNAL_STREAM`.
    static func standardOutputIdentity() -> String? {
        var info = stat()
        guard fstat(STDOUT_FILENO, &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino)"
    }

    /// Sends one entry; a message the socket refuses goes to the fallback.
    public func log(event: LogEvent) {
        var fields: [(String, String)] = [("MESSAGE", event.message.description),
                                          ("PRIORITY", "\(JournalLogHandler.priority(event.level))"),
                                          ("SYSLOG_IDENTIFIER", "warmline")]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            guard let name = JournalLogHandler.fieldName(key), let value = merged[key] else { continue }
            fields.append((name, value.description))
        }
        if !socket.send(JournalLogHandler.encode(fields)) { fallback(event.message.description) }
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// syslog priority of a swift-log level.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key (`call_id` → `CALL_ID`): upper-case letters, digits and `_`, not starting
    /// with `_` or a digit (journald drops such names); nil when nothing is left.
    static func fieldName(_ key: String) -> String? {
        let name = String(key.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }.drop { $0 == "_" || $0.isNumber })
        return name.isEmpty ? nil : String(name.prefix(64))
    }

    /// The native protocol: `NAME=value\n`, or for a value with a newline `NAME\n`, its length (64-bit little endian),
    /// the bytes and `\n`.
    static func encode(_ fields: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (name, value) in fields {
            let valueBytes = Array(value.utf8)
            bytes += Array(name.utf8)
            if valueBytes.contains(UInt8(ascii: "\n")) {
                bytes.append(UInt8(ascii: "\n"))
                withUnsafeBytes(of: UInt64(valueBytes.count).littleEndian) { bytes += $0 }
            } else {
                bytes.append(UInt8(ascii: "="))
            }
            bytes += valueBytes
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}

/// One datagram socket aimed at the journal, shared by every copy of the handler (sendto is safe from any thread).
final class JournalSocket: Sendable {
    private let fd: Int32
    private let address: sockaddr_un
    private let length: socklen_t

    init?(path: String) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard !pathBytes.isEmpty, pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.address = address
        self.length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2) + pathBytes.count + 1)
    }

    deinit { close(fd) }

    /// True when the whole entry went out.
    func send(_ bytes: [UInt8]) -> Bool {
        var address = address
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length) }
            }
        }
        return sent == bytes.count
    }
}
