import Foundation

/// A line's ear for whole utterances: cuts the line audio with an `UtteranceRecorder`, sends each utterance to the
/// shared `Recognizer`, and hands back the phrase matcher's verdicts. Never waits: `process` only records and queues,
/// verdicts arrive from the recogniser's thread and are taken with `collect()`, like `KeywordSpotterThread`.
// @unchecked: the recorder is the line thread's alone; verdicts from the recogniser's thread go through `lock`.
public final class TranscriptListener: @unchecked Sendable {
    /// One utterance heard through to its verdict.
    public struct Verdict: Sendable, Equatable {
        /// Line frame of the utterance's first sample.
        public var startFrame: Int
        /// Line frame just after its last sample.
        public var endFrame: Int
        /// The recogniser's answer (anything but `.transcript` means PocketSphinx alone decides).
        public var outcome: RecognizerOutcome
        /// The matcher's verdict on the transcript; nil without a transcript.
        public var decision: PhraseDecision?
    }

    /// The recogniser all lines share.
    public let recognizer: Recognizer
    /// The rules the transcripts are read with.
    public let matcher: PhraseMatcher
    /// How long each utterance may wait for its transcript.
    public let timeoutMs: Int
    private var recorder: UtteranceRecorder
    private let lock = NSLock()
    private var verdicts: [Verdict] = []
    private var pending = 0

    /// Listens through `recognizer` with `matcher`'s rules.
    public init(recognizer: Recognizer, matcher: PhraseMatcher, timeoutMs: Int? = nil, recorder: UtteranceRecorder = UtteranceRecorder()) {
        self.recognizer = recognizer
        self.matcher = matcher
        self.timeoutMs = timeoutMs ?? recognizer.configuration.timeoutMs
        self.recorder = recorder
    }

    /// Feeds one period with the VAD's decision; an utterance it ends goes to the recogniser.
    public func process(_ samples: [Int16], isSpeech: Bool) {
        if let utterance = recorder.process(samples, isSpeech: isSpeech) { send(utterance) }
    }

    /// Ends the open utterance (call over, or a key pressed) and sends it.
    public func flush() {
        if let utterance = recorder.flush() { send(utterance) }
    }

    /// Verdicts arrived so far, oldest first, removed from the listener.
    public func collect() -> [Verdict] {
        lock.lock()
        defer { lock.unlock() }
        let all = verdicts
        verdicts.removeAll()
        return all
    }

    /// Utterances sent whose verdict has not arrived yet.
    public var awaiting: Int {
        lock.lock()
        defer { lock.unlock() }
        return pending
    }

    private func send(_ utterance: UtteranceRecorder.Utterance) {
        lock.lock()
        pending += 1
        lock.unlock()
        let matcher = matcher
        recognizer.submit(utterance.samples, timeoutMs: timeoutMs) { [self] outcome in
            let verdict = Verdict(startFrame: utterance.startFrame, endFrame: utterance.endFrame, outcome: outcome,
                                  decision: outcome.text.map { matcher.decide($0) })
            lock.lock()
            verdicts.append(verdict)
            pending -= 1
            lock.unlock()
        }
    }
}
