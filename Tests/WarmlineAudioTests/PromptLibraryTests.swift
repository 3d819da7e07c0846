import Foundation
import Testing
@testable import WarmlineAudio

@Suite("Prompt library")
struct PromptLibraryTests {
    @Test("a recorded prompt is played from its recording and never rendered; the other prompts still are")
    func recordingReplacesRenderedAudio() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        let recording = "\(root)/en/recorded/goodbye.wav"
        try soxTone(recording, seconds: 1.0)
        let library = try PromptLibrary(root: root, languages: ["en"], cacheDirectory: dir.path("cache"))
        _ = try await library.render(language: "en")
        let clips = try library.clips("goodbye", language: "en")
        #expect(clips == [PromptClip(id: "en/goodbye", samples: try WAVFile.read(path: recording).samples)])
        #expect(clips.first?.samples.count == 8000)
        let invalid = try library.clips("invalid", language: "en")
        #expect(invalid.count == 1 && invalid[0].samples.count > 2000)
        let cached = try FileManager.default.contentsOfDirectory(atPath: dir.path("cache/en"))
        #expect(cached.contains { $0.hasPrefix("invalid.") })
        #expect(!cached.contains { $0.hasPrefix("goodbye.") })
    }

    @Test("a recorded fixed part of a prompt with a placeholder is joined with the rendered pieces of the value")
    func recordedPartWithRenderedPieces() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        try soxTone("\(root)/en/recorded/safety_danger.0.wav", seconds: 0.5)
        let library = try PromptLibrary(root: root, languages: ["en"], cacheDirectory: dir.path("cache"))
        _ = try await library.render(language: "en")
        let clips = try library.clips("safety_danger", language: "en", values: ["emergency_number": .digits("112")])
        #expect(clips.map(\.id) == ["en/safety_danger.0", "en/piece.n1", "en/piece.n1", "en/piece.n2"])
        #expect(clips[0].samples.count == 4000)
        #expect(clips.dropFirst().allSatisfy { $0.samples.count > 800 })
    }

    @Test("rendering the language skips recorded ids and names them in the report")
    func renderSkipsRecorded() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        try soxTone("\(root)/en/recorded/goodbye.wav", seconds: 1.0)
        try soxTone("\(root)/en/recorded/piece.n5.wav", seconds: 0.4)
        let library = try PromptLibrary(root: root, languages: ["en"], cacheDirectory: dir.path("cache"))
        let report = try await library.render(language: "en")
        #expect(report.recorded == ["goodbye", "piece.n5"])
        #expect(!report.rendered.contains("goodbye") && !report.rendered.contains("piece.n5"))
        #expect(report.rendered.contains("invalid") && report.rendered.contains("piece.n4"))
    }

    @Test("the clips of a prompt not rendered yet are an error naming what is missing; nothing is rendered on the audio path")
    func clipsNeverRender() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        let library = try PromptLibrary(root: root, languages: ["en"], cacheDirectory: dir.path("cache"))
        let error = #expect(throws: PromptRenderError.self) { try library.clips("goodbye", language: "en") }
        #expect(error?.description.contains("not rendered yet: goodbye") == true, "\(String(describing: error))")
        #expect(error?.description.contains("warmline prompts render") == true)
        let cached = (try? FileManager.default.contentsOfDirectory(atPath: dir.path("cache/en"))) ?? []
        #expect(cached.isEmpty, "\(cached)")
    }

    @Test("the listing gives each prompt and piece its source, seconds of its fixed words and text")
    func listing() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        try soxTone("\(root)/en/recorded/goodbye.wav", seconds: 1.0)
        try soxTone("\(root)/en/recorded/safety_danger.0.wav", seconds: 0.5)
        let library = try PromptLibrary(root: root, languages: ["en"], cacheDirectory: dir.path("cache"))
        let rows = try await library.listing(language: "en")
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        let catalog = try #require(library.catalogs["en"])
        #expect(rows.count == catalog.prompts.count + catalog.pieces.count)
        #expect(rows.prefix(catalog.prompts.count).map(\.id) == catalog.prompts.keys.sorted())
        #expect(byID["goodbye"] == PromptListing(language: "en", id: "goodbye", source: .recorded, durationSeconds: 1.0,
                                                 hasPlaceholders: false, text: "Goodbye."))
        #expect(byID["safety_danger"]?.source == .recorded)
        #expect(byID["safety_danger"]?.durationText == "0.5 + value")
        #expect(byID["safety_danger"]?.text == catalog.prompts["safety_danger"])
        let invalid = try #require(byID["invalid"])
        #expect(invalid.source == .rendered && invalid.durationSeconds > 0.5 && invalid.text == "Sorry, I did not get that.")
        #expect(byID["balance_is"]?.durationText.hasSuffix(" + value") == true)
        #expect(byID["piece.n5"]?.source == .rendered && (byID["piece.n5"]?.durationSeconds ?? 0) > 0)
        #expect(rows.allSatisfy { $0.durationSeconds > 0 })
    }
}
