import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineDSP
import WarmlineSimulation

/// `warmline-bench audio`: the ALSA loop's speed through the file plugin and its real-time latency through PulseAudio.
struct AudioBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Audio loop: file-plugin throughput (vs arecord) and PulseAudio barge-in / answer latency / CPU.")

    @Option(help: "Length of the file-plugin call in minutes.")
    var minutes = 10

    @Option(help: "Key presses in the real-time barge-in run.")
    var bargeIns = 30

    @Option(help: "Answers in the real-time answer-latency run.")
    var answers = 10

    @Option(help: "Period length in ms for the real-time part (the line runs at 20).")
    var periodMs = 20

    @Option(help: "Periods of buffer for the real-time part (2 to 4).")
    var bufferPeriods = 3

    @Option(help: "Frames of silence prefilled before playback starts in the real-time part (default: one period).")
    var prefillFrames: Int?

    @Flag(help: "Skip the PulseAudio real-time part.")
    var noPulse = false

    func run() async throws {
        try await fileThroughput()
        if noPulse { return }
        let pulse: PulseAudioServer
        do {
            pulse = try PulseAudioServer(sinks: ["caller", "line"])
        } catch {
            print("PulseAudio real-time path unavailable: \(error)")
            throw ExitCode.failure
        }
        defer { pulse.stop() }
        try bargeInLatency(pulse)
        try answerLatency(pulse)
    }

    // MARK: file plugin

    private func fileThroughput() async throws {
        let directory = try BenchSupport.corpusDirectory().appendingPathComponent("audio").path
        let speech = try await Self.callerSpeech()
        var steps: [CallerStep] = []
        let cycle = Double(speech.count) / 8000 + 1 + 0.8 + 2
        for _ in 0..<Int(Double(minutes * 60) / cycle) {
            steps += [.speech(speech), .silence(ms: 1000), .dtmf("1234"), .silence(ms: 2000)]
        }
        steps.append(.silence(ms: 1000))
        let line = try FileCallerLine(script: CallerScript(steps), directory: directory)
        let frames = line.frames()
        let callSeconds = Double(frames) / 8000
        var dsp = LineDSP()
        let prompt = Self.promptTone(seconds: 4)
        let wallStart = MonotonicClock.seconds()
        let cpuStart = BenchSupport.cpuSeconds()
        let stats: AudioLoopStats
        do {
            let loop = try line.makeLoop()
            stats = try loop.run(maxFrames: frames) { period, player in
                if dsp.process(period.samples) { player.stop() } else if !player.isPlaying { player.enqueue(prompt) }
                return .proceed
            }
        }
        let wall = MonotonicClock.seconds() - wallStart
        let cpu = BenchSupport.cpuSeconds() - cpuStart
        let recorded = try line.recording().samples.count
        let expectedKeys = line.timeline.dtmf.count

        // Peer: arecord capturing the same file through the same file-plugin PCM (capture only, no DSP, no playback).
        let configPath = directory + "/asoundrc"
        try line.config.text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let peerStart = MonotonicClock.seconds()
        try BenchSupport.shell("ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:\(configPath) arecord -q -D \(line.captureDevice) "
            + "-t raw -f S16_LE -r 8000 -c 1 -s \(frames) /dev/null")
        let peerWall = MonotonicClock.seconds() - peerStart

        print("audio loop through libasound2's file plugin: \(String(format: "%.1f", callSeconds / 60))-minute call, "
            + "\(stats.periods) periods of 20 ms")
        let widths = [44, 16, 16]
        print(BenchSupport.row(["", "Warmline loop", "arecord (peer)"], widths: widths))
        print(BenchSupport.row(["work per period", "read+DSP+write", "read only"], widths: widths))
        print(BenchSupport.row(["wall time (s)", String(format: "%.3f", wall), String(format: "%.3f", peerWall)], widths: widths))
        print(BenchSupport.row(["× real time (bar ≥ 500×)", String(format: "%.0f×", callSeconds / wall),
                                String(format: "%.0f×", callSeconds / peerWall)], widths: widths))
        print(BenchSupport.row(["CPU (s)", String(format: "%.3f", cpu), "-"], widths: widths))
        print(BenchSupport.row(["frames captured / expected", "\(stats.capturedFrames)/\(frames)", "-"], widths: widths))
        print(BenchSupport.row(["frames recorded (prefill + call)", "\(recorded)", "-"], widths: widths))
        print(BenchSupport.row(["key presses detected / played", "\(dsp.keyDowns)/\(expectedKeys)", "-"], widths: widths))
        print("")
    }

    // MARK: PulseAudio real time

    private func bargeInLatency(_ pulse: PulseAudioServer) throws {
        var steps: [CallerStep] = [.silence(ms: 600)]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<bargeIns {
            steps += [.silence(ms: Int.random(in: 500...900, using: &generator)), .dtmf("5", toneMs: 100, gapMs: 0)]
        }
        steps.append(.silence(ms: 600))
        let timeline = try CallerScript(steps).timeline()
        let totalFrames = timeline.samples.count + 8000
        let caller = try RealTimeCaller(server: pulse, sink: "caller", source: "line.monitor", markerSink: "line",
                                        timeline: timeline, totalFrames: totalFrames)
        let config = try ALSAConfigOverlay(pulse.alsaPCM(name: "warmline_in", device: "caller.monitor")
            + pulse.alsaPCM(name: "warmline_out", device: "line"))
        var dsp = LineDSP()
        var events: [AudioLoopEvent] = []
        let prompt = Self.promptTone(seconds: 5)
        var quietPeriods = 0
        var detectedAt: [Double] = []
        let loop = try AudioLoop(captureDevice: "warmline_in", playbackDevice: "warmline_out", format: realTimeFormat,
                                 config: config, prefillFrames: prefillFrames) { events.append($0) }
        let cpuStart = Self.threadCPUSeconds(), wallStart = MonotonicClock.seconds()
        try loop.run(maxFrames: Int64(totalFrames - 4000)) { period, player in
            if dsp.process(period.samples) {
                player.stop()
                detectedAt.append(MonotonicClock.seconds())
                quietPeriods = 0
            } else {
                quietPeriods += 1
                if quietPeriods >= 10 && !player.isPlaying { player.enqueue(prompt) }
            }
            return .proceed
        }
        let cpu = Self.threadCPUSeconds() - cpuStart, wall = MonotonicClock.seconds() - wallStart
        let result = try caller.wait()
        // Each onset is the marker spike the caller wrote into Warmline's sink in step with its key press.
        let markers = result.recording.indices.filter { result.recording[$0] > 20000 }
        var latenciesMs: [Double] = [], toDetectionMs: [Double] = [], detectionToStopMs: [Double] = []
        var skipped = 0
        for onset in markers {
            guard onset > 80, Self.isPlaying(result.recording, around: onset - 40),
                  let stop = Self.firstSilence(result.recording, from: onset + 1) else { skipped += 1; continue }
            latenciesMs.append(Double(stop - onset) / 8)
            let onsetSeconds = result.recordingSeconds(onset)
            if let detected = detectedAt.first(where: { $0 > onsetSeconds - 0.02 }) {
                toDetectionMs.append((detected - onsetSeconds) * 1000)
                detectionToStopMs.append((result.recordingSeconds(stop) - detected) * 1000)
            }
        }
        if markers.count != timeline.dtmf.count {
            print("  warning: \(markers.count) onset markers found in the recording for \(timeline.dtmf.count) key presses")
        }
        let xruns = events.filter { if case .xrun = $0 { return true } else { return false } }.count
        print("real time through PulseAudio null sinks (ALSA pulse plugin, \(periodMs) ms periods, "
            + "\(bufferPeriods) periods of buffer, prefill \(prefillFrames ?? realTimeFormat.periodFrames) frames):")
        print("  barge-in, DTMF onset in the caller's audio -> prompt audio stops in the recording, \(latenciesMs.count) presses"
            + (skipped > 0 ? " (\(skipped) skipped: prompt not playing at onset)" : ""))
        print(String(format: "    p50 %.1f ms   p95 %.1f ms   min %.1f   max %.1f   (bars ≤ 60 / 80 ms)",
                     Self.percentile(latenciesMs, 0.5), Self.percentile(latenciesMs, 0.95),
                     latenciesMs.min() ?? 0, latenciesMs.max() ?? 0))
        print(String(format: "    split by the monotonic clock (approximate): onset -> detection in the loop p50 %.1f ms "
            + "(capture path + DTMF detector + period); detection -> silence p50 %.1f ms (prefill + playback path)",
                     Self.percentile(toDetectionMs, 0.5), Self.percentile(detectionToStopMs, 0.5)))
        print("    key presses detected by WarmlineDSP in the loop: \(dsp.keyDowns)/\(timeline.dtmf.count); xruns: \(xruns)")
        print(String(format: "  CPU of the line's loop with DSP (DTMF, VAD, level, pitch) running: %.2f %% of one core "
            + "(%.3f s CPU over %.1f s; bar ≤ 2 %%)", 100 * cpu / wall, cpu, wall))
    }

    private func answerLatency(_ pulse: PulseAudioServer) throws {
        let trialFrames = 8000 / 2
        let gapFrames = 8000 / 5
        let totalFrames = answers * (trialFrames + gapFrames) + 16000
        let caller = try RealTimeCaller(server: pulse, sink: "caller", source: "line.monitor",
                                        timeline: try CallerScript([.silence(ms: totalFrames / 8)]).timeline(),
                                        totalFrames: totalFrames)
        usleep(300_000)
        let config = try ALSAConfigOverlay(pulse.alsaPCM(name: "warmline_in", device: "caller.monitor")
            + pulse.alsaPCM(name: "warmline_out", device: "line"))
        let prompt = Self.promptTone(seconds: 1)
        var answeredAt: [Double] = []
        for _ in 0..<answers {
            do {
                let loop = try AudioLoop(captureDevice: "warmline_in", playbackDevice: "warmline_out",
                                         format: realTimeFormat, config: config, prefillFrames: prefillFrames)
                // Answer: the greeting is queued before the first period, as the engine does on off-hook.
                loop.player.enqueue(prompt)
                answeredAt.append(MonotonicClock.seconds())
                try loop.run(maxFrames: Int64(trialFrames)) { _, _ in .proceed }
            }
            usleep(UInt32(gapFrames * 125))
        }
        let result = try caller.wait()
        var latenciesMs: [Double] = []
        for answered in answeredAt {
            let start = result.recordingFrame(at: answered)
            guard start >= 0, let first = result.recording[start...].firstIndex(where: { abs(Int($0)) > 500 }) else { continue }
            latenciesMs.append(Double(first - start) / 8)
        }
        print("  answer -> first prompt sample in the recording, \(latenciesMs.count) answers (PCMs already open):")
        print(String(format: "    p50 %.1f ms   p95 %.1f ms   max %.1f ms   (bar ≤ 150 ms)",
                     Self.percentile(latenciesMs, 0.5), Self.percentile(latenciesMs, 0.95), latenciesMs.max() ?? 0))
    }

    // MARK: helpers

    private var realTimeFormat: AudioFormat { AudioFormat(sampleRate: 8000, periodMs: periodMs, bufferPeriods: bufferPeriods) }

    /// The DSP one line runs per period; returns true when a key went down (barge-in).
    struct LineDSP {
        var dtmf = DTMFDetector()
        var vad = VoiceActivityDetector()
        var level = LevelMeter()
        var pitch = PitchTracker()
        var keyDowns = 0

        mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
            _ = vad.process(samples)
            _ = level.process(samples)
            _ = pitch.process(samples)
            let downs = dtmf.process(samples).filter { $0.kind == .keyDown }.count
            keyDowns += downs
            return downs > 0
        }
    }

    /// A steady 600 Hz prompt, so the recording shows exactly where playback stops.
    static func promptTone(seconds: Int) -> PromptClip {
        PromptClip(id: "tone", samples: (0..<seconds * 8000).map { Int16(6000 * sin(2 * Double.pi * 600 * Double($0) / 8000)) })
    }

    /// Real speech for the caller: the English main-menu prompt rendered with espeak-ng (cached).
    static func callerSpeech() async throws -> [Int16] {
        let library = try PromptLibrary(root: "Prompts", languages: ["en"], cacheDirectory: ".cache/prompts")
        _ = try await library.render(language: "en")
        return try library.clips("main_menu_short", language: "en").flatMap(\.samples)
    }

    static func isPlaying(_ samples: [Int16], around frame: Int) -> Bool {
        samples[max(0, frame - 40)..<min(samples.count, frame + 40)].contains { abs(Int($0)) > 3000 }
    }

    /// The first frame from `start` that begins 10 ms of silence.
    static func firstSilence(_ samples: [Int16], from start: Int) -> Int? {
        var run = 0
        for index in start..<samples.count {
            run = abs(Int(samples[index])) < 200 ? run + 1 : 0
            if run == 80 { return index - 79 }
        }
        return nil
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
