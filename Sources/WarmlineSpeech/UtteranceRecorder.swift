/// Cuts a line's audio into utterances for the recogniser, from the VAD's decision per chunk: a short pre-roll before
/// the speech (the VAD rises after the first phone), a tail of silence after it, cut at `maxFrames` on a caller who
/// never pauses. Streaming, any chunk size in.
public struct UtteranceRecorder: Sendable {
    /// One finished utterance of 8 kHz line audio.
    public struct Utterance: Sendable, Equatable {
        /// Line frame of its first sample (pre-roll included).
        public var startFrame: Int
        /// The samples.
        public var samples: [Int16]
        /// Line frame just after its last sample.
        public var endFrame: Int { startFrame + samples.count }
    }

    /// Line frames kept before the VAD rises.
    public let preRollFrames: Int
    /// Frames of non-speech that end an utterance.
    public let tailFrames: Int
    /// Longest utterance (cut there; the rest starts the next one).
    public let maxFrames: Int
    /// Utterances with less speech than this are dropped (a click, a breath).
    public let minSpeechFrames: Int
    /// The least speech an utterance is kept for by default: 150 ms at 8 kHz.
    public static let defaultMinSpeechFrames = 1200
    private var preRoll: [Int16] = []
    private var current: [Int16] = []
    private var currentStart = 0
    private var speechFrames = 0
    private var silentFrames = 0
    private var recording = false
    private var fedFrames = 0

    /// A recorder: 300 ms pre-roll, 500 ms tail, 20 s longest, 150 ms least speech, at 8 kHz.
    public init(preRollFrames: Int = 2400, tailFrames: Int = 4000, maxFrames: Int = 160_000,
                minSpeechFrames: Int = defaultMinSpeechFrames) {
        self.preRollFrames = preRollFrames
        self.tailFrames = tailFrames
        self.maxFrames = maxFrames
        self.minSpeechFrames = minSpeechFrames
    }

    /// Feeds a chunk with the VAD's decision; returns the utterance it finished, if any.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, isSpeech: Bool) -> Utterance? {
        defer { fedFrames += samples.count }
        if !recording {
            guard isSpeech else {
                preRoll.append(contentsOf: samples)
                if preRoll.count > preRollFrames { preRoll.removeFirst(preRoll.count - preRollFrames) }
                return nil
            }
            recording = true
            currentStart = fedFrames - preRoll.count
            current = preRoll
            preRoll.removeAll(keepingCapacity: true)
            speechFrames = 0
            silentFrames = 0
        }
        current.append(contentsOf: samples)
        if isSpeech {
            speechFrames += samples.count
            silentFrames = 0
        } else {
            silentFrames += samples.count
        }
        if silentFrames >= tailFrames || current.count >= maxFrames { return finish() }
        return nil
    }

    /// Feeds a chunk with the VAD's decision.
    public mutating func process(_ samples: [Int16], isSpeech: Bool) -> Utterance? {
        samples.withUnsafeBufferPointer { process($0, isSpeech: isSpeech) }
    }

    /// Ends the open utterance (call over) and returns it, if it held enough speech.
    public mutating func flush() -> Utterance? {
        recording ? finish() : nil
    }

    private mutating func finish() -> Utterance? {
        recording = false
        let utterance = Utterance(startFrame: currentStart, samples: current)
        // the tail's silence is the next utterance's pre-roll
        preRoll = Array(current.suffix(min(preRollFrames, silentFrames)))
        current.removeAll(keepingCapacity: true)
        return speechFrames >= minSpeechFrames ? utterance : nil
    }
}
