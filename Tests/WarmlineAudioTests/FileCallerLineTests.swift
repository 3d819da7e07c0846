import Testing
import WarmlineDSP
import WarmlineSimulation
@testable import WarmlineAudio

@Suite("Scripted caller through the file plugin")
struct FileCallerLineTests {
    @Test("a caller's key press is detected in the loop and the prompt stops in the very next period written")
    func keyPressBargesIn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let script = CallerScript([.silence(ms: 500), .dtmf("5"), .silence(ms: 400), .hangUp])
        let line = try FileCallerLine(script: script, directory: dir.path("call"))
        let onset = try #require(line.timeline.dtmf.first)
        #expect(onset.onsetFrame == 4000)
        var detector = DTMFDetector()
        var keyDownFrame: Int64?
        var digits: [Character] = []
        do {
            let loop = try line.makeLoop(prefillFrames: 160)
            let stats = try loop.run(maxFrames: line.frames()) { period, player in
                if period.startFrame == 0 { player.enqueue(PromptClip(id: "menu", samples: [Int16](repeating: 2000, count: 16000))) }
                for event in detector.process(period.samples) where event.kind == .keyDown {
                    digits.append(event.digit)
                    keyDownFrame = period.startFrame
                    player.stop()
                }
                return .proceed
            }
            #expect(stats.capturedFrames == line.frames())
        }
        #expect(digits == ["5"])
        let detectedIn = try #require(keyDownFrame)
        let played = try line.recording().samples
        let stopFrame = (played.lastIndex(of: 2000) ?? 0) + 1
        // The period written right after the detecting period is the first silent one (after one period of prefill).
        #expect(stopFrame == 160 + Int(detectedIn))
        // Audio time from the tone's onset to the prompt's stop: the detector's latency plus at most one period.
        let bargeInMs = Double(stopFrame - 160 - onset.onsetFrame) / 8
        #expect(bargeInMs > 0 && bargeInMs <= 60)
    }
}
