import Testing
import WarmlineCore
@testable import WarmlineSpeech

@Suite("Line speech worker", .serialized)
struct LineSpeechWorkerTests {
    func collect(_ worker: LineSpeechWorker) async -> [SpeechEvent] {
        var events: [SpeechEvent] = []
        for await event in worker.events { events.append(event) }
        return events
    }

    @Test("audio submitted in 20 ms chunks comes back as a distress keyword event from the worker thread")
    func keywordThroughWorker() async throws {
        let keywords = try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml")
        let worker = try LineSpeechWorker(keywords: keywords)
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        var start = 0
        while start < audio.count {
            #expect(worker.submit(Array(audio[start..<min(audio.count, start + 160)])))
            start += 160
        }
        worker.finish()
        let events = await collect(worker)
        let keyword = events.compactMap { event -> SpottedKeyword? in
            if case .keyword(let hit) = event { return hit }
            return nil
        }
        #expect(keyword.contains { $0.hit.keywordClass == .distress && $0.hit.phrase == "ambulance" })
        #expect(worker.droppedChunks == 0)
    }

    @Test("a full queue drops the chunk instead of blocking, and the worker reports the overrun")
    func fullQueueDrops() async throws {
        let worker = try LineSpeechWorker(keywords: nil, capacityChunks: 1)
        let chunk = [Int16](repeating: 1000, count: 160)
        var refused = 0
        for _ in 0..<2000 where !worker.submit(chunk) { refused += 1 }
        worker.finish()
        let events = await collect(worker)
        let reported = events.reduce(0) { total, event in
            if case .overrun(let count, _) = event { return total + count }
            return total
        }
        #expect(refused > 0)
        #expect(worker.droppedChunks == refused)
        #expect(reported == refused)
    }
}
