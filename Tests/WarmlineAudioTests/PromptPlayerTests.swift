import Testing
@testable import WarmlineAudio

@Suite("Prompt player")
struct PromptPlayerTests {
    private func render(_ player: inout PromptPlayer, periods: Int, periodFrames: Int = 160,
                        events: inout [PromptPlaybackEvent]) -> [Int16] {
        var out: [Int16] = []
        var period = [Int16](repeating: 0, count: periodFrames)
        for index in 0..<periods {
            events += period.withUnsafeMutableBufferPointer {
                player.render(into: $0, startFrame: Int64(index * periodFrames))
            }
            out += period
        }
        return out
    }

    @Test("a queued prompt follows the previous one with no gap, sample-exactly, across a period boundary")
    func gaplessQueue() {
        let first = PromptClip(id: "a", samples: (1...250).map { Int16($0) })
        let second = PromptClip(id: "b", samples: (1001...1333).map { Int16($0) })
        var player = PromptPlayer()
        player.enqueue(first)
        player.enqueue(second)
        var events: [PromptPlaybackEvent] = []
        let out = render(&player, periods: 5, events: &events)
        #expect(Array(out[0..<583]) == first.samples + second.samples)
        #expect(out[583...].allSatisfy { $0 == 0 })
        #expect(events == [.started(id: "a", frame: 0), .finished(id: "a", frame: 250),
                           .started(id: "b", frame: 250), .finished(id: "b", frame: 583)])
        #expect(!player.isPlaying)
    }

    @Test("stop silences the very next period, drops the queue, and the stopped prompt never resumes")
    func bargeIn() {
        var player = PromptPlayer()
        player.enqueue(PromptClip(id: "menu", samples: [Int16](repeating: 900, count: 8000)))
        player.enqueue(PromptClip(id: "after", samples: [Int16](repeating: 700, count: 800)))
        var events: [PromptPlaybackEvent] = []
        var out = render(&player, periods: 3, events: &events)
        player.stop()
        out += render(&player, periods: 10, events: &events)
        #expect(out[..<480].allSatisfy { $0 == 900 })
        #expect(out[480...].allSatisfy { $0 == 0 })
        #expect(events.last == .stopped(id: "menu", frame: 0))
        #expect(!player.isPlaying)
        // A new prompt after the stop starts from its own beginning, not the old one's remainder.
        player.enqueue(PromptClip(id: "sorry", samples: [5, 6, 7]))
        out = render(&player, periods: 1, events: &events)
        #expect(Array(out[0..<4]) == [5, 6, 7, 0])
    }

    @Test("a prompt queued in the same period as a stop plays from the next period, and the stopped one is reported")
    func stopThenEnqueueInOnePeriod() {
        var player = PromptPlayer()
        player.enqueue(PromptClip(id: "greeting", samples: [Int16](repeating: 900, count: 8000)))
        var events: [PromptPlaybackEvent] = []
        _ = render(&player, periods: 2, events: &events)
        player.stop()
        player.enqueue(PromptClip(id: "connecting", samples: [Int16](repeating: 400, count: 200)))
        #expect(player.queuedIDs == ["connecting"])
        let out = render(&player, periods: 2, events: &events)
        #expect(out[..<200].allSatisfy { $0 == 400 })
        #expect(out[200...].allSatisfy { $0 == 0 })
        #expect(events.suffix(3) == [.stopped(id: "greeting", frame: 0), .started(id: "connecting", frame: 0),
                                     .finished(id: "connecting", frame: 200)])
    }
}
