import Foundation
import ServiceLifecycle
import Synchronization
import WarmlineBoard
import WarmlineSpeech
import WarmlineStore

/// Runs blocking work (a thread join, a flush, a worker's exit) on a thread of its own while the calling task is
/// suspended, so no thread of the concurrency pool waits.
func onOwnThread(_ name: String, _ work: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let thread = Thread {
            work()
            continuation.resume()
        }
        thread.name = name
        thread.start()
    }
}

/// The store writer in the unit's service group: started first, so it is shut down last, after every line has
/// written the end of its call; then the log is flushed and closed.
struct EventWriterService: Service {
    let writer: EventWriter

    func run() async throws {
        try? await gracefulShutdown()
        let writer = writer
        await onOwnThread("warmline-shutdown") {
            _ = writer.flush(timeoutMs: 5_000)
            writer.close()
        }
    }
}

/// The shared recogniser worker: stopped after the lines (they may still ask it during their last period).
struct RecognizerService: Service {
    let recognizer: Recognizer

    func run() async throws {
        try? await gracefulShutdown()
        let recognizer = recognizer
        await onOwnThread("warmline-recognizer-stop") { recognizer.stop() }
    }
}

/// The control socket (`warmline status`): started last, so it stops first; a socket another service holds leaves
/// this one without it (the lines are still served) and says so.
struct ControlService: Service {
    let server: ControlServer
    let transcript: @Sendable (String) -> Void
    /// Resumed once the socket listens or has failed to (start-up waits for it, so status answers from READY on).
    let started: StartupGatePart

    func run() async throws {
        do {
            try server.start()
            transcript("unit: control socket \(server.path) (warmline status)")
            started.arrive()
        } catch {
            transcript("unit: WARNING: \(error): `warmline status` cannot reach this service; the lines are served")
            started.arrive()
            try? await gracefulShutdown()
            return
        }
        try? await gracefulShutdown()
        await server.close()
    }
}

/// One line in the unit's service group: connects its board (a missing board is retried with back-off while the other
/// lines run: 1, 2, 4 ... 60 s), starts the line's thread, and on graceful shutdown ends the call in progress, releases
/// the line to bypass and closes the link.
struct LineService: Service {
    let line: LineConfig
    let unit: UnitRunner
    let status: LineStatusCell
    /// Resumed once the first attempt to bring the line up is over (up, or missing and retrying).
    let started: StartupGatePart
    /// Back-off between attempts to open a missing board, doubled each time up to the last.
    static let retrySeconds = [1, 2, 4, 8, 16, 32, 60]

    func run() async throws {
        var attempt = 0
        var lastProblem: String?
        var link: BoardLink
        var info: BoardInfo
        while true {
            link = BoardLink(config: line.boardConfig)
            do {
                info = try await link.connect()
                break
            } catch {
                link.close()
                let delay = Self.retrySeconds[min(attempt, Self.retrySeconds.count - 1)]
                attempt += 1
                let problem = BoardProblem.describe(error, device: line.serialDevice)
                status.update {
                    $0.board.state = .missing
                    $0.board.problem = problem
                    $0.board.retryInSeconds = delay
                    $0.board.retryAtMs = LineRunner.nowMs() + Int64(delay) * 1000
                    $0.relay = .unknown
                    $0.lastFault = "\(line.serialDevice): \(problem)"
                    $0.lastFaultAtMs = LineRunner.nowMs()
                }
                if problem != lastProblem || delay >= 60 {
                    unit.say(line: line.number, "board \(line.serialDevice): \(problem); retrying in \(delay) s (the other lines are served)")
                }
                lastProblem = problem
                started.arrive()
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
                } catch {
                    return  // shut down while the board was missing: nothing to release
                }
                status.update {
                    $0.board.state = .connecting
                    $0.board.retryInSeconds = nil
                    $0.board.retryAtMs = nil
                }
            }
        }
        let runner = await unit.bringUp(line, link: link, info: info, status: status, afterMissing: lastProblem != nil)
        started.arrive()
        try? await gracefulShutdown()
        await runner.stop()
        link.close()
    }
}

/// Counts the parts start-up waits for; `wait()` suspends until each has arrived once.
final class StartupGate: Sendable {
    private struct State {
        var remaining: Int
        var arrived: Set<Int> = []
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(parts: Int) { state = Mutex(State(remaining: parts)) }

    /// A part for `arrive()`: each counts once, however often it arrives.
    func part(_ index: Int) -> StartupGatePart { StartupGatePart(gate: self, index: index) }

    fileprivate func arrive(_ index: Int) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard state.arrived.insert(index).inserted else { return [] }
            state.remaining -= 1
            guard state.remaining <= 0 else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until every part has arrived.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock {
                if $0.remaining <= 0 { return true }
                $0.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// One part of a `StartupGate`.
struct StartupGatePart: Sendable {
    let gate: StartupGate
    let index: Int

    /// This part is up (or has given its first answer); later calls do nothing.
    func arrive() { gate.arrive(index) }
}

/// What a technician reads about a board that cannot be reached, with what to do.
enum BoardProblem {
    static func describe(_ error: any Error, device: String) -> String {
        guard let error = error as? BoardError else { return "\(error)" }
        switch error {
        case .cannotOpen(_, let reason):
            let lower = reason.lowercased()
            if lower.contains("no such file") || lower.contains("no such device") {
                return "no such device — check the USB cable and serial_device in the config (`ls -l /dev/serial/by-id/`)"
            }
            if lower.contains("permission denied") {
                return "permission denied — the service user must be in group dialout"
            }
            return "\(reason) — check the cable and serial_device in the config"
        case .portBusy(_, let pid):
            return "held by another process" + (pid.map { " (pid \($0))" } ?? "") + " — stop the other warmline or fix serial_device"
        case .noAcknowledgement:
            return "the board does not answer HELLO — check that it is powered and the cable is the board's"
        case .protocolMismatch:
            return "\(error)"
        case .linkDown:
            return "gone during HELLO — check the USB cable"
        case .refused(_, let reason):
            return "refused HELLO: \(reason)"
        case .closed:
            return "link closed"
        }
    }
}
