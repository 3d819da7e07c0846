import Foundation
import Synchronization
import Testing
import WarmlineCore
import WarmlineTestScheduling
@testable import WarmlineSpeech

@Suite("Keyword spotter thread", .serialized, .holdsItsThread)
struct KeywordSpotterThreadTests {
    static func english() throws -> KeywordList {
        try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml")
    }

    @Test("periods submitted from the audio loop come back as the distress keyword, at the frames a synchronous spotter gives")
    func keywordThroughThread() throws {
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        let expected = RenderedSpeech.spot(audio, with: try KeywordSpotter(keywords: try Self.english()))
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()))
        defer { thread.stop() }
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

    @Test("a new call ends the last call's open sentence without a decision: nothing of it reaches the new call, whose own words are heard")
    func newCallDropsTheLastCallsSentence() throws {
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()))
        defer { thread.stop() }
        // the last call hangs up mid-sentence, before the spotter has decided anything
        let periods = RenderedSpeech.periods(audio)
        for period in periods.prefix(periods.count - 20) { thread.submit(period.samples, isSpeech: period.isSpeech) }
        thread.startCall()
        thread.waitUntilIdle {}
        #expect(thread.collect().isEmpty)
        for period in periods { thread.submit(period.samples, isSpeech: period.isSpeech) }
        thread.flush()
        thread.waitUntilIdle {}
        let hits = thread.collect()
        #expect(hits.contains { $0.hit.phrase == "ambulance" }, "\(hits.map(\.hit.phrase))")
        // every hit lies in the new call's audio
        let callStart = periods.prefix(periods.count - 20).reduce(0) { $0 + $1.samples.count }
        #expect(hits.allSatisfy { $0.startFrame >= callStart }, "\(hits.map(\.startFrame))")
    }

    @Test("a full queue drops the period instead of blocking the audio loop, and counts it")
    func fullQueueDrops() throws {
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()), capacityPeriods: 1)
        defer { thread.stop() }
        let period = (0..<160).map { Int16(clamping: Int(8000 * sin(Double($0) * 0.3))) }
        var refused = 0
        for _ in 0..<2000 where !thread.submit(period, isSpeech: true) { refused += 1 }
        thread.waitUntilIdle {}
        #expect(refused > 0)
        #expect(thread.droppedPeriods == refused)
        #expect(thread.submittedFrames == (2000 - refused) * 160)
    }

    @Test("stop ends the thread mid-sentence and waits for it; a second stop returns, and a stopped thread takes no audio")
    func stopJoins() throws {
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()))
        let audio = try RenderedSpeech.render("I need an ambulance", engine: .flite("slt"))
        let periods = RenderedSpeech.periods(audio)
        for period in periods { thread.submit(period.samples, isSpeech: period.isSpeech) }
        #expect(!thread.hasEnded && !thread.isStopped)
        thread.stop()
        #expect(thread.hasEnded)
        #expect(thread.isStopped)
        thread.stop()
        #expect(thread.hasEnded)
        #expect(!thread.submit(periods[0].samples, isSpeech: true))
        // refused because stopped, not because it fell behind
        #expect(thread.droppedPeriods == 0)
        #expect(thread.submittedFrames == audio.count)
        var ticks = 0
        thread.flush()
        thread.waitUntilIdle { ticks += 1 }
        #expect(ticks == 0)
    }

    @Test("stop called from several threads at once returns on every one of them")
    func concurrentStops() throws {
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()))
        let period = (0..<160).map { Int16(clamping: Int(8000 * sin(Double($0) * 0.3))) }
        for _ in 0..<50 { thread.submit(period, isSpeech: true) }
        let group = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) { thread.stop() }
        }
        #expect(group.wait(timeout: .now() + 30) == .success)
        #expect(thread.hasEnded)
    }

    @Test("the counters read from another thread while the spotter works only ever grow, and end consistent")
    func countersReadWhileWorking() throws {
        // Every read goes through the Mutex (droppedPeriods was once read unlocked). The thread sanitizer cannot judge
        // this on Linux: it does not see Synchronization.Mutex's locking and reports every access under it as a race.
        let thread = KeywordSpotterThread(spotter: try KeywordSpotter(keywords: try Self.english()), capacityPeriods: 2)
        defer { thread.stop() }
        let period = (0..<160).map { Int16(clamping: Int(8000 * sin(Double($0) * 0.3))) }
        let reading = DispatchGroup()
        let readings = Mutex<[(dropped: Int, frames: Int)]>([])
        DispatchQueue.global().async(group: reading) {
            for _ in 0..<2000 {
                let seen = (thread.droppedPeriods, thread.submittedFrames)
                readings.withLock { $0.append(seen) }
            }
        }
        var refused = 0
        for _ in 0..<1000 where !thread.submit(period, isSpeech: true) { refused += 1 }
        #expect(reading.wait(timeout: .now() + 30) == .success)
        let seen = readings.withLock { $0 }
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.dropped <= $1.dropped && $0.frames <= $1.frames })
        #expect(thread.droppedPeriods == refused)
        #expect(thread.submittedFrames == (1000 - refused) * 160)
    }
}
