import Foundation
import WarmlineStore

/// The full-disk drill: a child process caps its own file size (`RLIMIT_FSIZE`), logs more than fits,
/// reports the fault the writer shows, lifts the cap and reports that every event was written.
public enum FileSizeLimitDrill {
    /// Event type the drill writes (not a production event).
    public static let eventType = "test.fsize"

    /// Child side: prints `fault <name> held <n>` once the writer reports the fault, then `acknowledged <n>` after the cap is lifted.
    /// Exits 0 on success, 3 if no fault was seen, 4 if the held events were not written after the cap was lifted.
    public static func runChild(databasePath: String, limitBytes: Int, events: Int) -> Never {
        // Past the limit the kernel sends SIGXFSZ (fatal by default); ignored, write() fails with EFBIG instead.
        signal(SIGXFSZ, SIG_IGN)
        var limit = rlimit()
        getrlimit(RLIMIT_FSIZE_RESOURCE, &limit)
        let hardLimit = limit.rlim_max
        limit.rlim_cur = rlim_t(limitBytes)
        setrlimit(RLIMIT_FSIZE_RESOURCE, &limit)

        var options = EventWriter.Options()
        options.maxBackoffMs = 50
        let writer = EventWriter(path: databasePath, options: options)
        let padding = String(repeating: "x", count: 300)
        for index in 0..<events {
            writer.enqueue(callID: "fsize", frameTime: Int64(index), type: eventType, payload: "{\"n\":\(index + 1),\"pad\":\"\(padding)\"}")
        }
        let deadline = Date().addingTimeInterval(20)
        while writer.status.fault == nil && writer.acknowledgedSequence < UInt64(events) && Date() < deadline { usleep(2_000) }
        let status = writer.status
        guard let fault = status.fault else {
            print("no fault: acknowledged \(status.acknowledgedSequence)")
            exit(3)
        }
        print("fault \(fault.name) held \(status.pendingCount)")
        limit.rlim_cur = hardLimit
        setrlimit(RLIMIT_FSIZE_RESOURCE, &limit)
        let flushed = writer.flush(timeoutMs: 20_000)
        print("acknowledged \(writer.acknowledgedSequence)")
        writer.close()
        exit(flushed ? 0 : 4)
    }
}

#if canImport(Glibc)
import Glibc
// swift-format-ignore: AlwaysUseLowerCamelCase
// named for the C constant it stands for
private let RLIMIT_FSIZE_RESOURCE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
#else
// swift-format-ignore: AlwaysUseLowerCamelCase
private let RLIMIT_FSIZE_RESOURCE = RLIMIT_FSIZE
#endif
