import Foundation

/// A line's keyword spotter on its own thread, so a slow decode (the confirmation pass can take a second on a loaded
/// CPU) never holds up the audio loop and its heartbeats. The loop submits each period and collects hits later;
/// a file-fed call waits for the spotter to catch up each period (`waitUntilIdle`), which gives the same hits at the
/// same frames as a synchronous spotter.
// @unchecked: the queue, hits and counters are read and written under `condition`; the spotter (not Sendable) is used
// only on the thread this class starts.
public final class KeywordSpotterThread: @unchecked Sendable {
    private let spotter: KeywordSpotter
    private let condition = NSCondition()
    private var queue: [(samples: [Int16], isSpeech: Bool, keyTone: Bool, patient: Bool)] = []
    private var hits: [SpottedKeyword] = []
    private var turnedDown: [SpottedKeyword] = []
    private var busy = false
    private var flushRequested = false
    /// Most periods queued before new audio is dropped (the loop never waits in real time).
    public let capacityPeriods: Int
    /// Periods dropped because the spotter fell behind.
    public private(set) var droppedPeriods = 0
    /// The language whose keywords it spots.
    public let language: String

    /// Starts the thread over `spotter`.
    public init(spotter: KeywordSpotter, capacityPeriods: Int = 250) {
        self.spotter = spotter
        language = spotter.keywords.language
        self.capacityPeriods = capacityPeriods
        let thread = Thread { [self] in run() }
        thread.name = "warmline-keywords"
        thread.start()
    }

    /// Frames of line audio accepted so far (a hit's frames minus this value at the answer are call frames).
    public var submittedFrames: Int {
        condition.lock()
        defer { condition.unlock() }
        return submitted
    }
    private var submitted = 0

    /// Queues one period with the VAD's decision (and whether a DTMF key sounds in it); false when the queue was
    /// full and it was dropped. `patient`: a file-fed call, whose transcripts are waited for (see `KeywordSpotter.patient`).
    @discardableResult
    public func submit(_ samples: [Int16], isSpeech: Bool, keyTone: Bool = false, patient: Bool = false) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard queue.count < capacityPeriods else {
            droppedPeriods += 1
            return false
        }
        queue.append((samples, isSpeech, keyTone, patient))
        submitted += samples.count
        condition.broadcast()
        return true
    }

    /// Asks the spotter to end the open utterance (call over); its last hits come through `collect()`.
    public func flush() {
        condition.lock()
        flushRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Hits decided so far, oldest first, removed from the thread.
    public func collect() -> [SpottedKeyword] {
        condition.lock()
        defer { condition.unlock() }
        let all = hits
        hits.removeAll()
        return all
    }

    /// Candidates the second pass turned down since the last call (with the transcript and why), oldest first.
    public func collectRejected() -> [SpottedKeyword] {
        condition.lock()
        defer { condition.unlock() }
        let all = turnedDown
        turnedDown.removeAll()
        return all
    }

    /// The recogniser behind the second pass, if any.
    public var recognizer: Recognizer? { spotter.recognizer }

    /// Waits until everything submitted has been decoded, calling `tick` every 20 ms meanwhile (heartbeats).
    public func waitUntilIdle(tick: () -> Void) {
        condition.lock()
        while !queue.isEmpty || busy || flushRequested {
            if !condition.wait(until: Date(timeIntervalSinceNow: 0.02)) {
                condition.unlock()
                tick()
                condition.lock()
            }
        }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !flushRequested { condition.wait() }
            let next = queue.isEmpty ? nil : queue.removeFirst()
            let flushing = next == nil && flushRequested
            busy = true
            condition.unlock()
            var found: [SpottedKeyword] = []
            if let next {
                spotter.patient = next.patient
                found = spotter.process(next.samples, isSpeech: next.isSpeech, keyTone: next.keyTone)
            } else if flushing {
                found = spotter.flush()
            }
            let rejected = spotter.rejected
            spotter.rejected.removeAll()
            condition.lock()
            hits += found
            // kept for the log; bounded so a line nobody collects from cannot grow
            turnedDown = Array((turnedDown + rejected).suffix(64))
            busy = false
            if flushing { flushRequested = false }
            condition.broadcast()
            condition.unlock()
        }
    }
}
