import WarmlineAudio
import WarmlineDSP

/// One thing a scripted caller does.
public enum CallerStep: Sendable, Equatable {
    /// Says something: speech samples at the line's rate (e.g. a WAV file's samples).
    case speech([Int16])
    /// Presses keys: each digit sounds for `toneMs`, then `gapMs` of silence; `levelDBm0` is the low tone's level.
    case dtmf(String, toneMs: Int = 100, gapMs: Int = 100, levelDBm0: Double = -10)
    /// Says nothing for `ms`.
    case silence(ms: Int)
    /// Hangs up: the script's audio ends here.
    case hangUp
}

/// Where a key press starts in the caller's audio (ground truth for detection and barge-in latency).
public struct DTMFMark: Sendable, Equatable {
    /// The key.
    public var digit: Character
    /// Its first tone sample, in caller frames.
    public var onsetFrame: Int
    /// Frames the tone lasts.
    public var durationFrames: Int
}

/// A scripted caller rendered to audio, with the frames at which things happen.
public struct CallerTimeline: Sendable, Equatable {
    /// The caller's audio, S16 mono at `sampleRate`.
    public var samples: [Int16]
    /// Frames per second.
    public var sampleRate: Int
    /// Every key press in order.
    public var dtmf: [DTMFMark]
    /// The frame the caller hangs up at, if the script hangs up.
    public var hangUpFrame: Int?
}

/// A caller's script: speech, key presses, silence and hang-up, in order.
public struct CallerScript: Sendable, Equatable {
    /// The steps in order.
    public var steps: [CallerStep]

    /// A script of `steps`.
    public init(_ steps: [CallerStep]) {
        self.steps = steps
    }

    /// Renders the script at `sampleRate`; steps after a hang-up are ignored.
    public func timeline(sampleRate: Int = 8000) throws -> CallerTimeline {
        var timeline = CallerTimeline(samples: [], sampleRate: sampleRate, dtmf: [], hangUpFrame: nil)
        for step in steps {
            switch step {
            case .speech(let samples):
                timeline.samples += samples
            case .silence(let ms):
                timeline.samples += [Int16](repeating: 0, count: sampleRate * ms / 1000)
            case .dtmf(let digits, let toneMs, let gapMs, let levelDBm0):
                let generator = DTMFGenerator(sampleRate: Double(sampleRate), lowLevelDBm0: levelDBm0)
                let toneFrames = sampleRate * toneMs / 1000
                for digit in digits {
                    timeline.dtmf.append(DTMFMark(digit: digit, onsetFrame: timeline.samples.count, durationFrames: toneFrames))
                    timeline.samples += try generator.tone(digit, durationFrames: toneFrames)
                    timeline.samples += [Int16](repeating: 0, count: sampleRate * gapMs / 1000)
                }
            case .hangUp:
                timeline.hangUpFrame = timeline.samples.count
                return timeline
            }
        }
        return timeline
    }
}

extension CallerStep {
    /// Speech read from a mono 16-bit WAV file, which must already be at the line's `sampleRate`.
    public static func speech(wavPath: String, sampleRate: Int = 8000) throws -> CallerStep {
        let wav = try WAVFile.read(path: wavPath)
        guard wav.sampleRate == sampleRate else {
            throw WAVFile.FormatError(path: wavPath, reason: "rate \(wav.sampleRate) Hz, the line runs at \(sampleRate) Hz "
                + "(convert with: sox \(wavPath) -r \(sampleRate) -c 1 -b 16 out.wav)")
        }
        return .speech(wav.samples)
    }
}
