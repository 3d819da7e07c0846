import Foundation
import Testing
import WarmlineSimulation
import WarmlineStore
import WarmlineTestScheduling
import WarmlineUnit

/// End-to-end suites in two lanes: each lane runs its suites one at a time, and the two lanes run beside each other.
/// Most of an end-to-end test's wall time is spent waiting on emulated boards, child processes and the network's real
/// timers, so two lanes keep two cores busy where one lane left them waiting. Every test has its own scratch directory,
/// emulators and control socket; the one shared thing, the prompt cache, is written by atomic rename (PromptRenderer),
/// so two lanes may render into it at once. This lane holds the in-process demo sessions (a file-fed loop waits on the
/// spotter and the recogniser, so it wants the CPU it is given) and the crash tests, whose SIGKILL-to-bypass bound is
/// wall-clock time: the speech-heavy demo callers, the fault drills and the crashes come last, when the other lane is
/// done. The second lane holds the day-pass session and the `warmline` children of the deployment, the runtime service
/// and the sixteen lines. (Suites run in a lane in the order of their type names.) Both lanes are the run's critical
/// path, so they run on the pool of their own priority (`.criticalPath`).
@Suite("End to end", .serialized, .criticalPath)
enum EndToEnd {}

/// The second end-to-end lane (see `EndToEnd`): day passes, the technician's deployment and the `warmline run` children.
@Suite("End to end, second lane", .serialized, .criticalPath)
enum EndToEndSecondLane {}

/// Paths, binaries and store queries the end-to-end tests share: the real emulator, prompts, warmline and SQLite.
enum EndToEndRig {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let promptsDirectory = repository + "/Prompts"
    static let emulatorBinary = repository + "/Firmware/build/host/warmline-emulator"
    /// One prompt cache per test run: prompts are rendered once, not per test.
    static let promptCache = NSTemporaryDirectory() + "warmline-e2e-\(getpid())/prompt-cache"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Builds (make is incremental) the firmware emulator once per run.
    static let emulatorBuilt: Result<String, Failure> = {
        signal(SIGPIPE, SIG_IGN)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["make", "-s", "-C", repository + "/Firmware", "emulator"]
        make.standardOutput = FileHandle.nullDevice
        let ran = (try? make.run()) != nil
        // isRunning polling, not waitUntilExit(): the latter can hang on a Swift concurrency thread on Linux.
        while ran && make.isRunning { usleep(10_000) }
        guard FileManager.default.isExecutableFile(atPath: emulatorBinary) else {
            return .failure(Failure(description: "`make -C Firmware emulator` failed; the end-to-end tests need \(emulatorBinary)"))
        }
        return .success(emulatorBinary)
    }()

    /// A fresh scratch directory for one test.
    static func scratch(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "warmline-e2e-\(getpid())/\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The emulated boards' watchdog in call-flow tests (the watchdog's own 1.5 s is the unit-crash and fault-drill
    /// tests' subject, on the firmware's timing): long enough that a stalled test machine never takes a call mid-flow.
    static let callFlowWatchdogMs = 10_000

    /// Session options in a fresh scratch directory, sharing the run's prompt cache.
    static func options(_ name: String, speech: Bool = false) throws -> DemoSession.Options {
        var options = DemoSession.Options(workDirectory: try scratch(name), emulatorBinary: try emulatorBuilt.get(),
                                          promptsDirectory: promptsDirectory)
        options.promptCacheDirectory = promptCache
        options.speechEnabled = speech
        options.boardWatchdogMs = callFlowWatchdogMs
        return options
    }

    /// The `warmline` binary built next to the test bundle (`swift build --build-tests` builds it).
    static func warmlineBinary() throws -> String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = ((testBinary as NSString).deletingLastPathComponent as NSString).appendingPathComponent("warmline")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "\(path) is missing: build it with `swift build --build-tests` (or `swift build --product warmline`)")
        }
        return path
    }

    /// Events of `type` for `callID` in the database at `path`.
    static func events(_ path: String, callID: String? = nil, type: String? = nil) throws -> [EventRecord] {
        try StoreDatabase(readingAt: path).events(matching: EventFilter(callID: callID, type: type))
    }

    /// Day passes granted to `msisdn` (each grant writes one outbox entry in the same transaction).
    static func dayPassCount(_ path: String, msisdn: String) throws -> Int {
        try StoreDatabase(readingAt: path).pendingOutbox().filter { $0.payload.contains("\"msisdn\":\"\(msisdn)\"") }.count
    }
}

/// A transcript collected in memory (tests assert on it and show it when they fail).
final class TranscriptLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}
