import Foundation
import Glibc
import Synchronization
import WarmlineAudio

/// A scripted caller played in real time into a PulseAudio sink, recording what Warmline plays from a monitor
/// source, on its own thread; frame times are mapped to the monotonic clock through the devices' delays.
public final class RealTimeCaller: Sendable {
    /// What the caller heard, and where its frames sat in time.
    public struct Result: Sendable {
        /// What Warmline played, as recorded from the monitor source.
        public var recording: [Int16]
        /// Monotonic time (s) at which caller frame 0 reached the sink.
        public var callerFrameZeroSeconds: Double
        /// Monotonic time (s) at which recording frame 0 was captured.
        public var recordingFrameZeroSeconds: Double
        /// Frames per second.
        public var sampleRate: Int

        /// Monotonic time of caller frame `frame`.
        public func callerSeconds(_ frame: Int) -> Double { callerFrameZeroSeconds + Double(frame) / Double(sampleRate) }
        /// Monotonic time of recording frame `frame`.
        public func recordingSeconds(_ frame: Int) -> Double { recordingFrameZeroSeconds + Double(frame) / Double(sampleRate) }
        /// The recording frame heard at monotonic time `seconds`.
        public func recordingFrame(at seconds: Double) -> Int {
            Int(((seconds - recordingFrameZeroSeconds) * Double(sampleRate)).rounded())
        }
    }

    /// What the caller's thread ended with (nil while it plays); set once, before `done` is signalled.
    private let outcome = Mutex<Swift.Result<Result, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Amplitude of the one-sample marker written at each key press onset into `markerSink`.
    public static let markerAmplitude: Int16 = 30000

    /// Starts playing `timeline` into `sink` and recording `source` (e.g. `line.monitor`) for `totalFrames` frames.
    /// With `markerSink` (the sink Warmline plays to), a one-sample spike marks each key press onset in the
    /// recording itself, written in step with the caller's audio, so onset and prompt stop share one clock.
    public init(server: PulseAudioServer, sink: String, source: String, markerSink: String? = nil,
                timeline: CallerTimeline, totalFrames: Int) throws {
        var configText = server.alsaPCM(name: "caller_play", device: sink) + server.alsaPCM(name: "caller_rec", device: source)
        if let markerSink { configText += server.alsaPCM(name: "caller_mark", device: markerSink) }
        let marked = markerSink != nil, pcmConfig = configText
        let thread = Thread { [self] in
            let played = Swift.Result {
                try Self.play(configText: pcmConfig, marked: marked, timeline: timeline, totalFrames: totalFrames)
            }
            outcome.withLock { $0 = played }
            done.signal()
        }
        thread.name = "caller-simulator"
        thread.start()
    }

    /// Waits for the script to finish and returns the recording with its time mapping.
    public func wait() throws -> Result {
        done.wait()
        guard let played = outcome.withLock({ $0 }) else {
            throw PulseAudioError(description: "caller simulator ended without a result")
        }
        return try played.get()
    }

    private static func play(configText: String, marked: Bool, timeline: CallerTimeline, totalFrames: Int) throws -> Result {
        let config = try ALSAConfigOverlay(configText)
        let format = AudioFormat(sampleRate: timeline.sampleRate)
        let playback = try ALSAPCM(device: "caller_play", direction: .playback, asked: format, nonBlocking: false, config: config)
        let marker = marked
            ? try ALSAPCM(device: "caller_mark", direction: .playback, asked: format, nonBlocking: false, config: config) : nil
        let onsets = Set(timeline.dtmf.map(\.onsetFrame))
        let capture = try ALSAPCM(device: "caller_rec", direction: .capture, asked: format, nonBlocking: false, config: config)
        let period = playback.format.periodFrames
        let rate = Double(playback.format.sampleRate)
        let prefill = [Int16](repeating: 0, count: period)
        var written = 0
        for _ in 0..<2 { written += prefill.withUnsafeBufferPointer { max(0, playback.write($0)) } }
        let prefillFrames = written
        if let marker {
            for _ in 0..<2 { _ = prefill.withUnsafeBufferPointer { marker.write($0) } }
            marker.start()
        }
        var marks = [Int16](repeating: 0, count: period)
        playback.start()
        capture.start()
        var recording = [Int16](repeating: 0, count: totalFrames + period)
        var read = 0
        var playOffsets: [Double] = []
        var recordOffsets: [Double] = []
        var chunk = [Int16](repeating: 0, count: period)
        while read < totalFrames {
            let start = written - prefillFrames
            for index in 0..<period {
                chunk[index] = start + index < timeline.samples.count ? timeline.samples[start + index] : 0
            }
            var result = chunk.withUnsafeBufferPointer { playback.write($0) }
            if result < 0 {
                _ = playback.recover(from: Int32(result))
                result = chunk.withUnsafeBufferPointer { playback.write($0) }
                playback.start()
            }
            if let marker {
                for index in 0..<period { marks[index] = onsets.contains(start + index) ? markerAmplitude : 0 }
                if marks.withUnsafeBufferPointer({ marker.write($0) }) < 0 {
                    throw PulseAudioError(description: "the marker stream into Warmline's sink underran; the timing is lost")
                }
            }
            if result > 0 {
                written += result
                // The frame being heard now is the last written minus what is still queued.
                playOffsets.append(MonotonicClock.seconds() - Double(written - playback.delayFrames()) / rate)
            }
            let got = recording.withUnsafeMutableBufferPointer { all in
                capture.read(into: UnsafeMutableBufferPointer(rebasing: all[read..<read + period]))
            }
            if got < 0 {
                _ = capture.recover(from: Int32(got))
                capture.start()
                continue
            }
            read += got
            recordOffsets.append(MonotonicClock.seconds() - Double(read + capture.delayFrames()) / rate)
        }
        recording.removeLast(recording.count - totalFrames)
        return Result(recording: recording,
                      callerFrameZeroSeconds: median(playOffsets) + Double(prefillFrames) / rate,
                      recordingFrameZeroSeconds: median(recordOffsets),
                      sampleRate: playback.format.sampleRate)
    }

    private static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
