import Foundation
import Testing
import WarmlineCore
@testable import WarmlineSpeech

@Suite("Keyword spotter thread", .serialized)
struct KeywordSpotterThreadTests {
    static func english() throws -> KeywordList {
        try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml")
    }

    @Test("periods submitted from the audio loop come back as the distress keyword, at the frames a synchronous spotter gives")
    func keywordThroughThread() throws {
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        let expected = RenderedSpeech.spot(audio, with: try KeywordSpotter(keywords: try Self.english()))
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()))
        for period in RenderedSpeech.periods(audio) {
            #expect(thread.submit(period.samples, isSpeech: period.isSpeech))
        }
        thread.flush()
        var ticks = 0
        thread.waitUntilIdle { ticks += 1 }
        let hits = thread.collect()
        #expect(hits.contains { $0.hit.keywordClass == .distress && $0.hit.phrase == "ambulance" })
        #expect(hits.map(\.hit.phrase) == expected.map(\.hit.phrase))
        #expect(hits.map(\.endFrame) == expected.map(\.endFrame))
        #expect(thread.submittedFrames == audio.count)
        #expect(thread.droppedPeriods == 0)
    }

    @Test("a full queue drops the period instead of blocking the audio loop, and counts it")
    func fullQueueDrops() throws {
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()), capacityPeriods: 1)
        let period = (0..<160).map { Int16(clamping: Int(8000 * sin(Double($0) * 0.3))) }
        var refused = 0
        for _ in 0..<2000 where !thread.submit(period, isSpeech: true) { refused += 1 }
        thread.waitUntilIdle {}
        #expect(refused > 0)
        #expect(thread.droppedPeriods == refused)
        #expect(thread.submittedFrames == (2000 - refused) * 160)
    }
}
