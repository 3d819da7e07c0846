import Foundation
import Testing
import WarmlineSimulation
@testable import WarmlineAudio

@Suite("Audio loop through libasound2's file plugin")
struct AudioLoopTests {
    @Test("caller audio comes in frame-exact and the playback file holds the prompt at the expected offset",
          arguments: [8000, 16000])
    func roundTrip(sampleRate: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let format = AudioFormat(sampleRate: sampleRate)
        let periods = 50
        let caller = callerSignal(frames: periods * format.periodFrames)
        let line = try FileCallerLine(script: CallerScript([.speech(caller)]), directory: dir.path("call"),
                                      sampleRate: sampleRate)
        let prompt = PromptClip(id: "tone", samples: (0..<500).map { Int16($0 * 10 + 1) })
        var heard: [Int16] = []
        var events: [AudioLoopEvent] = []
        let stats: AudioLoopStats
        do {
            let loop = try line.makeLoop(format: format, prefillFrames: 2 * format.periodFrames) { events.append($0) }
            #expect(loop.format == format)
            stats = try loop.run(maxFrames: line.frames(periodFrames: format.periodFrames)) { period, player in
                heard.append(contentsOf: period.samples)
                if period.startFrame == Int64(10 * format.periodFrames) { player.enqueue(prompt) }
                return .proceed
            }
        }
        #expect(stats.capturedFrames == Int64(caller.count))
        #expect(stats.periods == periods)
        #expect(heard == caller)
        let played = try line.recording()
        #expect(played.sampleRate == sampleRate)
        // Two periods of prefill, then the period written after period 10 was handled.
        let offset = (2 + 10) * format.periodFrames
        #expect(played.samples.count == (2 + periods) * format.periodFrames)
        #expect(Array(played.samples[offset..<offset + prompt.samples.count]) == prompt.samples)
        #expect(played.samples[..<offset].allSatisfy { $0 == 0 })
        #expect(played.samples[(offset + prompt.samples.count)...].allSatisfy { $0 == 0 })
        #expect(events.contains(.prompt(.started(id: "tone", frame: Int64(offset)))))
        #expect(events.contains(.prompt(.finished(id: "tone", frame: Int64(offset + prompt.samples.count)))))
    }

    @Test("a device name ALSA does not know is an error naming the device")
    func unknownDevice() throws {
        let error = #expect(throws: ALSAError.self) {
            _ = try ALSAPCM(device: "no_such_line", direction: .capture, asked: AudioFormat())
        }
        #expect(error?.device == "no_such_line")
        #expect(error?.description.contains("ALSA capture device 'no_such_line': cannot open") == true)
    }

    @Test("a device that only grants 44100 Hz is refused with the asked and granted rates, not resampled")
    func wrongRate() throws {
        let config = try ALSAConfigOverlay("pcm.cd { type plug slave { pcm { type null } rate 44100 } }\n")
        let error = #expect(throws: ALSAError.self) {
            _ = try ALSAPCM(device: "cd", direction: .playback, asked: AudioFormat(), config: config)
        }
        #expect(error?.description.contains("asked 8000 Hz, granted 44100 Hz") == true)
    }

    @Test("16 kHz is granted and the period keeps its 20 ms")
    func sixteenKilohertz() throws {
        let config = try ALSAConfigOverlay("pcm.wide { type plug slave { pcm { type null } rate 16000 } }\n")
        let pcm = try ALSAPCM(device: "wide", direction: .playback, asked: AudioFormat(), config: config)
        #expect(pcm.format.sampleRate == 16000)
        #expect(pcm.format.periodFrames == 320)
    }
}

@Suite("Barge-in through the loop")
struct AudioLoopBargeInTests {
    @Test("a stop in the handler leaves prompt audio in the playback file for at most the period already written")
    func stopWithinOnePeriod() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let format = AudioFormat()
        let periods = 40
        let line = try FileCallerLine(script: CallerScript([.silence(ms: periods * 20)]), directory: dir.path("call"))
        let stopPeriod = 12
        do {
            let loop = try line.makeLoop(format: format, prefillFrames: 160)
            try loop.run(maxFrames: line.frames()) { period, player in
                let index = Int(period.startFrame) / format.periodFrames
                if index == 0 { player.enqueue(PromptClip(id: "menu", samples: [Int16](repeating: 1234, count: 16000))) }
                if index == stopPeriod { player.stop() }
                return .proceed
            }
        }
        let played = try line.recording().samples
        let lastPrompt = played.lastIndex(of: 1234) ?? -1
        // Prefill + periods 0..<stopPeriod carried the prompt; the period written after the stop is silent.
        #expect(lastPrompt == (1 + stopPeriod) * format.periodFrames - 1)
        #expect(played[(lastPrompt + 1)...].allSatisfy { $0 == 0 })
    }
}
