import Foundation
import Testing
import WarmlineCore
@testable import WarmlineAudio

@Suite("Prompt rendering with espeak-ng")
struct PromptRendererTests {
    @Test("rendered prompts are 8 kHz, non-empty and unclipped; a second render is all cache hits; a changed text re-renders only itself")
    func renderVerifyAndCache() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let renderer = PromptRenderer(cacheDirectory: dir.path("cache"))
        var catalog = PromptCatalog(language: "en", prompts: ["goodbye": "Goodbye.", "invalid": "Sorry, I did not get that."])
        let first = try await renderer.render(catalog)
        #expect(first.rendered.sorted() == ["goodbye", "invalid"])
        #expect(first.cached.isEmpty)
        for (id, text) in catalog.prompts {
            let wav = try renderer.verify(path: renderer.path(language: "en", id: id, text: text))
            #expect(wav.sampleRate == 8000)
            #expect(wav.samples.count > 2000)
        }
        let second = try await renderer.render(catalog)
        #expect(second.rendered.isEmpty)
        #expect(second.cached.sorted() == ["goodbye", "invalid"])
        catalog.prompts["goodbye"] = "Goodbye, take care."
        let third = try await renderer.render(catalog)
        #expect(third.rendered == ["goodbye"])
        #expect(third.cached == ["invalid"])
        #expect(third.removed == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("cache/en"))
        #expect(files.filter { $0.hasPrefix("goodbye.") }.count == 1)
    }

    @Test("verification rejects a file at the wrong rate, an empty one and a clipped one, naming the file")
    func verificationFailures() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let renderer = PromptRenderer(cacheDirectory: dir.path("cache"))
        let cases: [(WAVFile, String)] = [
            (WAVFile(sampleRate: 16000, samples: [1000, -1000]), "rate 16000 Hz, expected 8000 Hz"),
            (WAVFile(sampleRate: 8000, samples: []), "no samples"),
            (WAVFile(sampleRate: 8000, samples: [0, 32767, -32768]), "clipped"),
        ]
        for (index, (wav, message)) in cases.enumerated() {
            let path = dir.path("bad\(index).wav")
            try wav.write(path: path)
            let error = #expect(throws: PromptRenderError.self) { try renderer.verify(path: path) }
            #expect(error?.description == "\(path): \(message)" || error?.description.hasPrefix("\(path): \(message)") == true)
        }
    }
}
