import Testing
@testable import WarmlineSpeech

@Suite("Utterance recorder")
struct UtteranceRecorderTests {
    /// Feeds 20 ms chunks: each `true` is speech (value 1000), `false` silence (value 0).
    func record(_ pattern: [Bool], recorder: inout UtteranceRecorder) -> [UtteranceRecorder.Utterance] {
        var found: [UtteranceRecorder.Utterance] = []
        for isSpeech in pattern {
            if let utterance = recorder.process([Int16](repeating: isSpeech ? 1000 : 0, count: 160), isSpeech: isSpeech) {
                found.append(utterance)
            }
        }
        return found + (recorder.flush().map { [$0] } ?? [])
    }

    @Test("an utterance starts 300 ms before the speech and ends after 500 ms of silence, in line frames")
    func preRollAndTail() throws {
        var recorder = UtteranceRecorder()
        let pattern = Array(repeating: false, count: 50) + Array(repeating: true, count: 50) + Array(repeating: false, count: 50)
        let utterances = record(pattern, recorder: &recorder)
        let utterance = try #require(utterances.first)
        #expect(utterances.count == 1)
        #expect(utterance.startFrame == 50 * 160 - 2400)
        #expect(utterance.samples.count == 2400 + 50 * 160 + 4000)
        #expect(utterance.samples.filter { $0 == 1000 }.count == 50 * 160)
    }

    @Test("two phrases with a long pause are two utterances; a click is none")
    func splitsAndDropsClicks() {
        var recorder = UtteranceRecorder()
        let phrase = Array(repeating: true, count: 40)
        let pause = Array(repeating: false, count: 40)
        let click = [true, true]
        let utterances = record(phrase + pause + phrase + pause + click + pause, recorder: &recorder)
        #expect(utterances.count == 2)
        #expect(utterances[1].startFrame == 80 * 160 - 2400)
    }

    @Test("a caller who never pauses is cut at the longest utterance")
    func longestUtterance() {
        var recorder = UtteranceRecorder(maxFrames: 16000)
        let utterances = record(Array(repeating: true, count: 250), recorder: &recorder)
        #expect(utterances.map(\.samples.count) == [16000, 16000, 8000])
        #expect(utterances.map(\.startFrame) == [0, 16000, 32000])
    }
}
