import Foundation
import Testing
import WarmlineStore
@testable import WarmlineUnit

@Suite("UnitRunner")
struct UnitRunnerTests {
    func unit(in scratch: ScratchDirectory) throws -> UnitRunner {
        var config = UnitConfig()
        config.lines = []
        config.databasePath = scratch.file("w.sqlite")
        config.promptsDirectory = checkoutRoot + "/Prompts"
        config.promptCacheDirectory = scratch.file("cache")
        config.speechEnabled = false
        return try UnitRunner(config: config, transcript: { _ in })
    }

    @Test("stop from async code flushes the log and closes the writer, like the blocking stop")
    func asyncStopFlushes() async throws {
        let scratch = try ScratchDirectory("unit-runner")
        defer { scratch.cleanUp() }
        let unit = try unit(in: scratch)
        #expect(unit.writer.enqueue(callID: "L1-1", frameTime: 0, type: EventType.callRing) != nil)
        await unit.stop()
        // closed: nothing more is taken
        #expect(unit.writer.enqueue(callID: "L1-1", frameTime: 1, type: EventType.callEnded) == nil)
        let events = try StoreDatabase(readingAt: scratch.file("w.sqlite")).events(matching: EventFilter(callID: "L1-1"))
        #expect(events.map(\.type) == [EventType.callRing])
    }
}
