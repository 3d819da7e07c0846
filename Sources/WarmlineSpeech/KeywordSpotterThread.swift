import Dispatch
import Foundation
import Synchronization

/// A line's keyword spotter on its own thread, so a slow decode (the confirmation pass can take a second on a loaded
/// CPU) never holds up the audio loop and its heartbeats. The loop submits each period and collects hits later;
/// a file-fed call waits for the spotter to catch up each period (`waitUntilIdle`), which gives the same hits at the
/// same frames as a synchronous spotter. `stop()` ends the thread and waits for it (the line calls it at shutdown).
public final class KeywordSpotterThread: Sendable {
    /// One period of line audio, or (`callStart`) the start of a new call before the periods that follow.
    private typealias Period = (samples: [Int16], isSpeech: Bool, keyTone: Bool, patient: Bool, callStart: Bool)

    private struct State {
        var queue: [Period] = []
        var hits: [SpottedKeyword] = []
        var turnedDown: [SpottedKeyword] = []
        var busy = false
        var flushRequested = false
        /// Call starts queued and not yet reached: what the thread decides meanwhile belongs to a call that is over.
        var callStartsQueued = 0
        var stopRequested = false
        var ended = false
        var submitted = 0
        var dropped = 0
        /// The thread sleeps on `work` until a submit, a flush or a stop wakes it.
        var threadSleeping = false
        /// Callers of `waitUntilIdle` sleeping on `idle`.
        var idleWaiters = 0
    }

    private enum Step {
        case process(Period)
        case flush
        case sleep
        case exit
    }

    /// The spotter (not Sendable), handed over at init: only the thread this class starts locks it, so the lock is
    /// never contended; it lets the compiler check that nothing else reaches the spotter.
    private let spotter: Mutex<KeywordSpotter>
    private let state = Mutex(State())
    private let work = DispatchSemaphore(value: 0)
    private let idle = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    /// Most periods queued before new audio is dropped (the loop never waits in real time).
    public let capacityPeriods: Int
    /// The language whose keywords it spots.
    public let language: String
    /// The recogniser behind the second pass, if any.
    public let recognizer: Recognizer?

    /// Starts the thread over `spotter`.
    public init(spotter: sending KeywordSpotter, capacityPeriods: Int = 250) {
        language = spotter.keywords.language
        recognizer = spotter.recognizer
        self.spotter = Mutex(spotter)
        self.capacityPeriods = capacityPeriods
        let thread = Thread { [self] in
            run()
            state.withLock { $0.ended = true }
            exited.signal()
        }
        thread.name = "warmline-keywords"
        thread.start()
    }

    /// Frames of line audio accepted so far (a hit's frames minus this value at the answer are call frames).
    public var submittedFrames: Int { state.withLock { $0.submitted } }

    /// Periods dropped because the spotter fell behind.
    public var droppedPeriods: Int { state.withLock { $0.dropped } }

    /// Whether `stop()` has been called (the thread is ending or has ended; submits are refused).
    public var isStopped: Bool { state.withLock { $0.stopRequested } }

    /// Whether the thread's loop has returned (tests: `stop()` waits for it).
    var hasEnded: Bool { state.withLock { $0.ended } }

    /// Queues one period with the VAD's decision (and whether a DTMF key sounds in it); false when the queue was
    /// full and it was dropped, or the thread is stopped. `patient`: a file-fed call, whose transcripts are waited
    /// for (see `KeywordSpotter.patient`).
    @discardableResult
    public func submit(_ samples: [Int16], isSpeech: Bool, keyTone: Bool = false, patient: Bool = false) -> Bool {
        let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopRequested else { return (false, false) }
            guard state.queue.count < capacityPeriods else {
                state.dropped += 1
                return (false, false)
            }
            state.queue.append((samples, isSpeech, keyTone, patient, false))
            state.submitted += samples.count
            return (true, Self.takeSleeper(&state))
        }
        if wake { work.signal() }
        return accepted
    }

    /// A new call starts on the line: queued after the last call's periods, it ends what that call left open without a
    /// decision and forgets its caller's level (`KeywordSpotter.startCall()`); hits and turned-down candidates of the
    /// last call not yet collected are dropped, so none reaches the new call.
    public func startCall() {
        let wake = state.withLock { state -> Bool in
            guard !state.stopRequested else { return false }
            state.queue.append(([], false, false, false, true))
            state.callStartsQueued += 1
            state.hits.removeAll()
            state.turnedDown.removeAll()
            return Self.takeSleeper(&state)
        }
        if wake { work.signal() }
    }

    /// Asks the spotter to end the open utterance (call over); its last hits come through `collect()`.
    public func flush() {
        let wake = state.withLock { state -> Bool in
            guard !state.stopRequested else { return false }
            state.flushRequested = true
            return Self.takeSleeper(&state)
        }
        if wake { work.signal() }
    }

    /// Ends the thread (periods still queued are not decoded) and waits until it has ended; calling it again, from
    /// any thread, waits for the same end and returns.
    public func stop() {
        let wake = state.withLock { state -> Bool in
            state.stopRequested = true
            return Self.takeSleeper(&state)
        }
        if wake { work.signal() }
        wakeIdleWaiters()
        // One signal at the thread's end; each caller passes it on, so every caller of stop() returns.
        exited.wait()
        exited.signal()
    }

    /// Hits decided so far, oldest first, removed from the thread.
    public func collect() -> [SpottedKeyword] {
        state.withLock { state in
            let all = state.hits
            state.hits.removeAll()
            return all
        }
    }

    /// Candidates the second pass turned down since the last call (with the transcript and why), oldest first.
    public func collectRejected() -> [SpottedKeyword] {
        state.withLock { state in
            let all = state.turnedDown
            state.turnedDown.removeAll()
            return all
        }
    }

    /// Waits until everything submitted has been decoded (or the thread is stopped), calling `tick` every 20 ms
    /// meanwhile (heartbeats).
    public func waitUntilIdle(tick: () -> Void) {
        let working = { (state: State) in
            !state.stopRequested && (!state.queue.isEmpty || state.busy || state.flushRequested)
        }
        guard state.withLock({ state -> Bool in
            guard working(state) else { return false }
            state.idleWaiters += 1
            return true
        }) else { return }
        while true {
            if idle.wait(timeout: .now() + .milliseconds(20)) == .timedOut { tick() }
            let done = state.withLock { state -> Bool in
                guard !working(state) else { return false }
                state.idleWaiters -= 1
                return true
            }
            if done { return }
        }
    }

    /// Marks the sleeping thread as woken; true when the caller must signal `work`.
    private static func takeSleeper(_ state: inout State) -> Bool {
        guard state.threadSleeping else { return false }
        state.threadSleeping = false
        return true
    }

    private func wakeIdleWaiters() {
        let waiters = state.withLock { $0.idleWaiters }
        for _ in 0..<waiters { idle.signal() }
    }

    private func run() {
        while true {
            let step = state.withLock { state -> Step in
                if state.stopRequested { return .exit }
                if !state.queue.isEmpty {
                    state.busy = true
                    return .process(state.queue.removeFirst())
                }
                if state.flushRequested {
                    state.busy = true
                    return .flush
                }
                state.threadSleeping = true
                return .sleep
            }
            switch step {
            case .exit:
                return
            case .sleep:
                work.wait()
                continue
            case .process, .flush:
                break
            }
            let (found, rejected) = spotter.withLock { spotter in
                var found: [SpottedKeyword] = []
                switch step {
                case .process(let next) where next.callStart:
                    spotter.startCall()
                case .process(let next):
                    spotter.patient = next.patient
                    found = spotter.process(next.samples, isSpeech: next.isSpeech, keyTone: next.keyTone)
                case .flush:
                    found = spotter.flush()
                case .exit, .sleep:
                    break
                }
                defer { spotter.rejected.removeAll() }
                return (found, spotter.rejected)
            }
            let flushed: Bool
            if case .flush = step { flushed = true } else { flushed = false }
            state.withLock { state in
                if case .process(let period) = step, period.callStart { state.callStartsQueued -= 1 }
                // decided from the audio of a call that is over: the new call must not act on it
                if state.callStartsQueued == 0 {
                    state.hits += found
                    // kept for the log; bounded so a line nobody collects from cannot grow
                    state.turnedDown = Array((state.turnedDown + rejected).suffix(64))
                }
                state.busy = false
                if flushed { state.flushRequested = false }
            }
            wakeIdleWaiters()
        }
    }
}
