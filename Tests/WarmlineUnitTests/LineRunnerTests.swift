import Foundation
import Testing
import WarmlineBoard
import WarmlineCore
import WarmlineSpeech
import WarmlineStore
@testable import WarmlineUnit

@Suite("LineRunner")
struct LineRunnerTests {
    struct NoAudio: Error {}

    @Test("a line that stops ends its keyword spotter thread, and a spotter attached after the line stopped is ended at once")
    func stopEndsSpotter() throws {
        let scratch = try ScratchDirectory("line-runner")
        defer { scratch.cleanUp() }
        let keywords = try KeywordList.load(file: checkoutRoot + "/Prompts/en/keywords.yaml")
        let writer = EventWriter(path: scratch.file("w.sqlite"))
        defer { writer.close() }
        // No board on the port: the line idles, and its release to bypass at the end fails at once.
        let link = BoardLink(config: BoardConfig(devicePath: scratch.file("no-board")))
        defer { link.close() }
        let settings = LineRunner.Settings(lineNumber: 1, call: CallConfig(), tonePlan: nil,
                                           whisperCacheDirectory: scratch.file("whisper"))
        let line = LineRunner(settings: settings, link: link, store: try StoreDatabase(path: scratch.file("w.sqlite")),
                              writer: writer,
                              flows: try FlowSource(promptsDirectory: checkoutRoot + "/Prompts", cacheDirectory: scratch.file("cache"),
                                                    languages: ["en"]),
                              spotter: try KeywordSpotter(keywords: keywords), openAudio: { _ in throw NoAudio() },
                              transcript: { _ in })
        let spotter = try #require(line.keywordSpotter)
        line.start()
        #expect(!spotter.isStopped)
        line.requestStop()
        line.waitUntilStopped()
        // stop() returns once the spotter's thread has ended
        #expect(spotter.isStopped)
        line.attachSpotter(try KeywordSpotter(keywords: keywords))
        let late = try #require(line.keywordSpotter)
        #expect(late !== spotter)
        #expect(late.isStopped)
    }
}
