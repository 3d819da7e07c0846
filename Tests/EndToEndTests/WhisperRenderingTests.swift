import Foundation
import Testing
import WarmlineAudio
import WarmlineSimulation
import WarmlineStore
import WarmlineTestSupport
import WarmlineUnit

extension EndToEnd {
    /// The agent's whisper is rendered by a task (espeak-ng and sox through swift-subprocess), never on the audio thread.
    @Suite("Whisper rendering end to end")
    struct WhisperRenderingTests {
        @Test("A renderer slower than the wait: the audio loop runs on, the agent hears the fallback 1500 ms of call audio after the answer, and the transfer completes when it ends")
        func slowRendererFallsBack() async throws {
            var options = try EndToEndRig.options("slow-whisper")
            // The real espeak-ng, started late: a stand-in for a renderer starved on a busy unit.
            let slowEspeak = options.workDirectory + "/slow-espeak-ng"
            try FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
            try ExecutableScript.write("#!/bin/sh\nsleep 8\nexec espeak-ng \"$@\"\n", to: slowEspeak)
            options.whisperTools.espeak = slowEspeak
            let transcript = TranscriptLines()
            let session = DemoSession(options: options, transcript: { transcript.append($0) })
            // A balance no other test's caller has: the whisper's text is new to the run's shared cache, so it must be rendered.
            let caller = ScriptedCaller(label: "presses 0 after the safety sentence", number: "+15550121", name: "Ida Ruiz",
                                        balanceMinor: 4321, steps: [.silence(ms: 11_000), .dtmf("0"), .silence(ms: 20_000)])
            let calls = try await session.run(lines: [[caller]])
            let call = try #require(calls.first, "\(transcript.text)")
            #expect(call.result.outcome == WarmlineStore.CallOutcome.reachedPerson.rawValue, "\(transcript.text)")
            #expect(transcript.text.contains("whisper not rendered within 1500 ms of call audio: the agent hears the fallback"),
                    "\(transcript.text)")
            #expect(transcript.text.contains("balance 43.21"), "the whisper names the caller's balance: \(transcript.text)")
            let whispered = try #require(try EndToEndRig.events(options.databasePath, callID: call.result.callID, type: "handoff.whisper").first)
            let connected = try #require(try EndToEndRig.events(options.databasePath, callID: call.result.callID, type: "handoff.connected").first)
            // In audio time: the wait, then the whole fallback clip, then the transfer; the end is logged at the start of the
            // period the clip ends in, so up to one period early, and at most a few periods late.
            let fallback = PromptRenderer(cacheDirectory: options.promptCacheDirectory + "/whisper")
            let fallbackFrames = try fallback.verify(path: fallback.path(language: "en", id: "whisper-fallback",
                                                                         text: LineRunner.whisperFallbackText)).samples.count
            let waitFrames = 1500 * 8
            let elapsed = Int(connected.frameTime - whispered.frameTime)
            #expect(elapsed >= waitFrames + fallbackFrames - 160 && elapsed <= waitFrames + fallbackFrames + 3 * 160,
                    "whisper at frame \(whispered.frameTime), connected at \(connected.frameTime); fallback \(fallbackFrames) frames")
        }
    }
}
