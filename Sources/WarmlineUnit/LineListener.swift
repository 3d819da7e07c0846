import WarmlineCore
import WarmlineDSP
import WarmlineSpeech

/// An input the line's audio produced, at the call frame it was decided.
public struct TimedInput: Sendable, Equatable {
    /// Call frame (audio time since the answer) of the decision.
    public var frame: Int
    /// What the engine is told.
    public var input: CallInput
    /// Extra detail for the transcript (keyword score, voice stress values), when there is any.
    public var note: String?

    /// Makes a timed input.
    public init(frame: Int, input: CallInput, note: String? = nil) {
        self.frame = frame
        self.input = input
        self.note = note
    }
}

/// What one line hears, decided in the audio loop in call frames: DTMF, voice activity, call-progress tones and
/// voice features (loudness and pitch per stretch of speech). Keywords come from a `KeywordSpotterThread` fed
/// with this listener's voice activity (`isSpeaking`).
///
/// Synchronous on purpose (and cheap): a call fed from a file gives the same inputs at the same frames every run.
public struct LineListener {
    private var dtmf: DTMFDetector
    private var vad: VoiceActivityDetector
    private var progress: CallProgressDetector?
    private var stress = VoiceStressDetector()
    private var speaking = false
    private var keyDown = false
    private var keyToneInPeriod = false
    private let sampleRate: Int

    /// A listener at `sampleRate`; `tonePlan` nil skips call-progress detection.
    public init(sampleRate: Int = 8000, tonePlan: TonePlan?) {
        self.sampleRate = sampleRate
        dtmf = DTMFDetector(sampleRate: sampleRate)
        vad = VoiceActivityDetector(sampleRate: sampleRate)
        progress = tonePlan.map { CallProgressDetector(plan: $0, sampleRate: sampleRate) }
    }

    /// The voice activity decision after the last period (what the keyword spotter is told).
    public var isSpeaking: Bool { speaking }

    /// Whether a DTMF key sounded in the last period (the keyword spotter skips it).
    public var heardKeyTone: Bool { keyToneInPeriod }

    /// Feeds one period of caller audio; returns what it decided, in frame order.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [TimedInput] {
        var out: [TimedInput] = []
        keyToneInPeriod = keyDown
        for event in dtmf.process(samples) {
            keyToneInPeriod = true
            keyDown = event.kind == .keyDown
            guard event.kind == .keyDown else { continue }
            out.append(TimedInput(frame: event.frame, input: .digit(event.digit),
                                  note: "tone onset \((event.frame - event.startFrame) * 1000 / sampleRate) ms before"))
        }
        let decisions = vad.process(samples)
        for decision in decisions where decision.isSpeech != speaking && !decision.isTone {
            speaking = decision.isSpeech
            out.append(TimedInput(frame: decision.startFrame, input: speaking ? .speechStarted : .speechStopped))
        }
        if let progressEvents = progress?.process(samples) {
            for event in progressEvents where event.kind == .detected {
                out.append(TimedInput(frame: event.frame, input: .tone(Self.toneKind(event.tone))))
            }
        }
        for event in stress.process(samples, isSpeech: speaking) {
            switch event {
            case .segment(let segment):
                out.append(TimedInput(frame: segment.endFrame, input: .voice(segment.features)))
            case .stress(let signal):
                out.append(TimedInput(frame: signal.segment.endFrame, input: .voice(signal.segment.features),
                                      note: signal.description))
            }
        }
        return out.sorted { $0.frame < $1.frame }
    }

    /// A spotted keyword as an input at its call frame (`baseFrame`: the spotter's frames at the answer).
    public static func timed(_ hit: SpottedKeyword, baseFrame: Int) -> TimedInput {
        let how: String
        if let verdict = hit.verdict {
            how = ", " + verdict + (hit.recognizerMs.map { ", recogniser answered in \($0) ms" } ?? "")
        } else {
            how = hit.confirmedBy.map { ", confirmed by \"\($0)\"" } ?? ""
        }
        return TimedInput(frame: hit.decidedAtFrame - baseFrame, input: .keyword(hit.hit), note: "score \(hit.score)" + how)
    }

    private static func toneKind(_ tone: CallProgressTone) -> ToneKind {
        switch tone {
        case .dialTone: .dialTone
        case .ringback: .ringback
        case .busy: .busy
        case .reorder: .reorder
        }
    }
}
