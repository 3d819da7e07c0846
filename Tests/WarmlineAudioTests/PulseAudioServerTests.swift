import Foundation
import Glibc
import Testing
import WarmlineSimulation
@testable import WarmlineAudio

@Suite("Real-time duplex through PulseAudio null sinks", .serialized)
struct PulseAudioServerTests {
    @Test("a stalled loop underruns, recovers, reports the xrun, and the call goes on with its frame clock intact",
          arguments: [true, false])
    func xrunRecovery(nonBlocking: Bool) async throws {
        let periods = 60
        let run = try await onOwnThread { () throws -> (stats: AudioLoopStats, events: [AudioLoopEvent], periodFrames: Int) in
            let pulse = try PulseAudioServer(sinks: ["caller", "line"])
            defer { pulse.stop() }
            let config = try ALSAConfigOverlay(pulse.alsaPCM(name: "cap", device: "caller.monitor")
                + pulse.alsaPCM(name: "play", device: "line"))
            var events: [AudioLoopEvent] = []
            let loop = try AudioLoop(captureDevice: "cap", playbackDevice: "play", nonBlocking: nonBlocking,
                                     config: config, prefillFrames: 160) { events.append($0) }
            let stats = try loop.run(maxFrames: Int64(periods * loop.format.periodFrames)) { period, player in
                if period.startFrame == 0 { player.enqueue(PromptClip(id: "tone", samples: [Int16](repeating: 3000, count: 80_000))) }
                // Stall the loop for 300 ms (15 periods): longer than the whole playback buffer.
                if period.startFrame == Int64(20 * loop.format.periodFrames) { usleep(300_000) }
                return .proceed
            }
            return (stats, events, loop.format.periodFrames)
        }
        let (stats, events, periodFrames) = (run.stats, run.events, run.periodFrames)
        let xruns = events.filter { if case .xrun = $0 { return true } else { return false } }
        #expect(stats.xruns >= 1)
        #expect(xruns.count == stats.xruns)
        #expect(xruns.contains(.xrun(direction: .playback, atFrame: Int64(21 * periodFrames))))
        #expect(stats.periods == periods)
        #expect(stats.capturedFrames == Int64(periods * periodFrames))
    }
}
