import Synchronization
import Testing
import WarmlineAudio
import WarmlineSimulation
import WarmlineUnit

extension EndToEnd {
    /// The pacing strategies a call loop is given: the product's live one and the harness's file-fed one.
    @Suite("Call pacing")
    struct FileFedPacingTests {
        @Test("a file-fed caller is hung up once, half a second of audio after its script ends, and its loop waits for speech")
        func fileFedEndsScriptOnce() {
            let hangUps = Mutex(0)
            var pacing = FileFedPacing(callerFrames: 8000, rate: 8000, onCallerAudioEnd: { hangUps.withLock { $0 += 1 } })
            #expect(pacing.waitsForSpeech)
            #expect(!pacing.reportsSlowPeriods)
            var notes: [(Int, String)] = []
            // periods of 160 frames, no board waits: as fast as the CPU allows until the script is over
            for frame in stride(from: 0, to: 12_800, by: 160) {
                if let note = pacing.periodEnded(atFrame: frame, waitsOnBoard: false) { notes.append((frame, note)) }
            }
            #expect(notes.map(\.1) == ["caller's script is over"])
            // 8000 frames of script + 4000 (half a second at 8 kHz): the period starting at frame 12 000
            #expect(notes.first?.0 == 12_000)
            #expect(hangUps.withLock { $0 } == 1)
            #expect(pacing.isCallerAudioOver)
        }

        @Test("live pacing never waits for speech and never ends a caller; it holds a too-fast device to real time only while the call waits on the board")
        func liveHoldsRealTimeOnlyWhileWaiting() {
            var pacing: any CallPacing = LivePacing(rate: 8000)
            #expect(!pacing.waitsForSpeech)
            #expect(pacing.reportsSlowPeriods)
            // 10 s of audio delivered at once (ALSA's file plugin), nothing awaited: no hold at all
            var start = MonotonicClock.seconds()
            for frame in stride(from: 0, to: 80_000, by: 160) { #expect(pacing.periodEnded(atFrame: frame, waitsOnBoard: false) == nil) }
            #expect(MonotonicClock.seconds() - start < 1.0)
            // 300 ms of audio while the call waits on the board (a hand-off's dial tone): held to the wall clock
            start = MonotonicClock.seconds()
            for frame in stride(from: 80_000, through: 82_400, by: 160) { _ = pacing.periodEnded(atFrame: frame, waitsOnBoard: true) }
            #expect(MonotonicClock.seconds() - start >= 0.28)
        }
    }
}
