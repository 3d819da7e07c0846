import Foundation
import Logging
import Synchronization
import Testing
@testable import WarmlineUnit

#if canImport(Glibc)
import Glibc
#endif

/// The journal's native protocol decoded back into fields, as journald reads a datagram.
private func journalFields(_ bytes: [UInt8]) -> [String: String] {
    var fields: [String: String] = [:]
    var index = 0
    while index < bytes.count {
        guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "=") }) else { break }
        let name = String(decoding: bytes[index..<end], as: UTF8.self)
        if bytes[end] == UInt8(ascii: "=") {
            let valueEnd = bytes[(end + 1)...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            fields[name] = String(decoding: bytes[(end + 1)..<valueEnd], as: UTF8.self)
            index = valueEnd + 1
        } else {
            var length: UInt64 = 0
            for (shift, byte) in bytes[(end + 1)..<(end + 9)].enumerated() { length |= UInt64(byte) << (8 * UInt64(shift)) }
            let start = end + 9
            fields[name] = String(decoding: bytes[start..<(start + Int(length))], as: UTF8.self)
            index = start + Int(length) + 1
        }
    }
    return fields
}

extension NotifySocket {
    /// The next datagram's bytes, nil on timeout.
    func receiveBytes() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : Array(buffer[..<count])
    }
}

/// Lines a sink received.
private final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite("Transcript log")
struct TranscriptLogTests {
    @Test("On a console the transcript line is written as it is, the metadata kept out of the text")
    func consoleUnchanged() {
        let lines = Lines()
        let logger = TranscriptLog.logger(line: 2, sink: { lines.append($0) }, environment: [:])
        logger.info("L2   0:01.500  decision: handoff_started  kind=asked", metadata: [TranscriptLog.callIDKey: "L2-1", TranscriptLog.eventKey: "handoff.started"])
        #expect(lines.all == ["L2   0:01.500  decision: handoff_started  kind=asked"])
        #expect(logger[metadataKey: TranscriptLog.lineKey] == "2")
    }

    @Test("To a fake journald socket each line is one native entry with MESSAGE, PRIORITY, LINE, CALL_ID and EVENT")
    func journalFieldsArrive() throws {
        let scratch = try ScratchDirectory("journal")
        defer { scratch.cleanUp() }
        let fakeJournal = try NotifySocket(scratch.file("journal.sock"))  // a fake: real journald is not available in tests
        let lines = Lines()
        var logger = Logger(label: "test") { _ in JournalLogHandler(socketPath: fakeJournal.name, fallback: { lines.append($0) })! }
        logger[metadataKey: TranscriptLog.lineKey] = "3"
        logger.info("L3   0:07.020  decision: distress_handoff", metadata: [TranscriptLog.callIDKey: "L3-1795683600000-77",
                                                                            TranscriptLog.eventKey: "distress.handoff"])
        let fields = journalFields(try #require(fakeJournal.receiveBytes()))
        #expect(fields["MESSAGE"] == "L3   0:07.020  decision: distress_handoff")
        #expect(fields["PRIORITY"] == "6")
        #expect(fields["SYSLOG_IDENTIFIER"] == "warmline")
        #expect(fields["LINE"] == "3")
        #expect(fields["CALL_ID"] == "L3-1795683600000-77")
        #expect(fields["EVENT"] == "distress.handoff")
        #expect(lines.all.isEmpty, "the journal took the entry: nothing goes to the fallback")
    }

    @Test("A message with a line break is sent length-prefixed and arrives whole; a warning has priority 4")
    func binaryField() throws {
        let scratch = try ScratchDirectory("journal-binary")
        defer { scratch.cleanUp() }
        let fakeJournal = try NotifySocket(scratch.file("journal.sock"))
        let logger = Logger(label: "test") { _ in JournalLogHandler(socketPath: fakeJournal.name, fallback: { _ in })! }
        logger.warning("caller said:\n'help me'", metadata: ["call id": "L1-5"])
        let fields = journalFields(try #require(fakeJournal.receiveBytes()))
        #expect(fields["MESSAGE"] == "caller said:\n'help me'")
        #expect(fields["PRIORITY"] == "4")
        #expect(fields["CALL_ID"] == "L1-5")
    }

    @Test("When the journal socket is gone the line goes to the fallback, never lost")
    func fallback() throws {
        let scratch = try ScratchDirectory("journal-gone")
        defer { scratch.cleanUp() }
        let lines = Lines()
        let logger = Logger(label: "test") { _ in
            JournalLogHandler(socketPath: scratch.file("no-such.sock"), fallback: { lines.append($0) })!
        }
        logger.info("L1           ring 1")
        #expect(lines.all == ["L1           ring 1"])
    }

    @Test("The journal is used only when JOURNAL_STREAM names this process's stdout and the socket exists")
    func selection() throws {
        let scratch = try ScratchDirectory("journal-select")
        defer { scratch.cleanUp() }
        let fakeJournal = try NotifySocket(scratch.file("journal.sock"))
        let identity = try #require(JournalLogHandler.standardOutputIdentity())
        #expect(JournalLogHandler.forStandardOutput(environment: [:], fallback: { _ in }, socketPath: fakeJournal.name) == nil)
        #expect(JournalLogHandler.forStandardOutput(environment: ["JOURNAL_STREAM": "1:2"], fallback: { _ in },
                                                    socketPath: fakeJournal.name) == nil)
        #expect(JournalLogHandler.forStandardOutput(environment: ["JOURNAL_STREAM": identity], fallback: { _ in },
                                                    socketPath: scratch.file("missing.sock")) == nil)
        #expect(JournalLogHandler.forStandardOutput(environment: ["JOURNAL_STREAM": identity], fallback: { _ in },
                                                    socketPath: fakeJournal.name) != nil)
    }

    @Test("Metadata keys become journal field names journald keeps")
    func fieldNames() {
        #expect(JournalLogHandler.fieldName("call_id") == "CALL_ID")
        #expect(JournalLogHandler.fieldName("_private") == "PRIVATE")
        #expect(JournalLogHandler.fieldName("9line") == "LINE")
        #expect(JournalLogHandler.fieldName("___") == nil)
    }
}
