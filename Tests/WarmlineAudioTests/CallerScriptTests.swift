import Testing
import WarmlineSimulation
@testable import WarmlineAudio

@Suite("Caller scripts")
struct CallerScriptTests {
    @Test("a script's speech file, key presses, silence and hang-up land at the frames the script says")
    func timeline() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try WAVFile(sampleRate: 8000, samples: [Int16](repeating: 700, count: 1200)).write(path: dir.path("hello.wav"))
        let script = CallerScript([try .speech(wavPath: dir.path("hello.wav")), .silence(ms: 100),
                                   .dtmf("12", toneMs: 50, gapMs: 50), .hangUp, .silence(ms: 1000)])
        let timeline = try script.timeline()
        #expect(timeline.dtmf.map(\.onsetFrame) == [2000, 2800])
        #expect(timeline.dtmf.map(\.digit) == ["1", "2"])
        #expect(timeline.hangUpFrame == 3600)
        #expect(timeline.samples.count == 3600)
        #expect(Array(timeline.samples[0..<1200]) == [Int16](repeating: 700, count: 1200))
        #expect(timeline.samples[2000..<2400].contains { abs(Int($0)) > 1000 })
        #expect(timeline.samples[2400..<2800].allSatisfy { $0 == 0 })
    }

    @Test("a speech file at another rate is refused with the conversion command")
    func wrongRateSpeech() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try WAVFile(sampleRate: 22050, samples: [1, 2, 3]).write(path: dir.path("hello.wav"))
        let error = #expect(throws: WAVFile.FormatError.self) { try CallerStep.speech(wavPath: dir.path("hello.wav")) }
        #expect(error?.description.contains("rate 22050 Hz, the line runs at 8000 Hz") == true)
    }
}
