import Foundation
import WarmlineCore
import WarmlineDSP

/// Raised voice against the caller's own baseline: loudness, pitch and pitch spread of sustained speech.
///
/// Pitch and loudness come from WarmlineDSP's `PitchTracker` per 20 ms frame. Voiced frames are grouped
/// into stretches of speech (a VAD segment, cut every `windowMs` while the caller keeps talking); each
/// stretch long enough to judge gives one `VoiceSegment` with medians, so a cough or a single loud frame
/// moves nothing. The first `baselineMs` of voiced speech are the caller's baseline; later stretches are
/// compared with it, so a loud line or a naturally high voice is the baseline itself and never fires.
/// Each `VoiceSegment.features` is what the engine takes as `CallInput.voice` (its `DistressScorer`
/// keeps its own baseline from those and fires `raised_voice` / `raised_pitch`); `VoiceStress` is this
/// detector's own explanation with every value, for the log and for callers without the engine.
public struct VoiceStressDetector: Sendable {
    /// Thresholds; the defaults match the engine's `DistressConfig` (+10 dB, x1.3 pitch).
    public struct Configuration: Sendable, Equatable {
        /// Speech (VAD time) that makes the baseline.
        public var baselineMs = 3000
        /// Longest stretch judged at once while the caller keeps talking.
        public var windowMs = 1500
        /// Speech time a stretch needs to be judged ("sustained").
        public var minimumSpeechMs = 800
        /// Voiced time (a pitch found) a stretch needs for its pitch to count.
        public var minimumVoicedMs = 200
        /// Loudness rise over the baseline that is shouting.
        public var loudnessRiseDB = 10.0
        /// Pitch over the baseline (ratio of medians) that is a sharp rise, with at least `pitchRiseLoudnessDB` louder.
        public var pitchRatio = 1.3
        /// Loudness rise that must come with a pitch rise (a calm high question is not stress).
        public var pitchRiseLoudnessDB = 4.0
        /// Creates the defaults.
        public init() {}
    }

    /// Cause of a `VoiceStress`.
    public enum Cause: String, Sendable, Equatable {
        /// Sustained loudness rise.
        case shouting
        /// Sustained pitch rise with a loudness rise.
        case pitchRise = "pitch_rise"
    }

    /// One stretch of the caller's speech, summarised.
    public struct VoiceSegment: Sendable, Equatable {
        /// First frame (8 kHz sample) of the stretch.
        public var startFrame: Int
        /// Frame after its end.
        public var endFrame: Int
        /// Median loudness (dBm0) and median pitch (Hz) of the voiced frames: the engine's `CallInput.voice`.
        public var features: VoiceFeatures
        /// Spread of pitch (interquartile range, semitones).
        public var pitchSpreadSemitones: Double
        /// Speech time in the stretch.
        public var speechMs: Int
        /// Voiced time (pitch found) in the stretch.
        public var voicedMs: Int
    }

    /// A stretch judged stressed, with its values against the baseline.
    public struct VoiceStress: Sendable, Equatable, CustomStringConvertible {
        /// The stretch.
        public var segment: VoiceSegment
        /// Why.
        public var cause: Cause
        /// Loudness over the baseline, dB.
        public var loudnessRiseDB: Double
        /// Median pitch over the baseline's.
        public var pitchRatio: Double
        /// Pitch spread over the baseline's.
        public var pitchSpreadRatio: Double
        /// "shouting: +12.3 dB, pitch x1.42, spread x1.10 over baseline".
        public var description: String {
            "\(cause.rawValue): " + String(format: "%+.1f dB, pitch x%.2f, spread x%.2f over baseline",
                                           loudnessRiseDB, pitchRatio, pitchSpreadRatio)
        }
    }

    /// What a chunk of audio produced.
    public enum Event: Sendable, Equatable {
        /// A summarised stretch (part of the baseline or judged calm).
        case segment(VoiceSegment)
        /// A stretch judged stressed.
        case stress(VoiceStress)
    }

    /// Thresholds in use.
    public let configuration: Configuration
    /// The baseline, once `baselineMs` of voiced speech were heard.
    public private(set) var baseline: VoiceSegment?
    private var tracker = PitchTracker()
    private var frames: [PitchTracker.Frame] = []
    private var baselineFrames: [PitchTracker.Frame] = []
    private var stretchStart: Int?
    private let frameMs = 20

    /// A detector with no baseline yet.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Feeds 8 kHz line audio and the VAD decision for it; returns summarised stretches and stress.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, isSpeech: Bool) -> [Event] {
        var events: [Event] = []
        for frame in tracker.process(samples) {
            if isSpeech {
                if stretchStart == nil { stretchStart = frame.startFrame }
                frames.append(frame)
                if frames.count * frameMs >= configuration.windowMs { events += closeStretch() }
            } else if stretchStart != nil {
                events += closeStretch()
            }
        }
        return events
    }

    /// Feeds 8 kHz line audio and the VAD decision for it.
    public mutating func process(_ samples: [Int16], isSpeech: Bool) -> [Event] {
        samples.withUnsafeBufferPointer { process($0, isSpeech: isSpeech) }
    }

    private mutating func closeStretch() -> [Event] {
        defer {
            frames.removeAll(keepingCapacity: true)
            stretchStart = nil
        }
        guard let start = stretchStart, frames.count * frameMs >= configuration.minimumSpeechMs,
              let segment = summary(frames, start: start, end: (frames.last?.startFrame ?? start) + 160) else {
            return []
        }
        guard let baseline else {
            baselineFrames += frames
            if baselineFrames.count * frameMs >= configuration.baselineMs {
                baseline = summary(baselineFrames, start: baselineFrames[0].startFrame, end: segment.endFrame)
            }
            return [.segment(segment)]
        }
        let rise = segment.features.loudnessDB - baseline.features.loudnessDB
        let ratio = segment.features.pitchHz.flatMap { pitch in baseline.features.pitchHz.map { pitch / $0 } } ?? 1
        let spread = segment.pitchSpreadSemitones / max(baseline.pitchSpreadSemitones, 0.5)
        let cause: Cause? = rise >= configuration.loudnessRiseDB ? .shouting
            : (ratio >= configuration.pitchRatio && rise >= configuration.pitchRiseLoudnessDB) ? .pitchRise : nil
        guard let cause else { return [.segment(segment)] }
        return [.stress(VoiceStress(segment: segment, cause: cause, loudnessRiseDB: rise, pitchRatio: ratio,
                                    pitchSpreadRatio: spread))]
    }

    /// Median loudness of the speech frames, median pitch and pitch spread of the voiced ones.
    func summary(_ speech: [PitchTracker.Frame], start: Int, end: Int) -> VoiceSegment? {
        guard !speech.isEmpty else { return nil }
        let loudness = speech.map(\.loudnessDBm0).sorted()
        let semitones = speech.compactMap(\.pitchHz).map { 12 * log2($0 / 100) }.sorted()
        func quantile(_ values: [Double], _ q: Double) -> Double { values[min(values.count - 1, Int(q * Double(values.count)))] }
        let hasPitch = semitones.count * frameMs >= configuration.minimumVoicedMs
        return VoiceSegment(startFrame: start, endFrame: end,
                            features: VoiceFeatures(loudnessDB: quantile(loudness, 0.5),
                                                    pitchHz: hasPitch ? 100 * pow(2, quantile(semitones, 0.5) / 12) : nil),
                            pitchSpreadSemitones: hasPitch ? quantile(semitones, 0.75) - quantile(semitones, 0.25) : 0,
                            speechMs: speech.count * frameMs, voicedMs: semitones.count * frameMs)
    }
}
