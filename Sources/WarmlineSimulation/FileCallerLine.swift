import Foundation
import WarmlineAudio

/// A caller played as fast as the CPU allows through libasound2's file plugin: the script's audio is the
/// capture PCM's input file, and what Warmline plays is recorded to a WAV file.
public struct FileCallerLine: Sendable {
    /// The caller's rendered script.
    public let timeline: CallerTimeline
    /// ALSA configuration defining `captureDevice` and `playbackDevice`.
    public let config: ALSAConfigOverlay
    /// The PCM Warmline captures the caller from.
    public let captureDevice = "caller_in"
    /// The PCM Warmline plays to; it records into `recordingPath`.
    public let playbackDevice = "caller_out"
    /// The WAV file holding what Warmline played (complete once the loop's PCMs are closed).
    public let recordingPath: String

    /// Writes the script's audio into `directory` and defines the two PCMs over it.
    public init(script: CallerScript, directory: String, sampleRate: Int = 8000) throws {
        timeline = try script.timeline(sampleRate: sampleRate)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let rawPath = directory + "/caller.raw"
        recordingPath = directory + "/warmline-played.wav"
        let bytes = timeline.samples.map(\.littleEndian).withUnsafeBytes { Data($0) }
        try bytes.write(to: URL(fileURLWithPath: rawPath))
        config = try ALSAConfigOverlay(ALSAConfigOverlay.fileCapture(name: captureDevice, rawInput: rawPath)
            + ALSAConfigOverlay.filePlayback(name: playbackDevice, wavOutput: recordingPath))
    }

    /// Opens a loop over this line (captures exactly the script's frames when run with `maxFrames: frames`).
    public func makeLoop(format: AudioFormat = AudioFormat(), prefillFrames: Int? = nil,
                         onEvent: @escaping (AudioLoopEvent) -> Void = { _ in }) throws -> AudioLoop {
        try AudioLoop(captureDevice: captureDevice, playbackDevice: playbackDevice, format: format,
                      config: config, prefillFrames: prefillFrames, onEvent: onEvent)
    }

    /// The script's length in frames, rounded up to whole periods of `periodFrames`.
    public func frames(periodFrames: Int = 160) -> Int64 {
        let count = timeline.hangUpFrame ?? timeline.samples.count
        return Int64((count + periodFrames - 1) / periodFrames * periodFrames)
    }

    /// What Warmline played, once the loop is gone.
    public func recording() throws -> WAVFile {
        try WAVFile.read(path: recordingPath)
    }
}
