import CALSA
import Glibc

/// What the period handler tells the loop after each period.
public enum AudioLoopControl: Sendable {
    /// Keep going.
    case proceed
    /// The call is over: stop after writing this period.
    case hangUp
}

/// Something the loop reports for the unit to log; frames are the loop's audio clock.
public enum AudioLoopEvent: Sendable, Equatable {
    /// Both streams are running with these granted formats.
    case started(capture: AudioFormat, playback: AudioFormat)
    /// An overrun (capture) or underrun (playback) was recovered; the call goes on.
    case xrun(direction: AudioDirection, atFrame: Int64)
    /// The device was suspended and has been resumed or re-prepared; the call goes on.
    case suspended(direction: AudioDirection, atFrame: Int64)
    /// A prompt started, finished or was stopped (playback frames, including the prefill).
    case prompt(PromptPlaybackEvent)
    /// The loop ended after `frames` captured frames.
    case ended(frames: Int64)
}

/// Counters of one loop run.
public struct AudioLoopStats: Sendable, Equatable {
    /// Periods handed to the handler.
    public var periods = 0
    /// Frames captured and handed to the handler: the call's audio clock.
    public var capturedFrames: Int64 = 0
    /// Frames written to playback, including the silence prefill and refills.
    public var playedFrames: Int64 = 0
    /// Overruns and underruns recovered.
    public var xruns = 0
    /// Suspends recovered.
    public var suspends = 0
}

/// One captured period, as the handler sees it.
public struct AudioPeriod {
    /// The captured samples (S16 mono, one period).
    public var samples: UnsafeBufferPointer<Int16>
    /// The loop's frame clock at the first sample.
    public var startFrame: Int64
}

/// One line's full-duplex loop: read a period, hand it to the handler, write the next period of prompt or silence.
public final class AudioLoop {
    /// The capture side (the caller's voice).
    public let capture: ALSAPCM
    /// The playback side (Warmline's prompts).
    public let playback: ALSAPCM
    /// The format both sides run at.
    public let format: AudioFormat
    /// Frames of silence written before playback starts (and after each underrun): the playback latency margin.
    public let prefillFrames: Int
    /// The prompt player the handler queues into and stops.
    public var player = PromptPlayer()
    /// Counters so far.
    public private(set) var stats = AudioLoopStats()
    private let onEvent: (AudioLoopEvent) -> Void
    private let stallTimeoutMs: Int32

    /// A loop over two opened PCMs that granted the same rate and period.
    /// `prefillFrames` defaults to one period and is kept below the playback buffer.
    public init(capture: ALSAPCM, playback: ALSAPCM, prefillFrames: Int? = nil, stallTimeoutMs: Int32 = 2000,
                onEvent: @escaping (AudioLoopEvent) -> Void = { _ in }) throws {
        guard capture.format.sampleRate == playback.format.sampleRate,
              capture.format.periodFrames == playback.format.periodFrames else {
            throw ALSAError(device: "\(capture.device) / \(playback.device)", stream: "duplex",
                            reason: "capture granted \(capture.format), playback granted \(playback.format); they must match")
        }
        self.capture = capture
        self.playback = playback
        self.format = capture.format
        self.prefillFrames = max(0, min(prefillFrames ?? playback.format.periodFrames,
                                        playback.format.bufferFrames - playback.format.periodFrames))
        self.stallTimeoutMs = stallTimeoutMs
        self.onEvent = onEvent
    }

    /// Opens `captureDevice` and `playbackDevice` with `format` and builds a loop over them.
    public convenience init(captureDevice: String = "default", playbackDevice: String = "default",
                            format: AudioFormat = AudioFormat(), nonBlocking: Bool = true,
                            config: ALSAConfigOverlay? = nil, prefillFrames: Int? = nil,
                            onEvent: @escaping (AudioLoopEvent) -> Void = { _ in }) throws {
        let capture = try ALSAPCM(device: captureDevice, direction: .capture, asked: format,
                                  nonBlocking: nonBlocking, config: config)
        let playback = try ALSAPCM(device: playbackDevice, direction: .playback, asked: capture.format,
                                   nonBlocking: nonBlocking, config: config)
        try self.init(capture: capture, playback: playback, prefillFrames: prefillFrames, onEvent: onEvent)
    }

    /// Runs until the handler hangs up or `maxFrames` frames have been captured; returns the counters.
    @discardableResult
    public func run(maxFrames: Int64? = nil,
                    handler: (AudioPeriod, inout PromptPlayer) -> AudioLoopControl) throws -> AudioLoopStats {
        let period = format.periodFrames
        var input = [Int16](repeating: 0, count: period)
        var output = [Int16](repeating: 0, count: period)
        try check(capture.start(), capture, "cannot start")
        while maxFrames.map({ stats.capturedFrames < $0 }) ?? true {
            try readPeriod(&input)
            let startFrame = stats.capturedFrames
            let control = input.withUnsafeBufferPointer { samples in
                handler(AudioPeriod(samples: samples, startFrame: startFrame), &player)
            }
            stats.capturedFrames += Int64(period)
            stats.periods += 1
            // Playback starts with the first captured period, so the prefill is its whole margin.
            let firstPeriod = stats.periods == 1
            if firstPeriod { try writeSilence(frames: prefillFrames) }
            let events = output.withUnsafeMutableBufferPointer { out in
                player.render(into: out, startFrame: stats.playedFrames)
            }
            for event in events { onEvent(.prompt(event)) }
            try writePeriod(&output)
            if firstPeriod {
                try check(playback.start(), playback, "cannot start")
                onEvent(.started(capture: capture.format, playback: playback.format))
            }
            if case .hangUp = control { break }
        }
        onEvent(.ended(frames: stats.capturedFrames))
        return stats
    }

    private func writeSilence(frames: Int) throws {
        guard frames > 0 else { return }
        var silence = [Int16](repeating: 0, count: frames)
        try writePeriod(&silence, refillOnXrun: false)
    }

    private func readPeriod(_ buffer: inout [Int16]) throws {
        var filled = 0
        var stalls: Int32 = 0
        while filled < buffer.count {
            let result = buffer.withUnsafeMutableBufferPointer { all in
                // Zeroed first: the file plugin leaves the buffer untouched once its input file ends.
                let rest = UnsafeMutableBufferPointer(rebasing: all[filled...])
                rest.update(repeating: 0)
                return capture.read(into: rest)
            }
            if result > 0 {
                filled += result
            } else if result == -EAGAIN || result == 0 {
                _ = try awaitReady(capture, stalledMs: &stalls)
            } else {
                try recover(capture, from: Int32(result))
            }
        }
    }

    private func writePeriod(_ buffer: inout [Int16], refillOnXrun: Bool = true) throws {
        var written = 0
        var stalls: Int32 = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBufferPointer { all in
                playback.write(UnsafeBufferPointer(rebasing: all[written...]))
            }
            if result > 0 {
                written += result
                stats.playedFrames += Int64(result)
            } else if result == -EAGAIN || result == 0 {
                if try awaitReady(playback, stalledMs: &stalls), refillOnXrun { try prefillAfterUnderrun() }
            } else {
                try recover(playback, from: Int32(result))
                if refillOnXrun { try prefillAfterUnderrun() }
            }
        }
    }

    /// Polls `pcm` for up to 100 ms; recovers an xrun it reports (returns true) and gives up after `stallTimeoutMs`.
    private func awaitReady(_ pcm: ALSAPCM, stalledMs: inout Int32) throws -> Bool {
        let ready = pcm.waitReady(timeoutMs: 100)
        if ready < 0 {
            try recover(pcm, from: ready)
            return true
        }
        if ready == 0 {
            stalledMs += 100
            if stalledMs >= stallTimeoutMs {
                throw ALSAError(device: pcm.device, stream: pcm.direction.rawValue,
                                reason: "no period ready for \(stallTimeoutMs) ms (device stalled)")
            }
        }
        return false
    }

    private func prefillAfterUnderrun() throws {
        try writeSilence(frames: prefillFrames)
        try check(playback.start(), playback, "cannot restart after an underrun")
    }

    private func recover(_ pcm: ALSAPCM, from error: Int32) throws {
        guard error == -EPIPE || error == -ESTRPIPE else {
            throw ALSAError(device: pcm.device, stream: pcm.direction.rawValue, reason: "I/O failed", code: error)
        }
        let result = pcm.recover(from: error)
        guard result >= 0 else {
            throw ALSAError(device: pcm.device, stream: pcm.direction.rawValue,
                            reason: error == -EPIPE ? "cannot recover from an xrun" : "cannot resume after suspend", code: result)
        }
        if error == -EPIPE {
            stats.xruns += 1
            onEvent(.xrun(direction: pcm.direction, atFrame: stats.capturedFrames))
        } else {
            stats.suspends += 1
            onEvent(.suspended(direction: pcm.direction, atFrame: stats.capturedFrames))
        }
        // snd_pcm_recover re-prepares but does not restart; capture restarts here, playback after its refill.
        if pcm.direction == .capture {
            try check(pcm.start(), pcm, "cannot restart after an overrun")
        }
    }

    private func check(_ result: Int32, _ pcm: ALSAPCM, _ reason: String) throws {
        guard result >= 0 else {
            throw ALSAError(device: pcm.device, stream: pcm.direction.rawValue, reason: reason, code: result)
        }
    }
}
