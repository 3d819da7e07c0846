import CALSA
import Glibc

/// Which way audio flows through a PCM.
public enum AudioDirection: String, Sendable {
    case capture, playback
}

/// One opened and configured ALSA PCM (S16_LE mono, interleaved read/write), owned by one thread.
public final class ALSAPCM {
    let handle: OpaquePointer
    /// The ALSA name it was opened by.
    public let device: String
    /// Capture or playback.
    public let direction: AudioDirection
    /// What the device granted (may differ from what was asked, within Warmline's limits).
    public let format: AudioFormat
    /// Whether reads and writes return -EAGAIN instead of waiting.
    public let nonBlocking: Bool
    private let overlay: ALSAConfigOverlay?

    /// Opens `device` for `direction` and negotiates `asked`; throws an `ALSAError` naming the device,
    /// what was asked and what was granted when the device cannot give Warmline a usable format.
    public init(device: String, direction: AudioDirection, asked: AudioFormat,
                nonBlocking: Bool = true, config: ALSAConfigOverlay? = nil) throws {
        self.device = device
        self.direction = direction
        self.nonBlocking = nonBlocking
        self.overlay = config
        let stream = direction == .capture ? SND_PCM_STREAM_CAPTURE : SND_PCM_STREAM_PLAYBACK
        let mode: Int32 = nonBlocking ? SND_PCM_NONBLOCK : 0
        var pcm: OpaquePointer?
        let err: Int32
        if let config {
            err = snd_pcm_open_lconf(&pcm, device, stream, mode, config.root)
        } else {
            err = snd_pcm_open(&pcm, device, stream, mode)
        }
        guard err >= 0, let pcm else {
            throw ALSAError(device: device, stream: direction.rawValue, reason: "cannot open", code: err)
        }
        do {
            self.format = try Self.negotiate(pcm, device: device, direction: direction, asked: asked)
        } catch {
            snd_pcm_close(pcm)
            throw error
        }
        self.handle = pcm
    }

    deinit {
        // Drop flushes what the file plugin still buffers, then the handle is released.
        snd_pcm_drop(handle)
        snd_pcm_close(handle)
    }

    private static func negotiate(_ pcm: OpaquePointer, device: String, direction: AudioDirection,
                                  asked: AudioFormat) throws -> AudioFormat {
        func fail(_ reason: String, _ code: Int32? = nil) -> ALSAError {
            ALSAError(device: device, stream: direction.rawValue, reason: reason, code: code)
        }
        var hwOptional: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&hwOptional) >= 0, let hw = hwOptional else {
            throw fail("out of memory for hardware parameters")
        }
        defer { snd_pcm_hw_params_free(hw) }
        var err = snd_pcm_hw_params_any(pcm, hw)
        guard err >= 0 else { throw fail("no hardware configuration available", err) }
        // A silent resampler would hide a wrong rate and add latency: refuse it.
        _ = snd_pcm_hw_params_set_rate_resample(pcm, hw, 0)
        err = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)
        guard err >= 0 else { throw fail("does not offer interleaved read/write access", err) }
        err = snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE)
        guard err >= 0 else { throw fail("asked format S16_LE, device does not offer it", err) }
        err = snd_pcm_hw_params_set_channels(pcm, hw, 1)
        guard err >= 0 else {
            var minChannels: UInt32 = 0
            snd_pcm_hw_params_get_channels_min(hw, &minChannels)
            throw fail("asked 1 channel (mono), device offers at least \(minChannels)", err)
        }
        var rate = UInt32(asked.sampleRate)
        var dir: Int32 = 0
        err = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, &dir)
        guard err >= 0 else { throw fail("asked \(asked.sampleRate) Hz, device refused any rate near it", err) }
        guard AudioFormat.supportedRates.contains(Int(rate)) else {
            throw fail("asked \(asked.sampleRate) Hz, granted \(rate) Hz; Warmline runs at "
                + AudioFormat.supportedRates.map { "\($0)" }.joined(separator: " or ") + " Hz (resampling is disabled)")
        }
        // Keep the period at the asked duration when the granted rate differs.
        var period = snd_pcm_uframes_t(asked.periodFrames * Int(rate) / asked.sampleRate)
        let askedPeriod = period
        dir = 0
        err = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &dir)
        guard err >= 0 else { throw fail("asked a period of \(askedPeriod) frames, device refused", err) }
        var buffer = period * snd_pcm_uframes_t(asked.bufferPeriods)
        err = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)
        guard err >= 0 else { throw fail("asked a buffer of \(asked.bufferPeriods) periods, device refused", err) }
        err = snd_pcm_hw_params(pcm, hw)
        guard err >= 0 else {
            throw fail("cannot apply S16_LE mono \(rate) Hz, period \(period), buffer \(buffer) frames", err)
        }
        snd_pcm_hw_params_get_period_size(hw, &period, &dir)
        snd_pcm_hw_params_get_buffer_size(hw, &buffer)
        let periodMs = Double(period) * 1000 / Double(rate)
        guard periodMs >= 5, periodMs <= 50 else {
            throw fail("asked a period of \(askedPeriod) frames, granted \(period) frames (\(periodMs) ms); Warmline needs 5–50 ms")
        }
        guard buffer >= 2 * period else {
            throw fail("asked a buffer of \(asked.bufferPeriods) periods, granted \(buffer) frames (less than 2 periods of \(period))")
        }
        let granted = AudioFormat(sampleRate: Int(rate), periodFrames: Int(period), bufferPeriods: Int(buffer / period))

        var swOptional: OpaquePointer?
        guard snd_pcm_sw_params_malloc(&swOptional) >= 0, let sw = swOptional else {
            throw fail("out of memory for software parameters")
        }
        defer { snd_pcm_sw_params_free(sw) }
        snd_pcm_sw_params_current(pcm, sw)
        snd_pcm_sw_params_set_avail_min(pcm, sw, period)
        // The loop starts both streams itself, after the playback prefill.
        snd_pcm_sw_params_set_start_threshold(pcm, sw, direction == .capture ? 1 : buffer * 2)
        err = snd_pcm_sw_params(pcm, sw)
        guard err >= 0 else { throw fail("cannot set software parameters", err) }
        err = snd_pcm_prepare(pcm)
        guard err >= 0 else { throw fail("cannot prepare", err) }
        return granted
    }

    /// The ALSA state (prepared, running, xrun, suspended...).
    public var state: snd_pcm_state_t { snd_pcm_state(handle) }

    /// Starts the stream if it is prepared; returns the ALSA result.
    @discardableResult
    public func start() -> Int32 {
        snd_pcm_state(handle) == SND_PCM_STATE_PREPARED ? snd_pcm_start(handle) : 0
    }

    /// Re-prepares the stream (after a drop or an error).
    @discardableResult
    public func prepare() -> Int32 { snd_pcm_prepare(handle) }

    /// Stops the stream now, discarding what is buffered (the file plugin flushes to its file).
    @discardableResult
    public func drop() -> Int32 { snd_pcm_drop(handle) }

    /// Recovers from an xrun (-EPIPE) or suspend (-ESTRPIPE); returns 0 when the stream can go on.
    public func recover(from error: Int32) -> Int32 { snd_pcm_recover(handle, error, 1) }

    /// Reads up to `buffer.count` frames; returns frames read or a negative errno.
    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) -> Int {
        Int(snd_pcm_readi(handle, buffer.baseAddress, snd_pcm_uframes_t(buffer.count)))
    }

    /// Writes up to `buffer.count` frames; returns frames written or a negative errno.
    public func write(_ buffer: UnsafeBufferPointer<Int16>) -> Int {
        Int(snd_pcm_writei(handle, buffer.baseAddress, snd_pcm_uframes_t(buffer.count)))
    }

    /// Frames that can be read or written now, or a negative errno.
    public func availableFrames() -> Int { Int(snd_pcm_avail_update(handle)) }

    /// Frames between the application pointer and the sound actually heard or captured.
    public func delayFrames() -> Int {
        var delay: snd_pcm_sframes_t = 0
        return snd_pcm_delay(handle, &delay) >= 0 ? Int(delay) : 0
    }

    /// Waits up to `timeoutMs` until a period can be read or written; returns false on timeout.
    /// Returns the error code through `error` when ALSA reports one (xrun/suspend).
    public func waitReady(timeoutMs: Int32) -> Int32 {
        let count = snd_pcm_poll_descriptors_count(handle)
        guard count > 0 else { return snd_pcm_wait(handle, timeoutMs) }
        var fds = [pollfd](repeating: pollfd(), count: Int(count))
        snd_pcm_poll_descriptors(handle, &fds, UInt32(count))
        while true {
            let ready = poll(&fds, nfds_t(count), timeoutMs)
            if ready < 0 {
                if errno == EINTR { continue }
                return -errno
            }
            if ready == 0 { return 0 }
            var revents: UInt16 = 0
            let err = snd_pcm_poll_descriptors_revents(handle, &fds, UInt32(count), &revents)
            if err < 0 { return err }
            if revents & UInt16(POLLERR) != 0 {
                let state = snd_pcm_state(handle)
                if state == SND_PCM_STATE_XRUN { return -EPIPE }
                if state == SND_PCM_STATE_SUSPENDED { return -ESTRPIPE }
                return -EIO
            }
            if revents & UInt16(direction == .capture ? POLLIN : POLLOUT) != 0 { return 1 }
        }
    }
}
