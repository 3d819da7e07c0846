/// What became of one utterance sent to the recogniser; anything but `.transcript` means: go on with PocketSphinx alone.
public enum RecognizerOutcome: Sendable, Equatable, CustomStringConvertible {
    /// The worker's transcript.
    case transcript(RecognizerTranscript)
    /// No answer within the caller's timeout (the worker may still be decoding; its late answer is dropped).
    case timedOut(afterMs: Int)
    /// No recogniser: the model or the worker is missing, failed to load, or stopped during the request.
    case unavailable(reason: String)
    /// The queue was full (every line speaking at once on a slow CPU): the utterance was not sent.
    case busy(queued: Int)

    /// The transcript text, when there is one.
    public var text: String? {
        if case .transcript(let transcript) = self { return transcript.text }
        return nil
    }

    /// One line for the log and `warmline speech spot`.
    public var description: String {
        switch self {
        case .transcript(let transcript): "'\(transcript.text)' (decoded in \(transcript.decodeMs) ms, answered after \(transcript.waitedMs) ms)"
        case .timedOut(let ms): "no transcript within \(ms) ms"
        case .unavailable(let reason): "recogniser unavailable: \(reason)"
        case .busy(let queued): "recogniser busy (\(queued) utterances queued): not sent"
        }
    }
}

/// A transcript with its costs.
public struct RecognizerTranscript: Sendable, Equatable {
    /// What the recogniser heard, as it wrote it (capitals and punctuation included).
    public var text: String
    /// The worker's decode time.
    public var decodeMs: Int
    /// From the request to the answer, queue included.
    public var waitedMs: Int
    /// Length of the audio sent.
    public var audioMs: Int
    /// True when the text is not the recogniser's free transcript but a reading its verification put in its place
    /// (`matcher.verify:` in keywords.yaml).
    public var verified: Bool
    /// The first read's words when they held a request in a long utterance that a second read of the audio slowed down
    /// did not hear (`text` is then the second read's): the log says what was heard once and set aside.
    public var unconfirmed: String?

    /// Makes a transcript.
    public init(text: String, decodeMs: Int, waitedMs: Int, audioMs: Int, verified: Bool = false, unconfirmed: String? = nil) {
        self.text = text
        self.decodeMs = decodeMs
        self.waitedMs = waitedMs
        self.audioMs = audioMs
        self.verified = verified
        self.unconfirmed = unconfirmed
    }
}

/// Whether the recogniser can take utterances, and if not why.
public enum RecognizerStatus: Sendable, Equatable, CustomStringConvertible {
    /// The worker is loading the model.
    case starting
    /// The worker has the model loaded and answers.
    case ready(loadMs: Int)
    /// The worker stopped and is being started again.
    case restarting(reason: String)
    /// No recogniser (model or worker missing, or the model will not load): PocketSphinx alone.
    case unavailable(reason: String)

    /// True when utterances are answered now.
    public var isReady: Bool {
        if case .ready = self { return true }
        return false
    }

    /// One line for `warmline speech check` and the log.
    public var description: String {
        switch self {
        case .starting: "recogniser starting"
        case .ready(let ms): "recogniser ready (model loaded in \(ms) ms)"
        case .restarting(let reason): "recogniser restarting: \(reason)"
        case .unavailable(let reason): "recogniser unavailable: \(reason) — keyword spotting runs on PocketSphinx alone"
        }
    }
}

/// Counters of the recogniser since it was made, for the log, the doctor and the bench.
public struct RecognizerStatistics: Sendable, Equatable {
    /// The current worker's process id.
    public var workerPID: Int32?
    /// Times a worker was started.
    public var starts = 0
    /// Utterances sent to a worker.
    public var sent = 0
    /// Utterances answered with a transcript.
    public var answered = 0
    /// Utterances whose caller gave up waiting.
    public var timedOut = 0
    /// Utterances refused because the queue was full.
    public var busy = 0
    /// Utterances not sent because the worker had used its CPU share (`maxCPUPercent`).
    public var overBudget = 0
    /// The worker's CPU time spent on transcripts, milliseconds.
    public var decodeCPUMs = 0
    /// Why the last worker stopped.
    public var lastStopReason: String?
    /// The worker's resident memory after its last answer.
    public var residentMB: Int?
    /// The most any worker held after an answer.
    public var peakResidentMB = 0
}
