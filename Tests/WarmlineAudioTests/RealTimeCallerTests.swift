import Testing
import WarmlineDSP
import WarmlineSimulation
@testable import WarmlineAudio

@Suite("Scripted caller in real time through PulseAudio")
struct RealTimeCallerTests {
    @Test("the real-time caller's key press reaches the loop, and its recording shows the prompt stopping after the onset marker")
    func keyPressInRealTime() async throws {
        // The simulated caller gives up when its marker stream underruns (a writer starved for more than its 40 ms of
        // buffer: the onset timing is lost, not Warmline's). This suite starts with the whole test run, when the two cores
        // are saturated for its first seconds (one such stall in three full runs): a second call, once, is not starved.
        let heard: (digits: [Character], result: RealTimeCaller.Result)
        do {
            heard = try await Self.call()
        } catch let error as PulseAudioError where error.description.contains("underran") {
            heard = try await Self.call()
        }
        let (digits, result) = (heard.digits, heard.result)
        #expect(digits == ["7"])
        // The marker is mixed with the prompt in Warmline's sink (and may clip): find it by level.
        let marker = try #require(result.recording.firstIndex { $0 > 20000 })
        #expect(result.recording[(marker - 80)..<marker].contains(4000))
        let lastPrompt = try #require(result.recording.lastIndex(of: 4000))
        // The prompt stops after the key press, well within a second of real time.
        #expect(lastPrompt > marker && lastPrompt < marker + 8000)
    }

    /// One call: the caller presses 7 over the menu prompt, the loop detects it and stops the prompt.
    static func call() async throws -> (digits: [Character], result: RealTimeCaller.Result) {
        try await onOwnThread { () throws -> (digits: [Character], result: RealTimeCaller.Result) in
            let pulse = try PulseAudioServer(sinks: ["caller", "line"])
            defer { pulse.stop() }
            let timeline = try CallerScript([.silence(ms: 600), .dtmf("7"), .silence(ms: 600)]).timeline()
            let caller = try RealTimeCaller(server: pulse, sink: "caller", source: "line.monitor", markerSink: "line",
                                            timeline: timeline, totalFrames: timeline.samples.count + 2400)
            let config = try ALSAConfigOverlay(pulse.alsaPCM(name: "cap", device: "caller.monitor")
                + pulse.alsaPCM(name: "play", device: "line"))
            var detector = DTMFDetector()
            var digits: [Character] = []
            do {
                let loop = try AudioLoop(captureDevice: "cap", playbackDevice: "play", config: config)
                try loop.run(maxFrames: Int64(timeline.samples.count)) { period, player in
                    if period.startFrame == 0 { player.enqueue(PromptClip(id: "menu", samples: [Int16](repeating: 4000, count: 24000))) }
                    for event in detector.process(period.samples) where event.kind == .keyDown {
                        digits.append(event.digit)
                        player.stop()
                    }
                    return .proceed
                }
            }
            return (digits, try caller.wait())
        }
    }
}
