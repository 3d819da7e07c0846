import Foundation
import Testing
@testable import WarmlineSpeech

@Suite("Transcript listener on a line", .serialized, .enabled(if: InstalledRecognizer.isInstalled, InstalledRecognizer.skipReason))
struct TranscriptListenerTests {
    @Test("two sentences a second apart come back as two verdicts in line time: the calm one a mention, the request distress")
    func twoUtterances() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let matcher = try #require(try PhraseMatcher.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml"))
        let listener = TranscriptListener(recognizer: recognizer, matcher: matcher, timeoutMs: 20_000)
        let calm = try RenderedSpeech.render("the police station is near the market", engine: .flite("kal"))
        let request = try RenderedSpeech.render("someone is hurting me", engine: .flite("slt"))
        let audio = calm + [Int16](repeating: 0, count: 8000) + request
        for period in RenderedSpeech.periods(audio) { listener.process(period.samples, isSpeech: period.isSpeech) }
        listener.flush()
        // a real process on the wall clock: look every 20 ms until both verdicts are in
        let by = ContinuousClock.now + .seconds(40)
        while listener.awaiting > 0, ContinuousClock.now < by { usleep(20_000) }
        let verdicts = listener.collect()
        #expect(verdicts.count == 2)
        #expect(verdicts.first?.decision?.kind == .mention, "\(verdicts.map(\.outcome))")
        #expect(verdicts.last?.decision?.kind == .distress, "\(verdicts.map(\.outcome))")
        let second = try #require(verdicts.last)
        #expect(second.startFrame >= calm.count && second.startFrame < calm.count + 8000 + 2400)
        #expect(second.endFrame <= audio.count)
        #expect(listener.collect().isEmpty)
    }
}
