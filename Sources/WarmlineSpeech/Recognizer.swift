import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Moonshine base-en in one `warmline-recognizer` worker process shared by every line: utterances in, transcripts out.
///
/// One supervisor thread owns the worker: it starts it, sends it one utterance at a time from a bounded queue, answers
/// each caller by its deadline, restarts the worker when it dies, hangs or outgrows its memory limit, and reports
/// `.unavailable` with the reason when there is no model. A caller's thread never waits longer than its timeout; any
/// outcome but `.transcript` means the line goes on with PocketSphinx alone.
public final class Recognizer: Sendable {
    /// How the recogniser runs.
    public struct Configuration: Sendable {
        /// The model and its libraries.
        public var model: RecognizerModel
        /// The worker executable.
        public var workerPath: String
        /// How long a caller waits for a transcript unless it says otherwise.
        public var timeoutMs = 3000
        /// Utterances waiting for the worker at most (beyond these a request is answered `.busy` at once).
        public var queueCapacity = 8
        /// Resident memory above which the worker is replaced after an answer: libmoonshine 0.1.4 leaks ~30-40 MB per
        /// transcript (measured with the wheel's own Python binding too), from ~430 MB after load. 800 keeps the worker's
        /// peak (this plus one decode's arena) and the line process together under 1 GB; a replacement costs ~1.5 s in
        /// which sentences queue.
        public var maxResidentMB = 800
        /// A worker within this many MB of `maxResidentMB` is replaced once the recogniser has been idle for
        /// `idleReplaceAfterMs`, so the ~1 s reload falls between callers' sentences rather than in front of one (0: off).
        public var idleReplaceMarginMB = 150
        /// Quiet time after the last answer before an idle replacement (milliseconds).
        public var idleReplaceAfterMs = 1500
        /// Longest model load before the worker is taken as hung.
        public var startTimeoutMs = 30_000
        /// Longest decode before the worker is taken as hung and replaced.
        public var hangLimitMs = 15_000
        /// The worker's share of one core over time (percent; 0: no limit, the default here; a unit sets its config's
        /// `recognizer.max_cpu_percent`, 20). Beyond it sentences are not sent and their lines decide on PocketSphinx
        /// alone: Moonshine base-en reads a second of speech in ~0.27 s of CPU, so one caller talking nonstop stays
        /// near the share while four talking at once would take ~60 % of a core.
        public var maxCPUPercent = 0
        /// CPU time (milliseconds) the share saves up while the recogniser is quiet, so a caller's first sentence after a
        /// quiet spell is always read at once, however long. Kept small: the unit's four-caller figure is measured over
        /// 14 s of talk, and every millisecond saved up is spent there on top of the share.
        public var cpuBurstMs = 1500.0
        /// The keywords file whose `matcher.verify:` phrasings the worker scores against the audio when a transcript is
        /// no request (nil: the free transcript alone).
        public var keywordsFile: String?

        /// The model found by `RecognizerModel.locate()` and the worker beside this executable, unless given.
        public init(model: RecognizerModel = .locate(), workerPath: String = Recognizer.defaultWorkerPath()) {
            self.model = model
            self.workerPath = workerPath
        }
    }

    /// The worker's name.
    public static let workerName = "warmline-recognizer"
    /// Where an installed unit keeps the worker when it is not beside the running executable.
    public static let installedWorkerPath = "/usr/lib/warmline/warmline-recognizer"

    /// `warmline-recognizer` beside the running executable (a build directory), else the installed one.
    public static func defaultWorkerPath() -> String {
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let beside = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(workerName).path
            if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        }
        return installedWorkerPath
    }

    /// The transcript a transcript, verified or unconfirmed answer carries (an unconfirmed answer's two texts split).
    static func transcript(of answer: RecognizerFrame.Answer, waitedMs: Int, audioMs: Int) -> RecognizerTranscript {
        var text = answer.text
        var unconfirmed: String?
        if answer.kind == .unconfirmed, let separator = text.firstIndex(of: RecognizerFrame.unconfirmedSeparator) {
            unconfirmed = String(text[text.index(after: separator)...]).trimmingCharacters(in: .whitespaces)
            text = String(text[..<separator])
        }
        return RecognizerTranscript(text: text.trimmingCharacters(in: .whitespaces), decodeMs: Int(answer.milliseconds), waitedMs: waitedMs,
                                    audioMs: audioMs, verified: answer.kind == .verified,
                                    unconfirmed: answer.kind == .unconfirmed ? (unconfirmed ?? "") : nil)
    }

    /// Its configuration.
    public let configuration: Configuration
    /// What callers' threads and the supervisor thread share.
    private struct Shared {
        var phase: RecognizerStatus {
            // whoever waits in `waitUntilSettled` looks again
            didSet {
                for waiter in phaseWaiters { waiter.signal() }
                phaseWaiters.removeAll()
            }
        }
        var stats = RecognizerStatistics()
        var queue: [Request] = []
        var stopping = false
        var nextID: UInt32 = 1
        var wakeFDs: [Int32] = [-1, -1]
        var budget: RecognizerBudget
        /// Threads in `waitUntilSettled`, each signalled once (and taken off) when the phase changes.
        var phaseWaiters: [DispatchSemaphore] = []

        /// Wakes the supervisor's poll (under the lock: it never writes to a descriptor the supervisor closed).
        func wakeSupervisor() {
            var byte: UInt8 = 1
            _ = write(wakeFDs[1], &byte, 1)
        }
    }
    private let shared: Mutex<Shared>
    private let clock = ContinuousClock()
    private let started = ContinuousClock.now

    /// Checks the model and the worker, then starts the worker on the supervisor thread; never blocks on the model load.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var wakeFDs: [Int32] = [-1, -1]
        var phase = RecognizerStatus.starting
        do throws(SpeechSetupError) {
            try configuration.model.validateFiles()
            guard FileManager.default.isExecutableFile(atPath: configuration.workerPath) else {
                throw SpeechSetupError(file: configuration.workerPath,
                                       reason: "recogniser worker missing or not executable (build it: swift build --product \(Self.workerName))")
            }
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &wakeFDs) == 0 else {
                throw SpeechSetupError(file: configuration.workerPath, reason: "cannot make the supervisor's wake socket: \(String(cString: strerror(errno)))")
            }
            for fd in wakeFDs { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        } catch {
            phase = .unavailable(reason: error.description)
        }
        let budget = RecognizerBudget(percent: configuration.maxCPUPercent, burstMs: configuration.cpuBurstMs)
        shared = Mutex(Shared(phase: phase, wakeFDs: wakeFDs, budget: budget))
        guard case .starting = phase else { return }
        let thread = Thread { [self] in supervise() }
        thread.name = "warmline-recognizer"
        thread.start()
    }

    /// Whether utterances are answered now, or why not.
    public var status: RecognizerStatus {
        shared.withLock { $0.phase }
    }

    /// Counters since start.
    public var statistics: RecognizerStatistics {
        shared.withLock { $0.stats }
    }

    /// Waits until the worker is ready or cannot be (for start-up checks and tests; a line never calls it).
    @discardableResult
    public func waitUntilSettled(timeoutMs: Int) -> RecognizerStatus {
        let deadline = DispatchTime.now() + .milliseconds(timeoutMs)
        let changed = DispatchSemaphore(value: 0)
        while true {
            let settled: RecognizerStatus? = shared.withLock { locked in
                switch locked.phase {
                case .ready, .unavailable: return locked.phase
                case .starting, .restarting:
                    locked.phaseWaiters.append(changed)
                    return nil
                }
            }
            if let settled { return settled }
            if changed.wait(timeout: deadline) == .timedOut {
                return shared.withLock { locked in
                    locked.phaseWaiters.removeAll { $0 === changed }
                    return locked.phase
                }
            }
        }
    }

    /// The transcript of one utterance of 8 kHz line audio, waiting at most `timeoutMs` (default from the configuration).
    public func transcribe(_ samples: [Int16], timeoutMs: Int? = nil) -> RecognizerOutcome {
        let timeout = timeoutMs ?? configuration.timeoutMs
        let request: Request
        switch enqueue(samples, timeoutMs: timeout, completion: nil) {
        case .done(let outcome): return outcome
        case .queued(let queued): request = queued
        }
        if request.answered.wait(timeout: .now() + .milliseconds(timeout)) == .timedOut {
            // unless the supervisor answered just now: then its outcome stands
            _ = shared.withLock { finish(request, .timedOut(afterMs: timeout), in: &$0) }
        }
        return request.outcome.withLock { $0 } ?? .timedOut(afterMs: timeout)
    }

    /// The transcript of one utterance without holding a thread: resumes by the deadline whatever the worker does.
    public func transcription(of samples: [Int16], timeoutMs: Int? = nil) async -> RecognizerOutcome {
        await withCheckedContinuation { continuation in
            submit(samples, timeoutMs: timeoutMs) { continuation.resume(returning: $0) }
        }
    }

    /// Queues one utterance; `completion` runs once, on the supervisor thread (or at once when busy or unavailable).
    public func submit(_ samples: [Int16], timeoutMs: Int? = nil, completion: @escaping @Sendable (RecognizerOutcome) -> Void) {
        if case .done(let outcome) = enqueue(samples, timeoutMs: timeoutMs ?? configuration.timeoutMs, completion: completion) {
            completion(outcome)
        }
    }

    /// Stops the worker and the supervisor; waiting utterances are answered `.unavailable`.
    public func stop() {
        shared.withLock { locked in
            guard !locked.stopping else { return }
            locked.stopping = true
            locked.wakeSupervisor()
        }
    }

    // MARK: - Requests

    private final class Request: Sendable {
        let id: UInt32
        let samples: [Int16]
        let enqueuedAt: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
        let completion: (@Sendable (RecognizerOutcome) -> Void)?
        /// Set once, by whoever answers first: the supervisor, or the caller at its deadline (see `finish`).
        let outcome = Mutex<RecognizerOutcome?>(nil)
        /// Signalled when `outcome` is set, for a caller waiting in `transcribe`.
        let answered = DispatchSemaphore(value: 0)
        /// CPU charged to the budget when it was queued (settled against the decode's own).
        let reservedCPUMs: Double

        init(id: UInt32, samples: [Int16], timeoutMs: Int, reservedCPUMs: Double,
             completion: (@Sendable (RecognizerOutcome) -> Void)?) {
            self.id = id
            self.samples = samples
            enqueuedAt = .now
            deadline = enqueuedAt + .milliseconds(timeoutMs)
            self.reservedCPUMs = reservedCPUMs
            self.completion = completion
        }

        var isAnswered: Bool { outcome.withLock { $0 != nil } }
    }

    private enum Enqueued {
        case done(RecognizerOutcome)
        case queued(Request)
    }

    private func enqueue(_ samples: [Int16], timeoutMs: Int, completion: (@Sendable (RecognizerOutcome) -> Void)?) -> Enqueued {
        let capacity = configuration.queueCapacity
        return shared.withLock { locked in
            if locked.stopping { return .done(.unavailable(reason: "recogniser stopped")) }
            switch locked.phase {
            case .unavailable(let reason): return .done(.unavailable(reason: reason))
            // no worker for a while yet (it keeps dying): answer now rather than at the deadline
            case .restarting(let reason): return .done(.unavailable(reason: "restarting after: \(reason)"))
            case .starting, .ready: break
            }
            guard locked.queue.count < capacity else {
                locked.stats.busy += 1
                return .done(.busy(queued: locked.queue.count))
            }
            let now = elapsedMs()
            guard locked.budget.admits(atMs: now) else {
                locked.stats.overBudget += 1
                return .done(.busy(queued: locked.queue.count))
            }
            // reserved now, settled at the answer: four lines asking at once cannot all pass on one positive credit
            let request = Request(id: locked.nextID, samples: samples, timeoutMs: timeoutMs,
                                  reservedCPUMs: Double(samples.count) / 8 * Self.expectedCPUPerAudioMs, completion: completion)
            locked.budget.spend(request.reservedCPUMs, atMs: now)
            locked.nextID = locked.nextID == UInt32.max ? 1 : locked.nextID + 1
            locked.queue.append(request)
            locked.wakeSupervisor()
            return .queued(request)
        }
    }

    /// Sets a request's outcome unless it already has one (counted in `locked`, the shared state the caller holds) and
    /// wakes its waiting caller; returns the completion to run outside the lock.
    private func finish(_ request: Request, _ outcome: RecognizerOutcome, in locked: inout Shared) -> (@Sendable () -> Void)? {
        let first = request.outcome.withLock { current in
            guard current == nil else { return false }
            current = outcome
            return true
        }
        guard first else { return nil }
        if case .timedOut = outcome { locked.stats.timedOut += 1 }
        if case .transcript = outcome { locked.stats.answered += 1 }
        request.answered.signal()
        guard let completion = request.completion else { return nil }
        return { completion(outcome) }
    }

    /// Worker CPU per millisecond of 8 kHz audio a request is expected to cost (Moonshine base-en on one x86 core:
    /// ~0.27), reserved when it is queued.
    static let expectedCPUPerAudioMs = 0.3

    private func elapsedMs() -> Double {
        Double((clock.now - started).milliseconds)
    }

    // MARK: - The supervisor thread

    private struct Supervision {
        var worker: RecognizerWorkerProcess?
        var reader = RecognizerFrame.Reader()
        var inFlight: Request?
        var sentAt: ContinuousClock.Instant?
        /// The worker's CPU time when the request in flight was sent (its decode is charged to the budget).
        var cpuAtSend: Double?
        var restartAt: ContinuousClock.Instant? = .now
        /// Quick deaths in a row, for the back-off.
        var quickDeaths = 0
        /// Workers in a row that died before saying ready (a model that crashes ONNX Runtime on load does so every time).
        var deathsBeforeReady = 0
        var workerReady = false
        /// When the last answer came, and the worker's resident memory then (for the idle replacement).
        var lastAnswerAt: ContinuousClock.Instant?
        var residentAtLastAnswer: Int?
    }

    private func supervise() {
        var state = Supervision()
        // the read end of the wake socket: only this thread reads it, and closes it when it stops
        let wakeFD = shared.withLock { $0.wakeFDs[0] }
        while true {
            let now = clock.now
            let inFlight = state.inFlight
            typealias Step = (stop: Bool, toSend: Request?, wakeAt: ContinuousClock.Instant?, completions: [@Sendable () -> Void],
                              queued: Int)
            let step: Step = shared.withLock { locked in
                var completions: [@Sendable () -> Void] = []
                if locked.stopping {
                    let pending = locked.queue + (inFlight.map { [$0] } ?? [])
                    locked.queue.removeAll()
                    for request in pending {
                        completions += finish(request, .unavailable(reason: "recogniser stopped"), in: &locked).map { [$0] } ?? []
                    }
                    locked.phase = .unavailable(reason: "recogniser stopped")
                    return (true, nil, nil, completions, 0)
                }
                // callers whose time is up hear so now; the queue drops what nobody waits for
                for request in locked.queue + (inFlight.map { [$0] } ?? []) where !request.isAnswered && now >= request.deadline {
                    let timedOut = RecognizerOutcome.timedOut(afterMs: (request.deadline - request.enqueuedAt).milliseconds)
                    completions += finish(request, timedOut, in: &locked).map { [$0] } ?? []
                }
                // never decoded: what they reserved goes back
                for request in locked.queue where request.isAnswered { locked.budget.spend(-request.reservedCPUMs, atMs: elapsedMs()) }
                locked.queue.removeAll { $0.isAnswered }
                var toSend: Request?
                if locked.phase.isReady, inFlight == nil, !locked.queue.isEmpty {
                    toSend = locked.queue.removeFirst()
                }
                let wakeAt = (locked.queue + (inFlight.map { [$0] } ?? [])).filter { !$0.isAnswered }.map(\.deadline).min()
                return (false, toSend, wakeAt, completions, locked.queue.count)
            }
            step.completions.forEach { $0() }
            if step.stop {
                _ = state.worker?.stop(kill: true)
                // under the lock: the wake-up is only ever written holding it, so never to a closed descriptor
                shared.withLock { locked in
                    close(locked.wakeFDs[0]); close(locked.wakeFDs[1])
                    locked.wakeFDs = [-1, -1]
                }
                return
            }
            let toSend = step.toSend
            var wakeAt = step.wakeAt

            if state.worker == nil, let restartAt = state.restartAt, now >= restartAt {
                start(&state)
                continue
            }
            if let request = toSend, let worker = state.worker {
                state.inFlight = request
                state.sentAt = clock.now
                state.cpuAtSend = worker.cpuMs
                shared.withLock { $0.stats.sent += 1 }
                switch worker.send(RecognizerFrame.request(id: request.id, samples: request.samples),
                                   deadline: clock.now + .milliseconds(configuration.hangLimitMs)) {
                case .sent: break
                // it died or closed its end while taking the request: say how it ended
                case .closed: workerStopped(&state, kill: false, because: nil)
                case .stalled: workerStopped(&state, kill: true, because: "stopped reading requests")
                }
                continue
            }
            if state.worker != nil, state.workerReady, state.inFlight == nil, step.queued == 0, configuration.idleReplaceMarginMB > 0,
               let resident = state.residentAtLastAnswer, let answeredAt = state.lastAnswerAt,
               resident > configuration.maxResidentMB - configuration.idleReplaceMarginMB {
                let due = answeredAt + .milliseconds(configuration.idleReplaceAfterMs)
                if clock.now >= due {
                    state.quickDeaths = 0
                    state.residentAtLastAnswer = nil
                    workerStopped(&state, kill: true, because: "replaced at \(resident) MB resident while idle (limit "
                                  + "\(configuration.maxResidentMB) MB, replaced early within \(configuration.idleReplaceMarginMB) MB of it)",
                                  expected: true)
                    continue
                }
                wakeAt = min(wakeAt ?? due, due)
            }
            if let worker = state.worker {
                if let sentAt = state.sentAt {
                    let limit = sentAt + .milliseconds(configuration.hangLimitMs)
                    if clock.now >= limit {
                        workerStopped(&state, kill: true, because: "gave no answer within \(configuration.hangLimitMs) ms")
                        continue
                    }
                    wakeAt = min(wakeAt ?? limit, limit)
                } else if case .starting = status {
                    let limit = worker.startedAt + .milliseconds(configuration.startTimeoutMs)
                    if clock.now >= limit {
                        workerStopped(&state, kill: true, because: "did not load the model within \(configuration.startTimeoutMs) ms")
                        continue
                    }
                    wakeAt = min(wakeAt ?? limit, limit)
                }
            } else if let restartAt = state.restartAt {
                wakeAt = min(wakeAt ?? restartAt, restartAt)
            }
            let timeout = wakeAt.map { max(0, ($0 - clock.now).milliseconds + 1) } ?? -1
            var entries = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            if let worker = state.worker {
                entries.append(pollfd(fd: worker.socket, events: Int16(POLLIN), revents: 0))
                if worker.errorPipeOpen { entries.append(pollfd(fd: worker.errorPipe, events: Int16(POLLIN), revents: 0)) }
            }
            _ = poll(&entries, nfds_t(entries.count), Int32(clamping: timeout))
            if entries[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(wakeFD, &drain, drain.count) > 0 {}
            }
            guard let worker = state.worker else { continue }
            if entries.count > 2, entries[2].revents != 0 { worker.drainErrors() }
            if entries[1].revents != 0 { readAnswers(&state, from: worker) }
        }
    }

    private func start(_ state: inout Supervision) {
        state.restartAt = nil
        state.workerReady = false
        state.reader = RecognizerFrame.Reader()
        do {
            let worker = try RecognizerWorkerProcess(worker: configuration.workerPath, model: configuration.model, keywordsFile: configuration.keywordsFile)
            state.worker = worker
            let pid = worker.pid
            shared.withLock { locked in
                locked.stats.starts += 1
                locked.stats.workerPID = pid
                locked.phase = .starting
            }
        } catch {
            settle(&state, unavailable: error.description)
        }
    }

    private func readAnswers(_ state: inout Supervision, from worker: RecognizerWorkerProcess) {
        guard let bytes = worker.receive() else {
            workerStopped(&state, kill: false, because: nil)
            return
        }
        state.reader.append(bytes)
        while true {
            let payload: ArraySlice<UInt8>
            do {
                guard let next = try state.reader.next() else { return }
                payload = next
            } catch {
                workerStopped(&state, kill: true, because: error.description)
                return
            }
            guard let answer = RecognizerFrame.parseAnswer(payload) else {
                workerStopped(&state, kill: true, because: "sent a malformed answer of \(payload.count) bytes")
                return
            }
            switch answer.kind {
            case .ready:
                state.workerReady = true
                state.deathsBeforeReady = 0
                let loadCPUMs = worker.cpuMs ?? Double(answer.milliseconds)
                let loadMs = Int(answer.milliseconds)
                shared.withLock { locked in
                    // a replacement's model load is the recogniser's CPU too
                    if locked.stats.starts > 1 { locked.budget.spend(loadCPUMs, atMs: elapsedMs()) }
                    locked.phase = .ready(loadMs: loadMs)
                }
            case .refused:
                _ = worker.stop(kill: true)
                state.worker = nil
                settle(&state, unavailable: answer.text)
                return
            case .transcript, .verified, .unconfirmed, .failed:
                guard let request = state.inFlight, request.id == answer.id else { continue }
                state.inFlight = nil
                state.sentAt = nil
                let outcome: RecognizerOutcome = answer.kind == .failed
                    ? .unavailable(reason: "the worker could not decode: \(answer.text)")
                    : .transcript(Self.transcript(of: answer, waitedMs: (clock.now - request.enqueuedAt).milliseconds,
                                                  audioMs: request.samples.count / 8))
                let resident = worker.residentMB
                state.lastAnswerAt = clock.now
                state.residentAtLastAnswer = resident
                let cpuSpent = zip2(worker.cpuMs, state.cpuAtSend).map { $0 - $1 } ?? Double(answer.milliseconds)
                state.cpuAtSend = nil
                let replace = resident.map { $0 > configuration.maxResidentMB } ?? false
                if let resident, replace {
                    // put down before the caller hears back, so the next utterance already waits for the new worker
                    state.quickDeaths = 0
                    workerStopped(&state, kill: true, because: "replaced at \(resident) MB resident (limit \(configuration.maxResidentMB) MB)",
                                  expected: true)
                }
                let completion = shared.withLock { locked in
                    locked.budget.spend(cpuSpent - request.reservedCPUMs, atMs: elapsedMs())
                    locked.stats.decodeCPUMs += Int(cpuSpent)
                    let completion = finish(request, outcome, in: &locked)
                    locked.stats.residentMB = resident
                    locked.stats.peakResidentMB = max(locked.stats.peakResidentMB, resident ?? 0)
                    return completion
                }
                completion?()
                if replace { return }
            }
        }
    }

    /// The model cannot load: no recogniser until the unit restarts, every waiting utterance told why.
    private func settle(_ state: inout Supervision, unavailable reason: String) {
        let completions = shared.withLock { locked in
            locked.phase = .unavailable(reason: reason)
            locked.stats.lastStopReason = reason
            locked.stats.workerPID = nil
            var completions: [@Sendable () -> Void] = []
            for request in locked.queue {
                completions += finish(request, .unavailable(reason: reason), in: &locked).map { [$0] } ?? []
            }
            locked.queue.removeAll()
            return completions
        }
        completions.forEach { $0() }
    }

    /// The worker is gone (or is put down): reap it, answer its request, schedule the next one.
    private func workerStopped(_ state: inout Supervision, kill: Bool, because cause: String?, expected: Bool = false) {
        guard let worker = state.worker else { return }
        let lastError = worker.lastErrorLine
        let ended = worker.stop(kill: kill)
        var reason = "worker \(worker.pid) " + (cause.map { "\($0) and was stopped" } ?? ended)
        if let lastError, !expected { reason += " (its last words: \(lastError))" }
        let lived = clock.now - worker.startedAt
        state.worker = nil
        state.sentAt = nil
        state.residentAtLastAnswer = nil
        state.lastAnswerAt = nil
        if !state.workerReady {
            state.deathsBeforeReady += 1
            if state.deathsBeforeReady >= 2 {
                settle(&state, unavailable: "\(reason), twice while loading the model from \(configuration.model.directory); "
                       + "run `make deps` to check the files against their SHA-256")
                return
            }
        }
        state.workerReady = false
        if !expected { state.quickDeaths = lived < .seconds(10) ? state.quickDeaths + 1 : 0 }
        // first death: straight back; a worker that keeps dying is retried after 1, 2, 4 ... 30 s
        let backOff: Duration = state.quickDeaths <= 1 ? .zero : .seconds(min(30, 1 << min(5, state.quickDeaths - 2)))
        state.restartAt = clock.now + backOff
        let inFlight = state.inFlight
        state.inFlight = nil
        let completion = shared.withLock { locked in
            locked.stats.lastStopReason = reason
            locked.stats.workerPID = nil
            let completion = inFlight.flatMap { finish($0, .unavailable(reason: "\(reason) during the request"), in: &locked) }
            locked.phase = backOff == .zero ? .starting : .restarting(reason: reason)
            return completion
        }
        completion?()
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
