import Foundation
import Testing
@testable import WarmlineSpeech

@Suite("Moonshine input")
struct MoonshineInputTests {
    @Test("trimming keeps the speech and 100 ms either side, and finds nothing in silence or a steady hum")
    func trimmedToSpeech() {
        let silence = [Int16](repeating: 0, count: 4000)
        let tone = (0..<8000).map { (index: Int) -> Int16 in Int16(8000 * sin(Double(index) * 2 * Double.pi * 440 / 8000)) }
        let trimmed = MoonshineTranscriber.trimmedToSpeech(silence + tone + silence)
        #expect(trimmed.startIndex == 4000 - 800)
        #expect(trimmed.endIndex == 4000 + 8000 + 800)
        #expect(MoonshineTranscriber.trimmedToSpeech(silence).isEmpty)
        #expect(MoonshineTranscriber.trimmedToSpeech([Int16](repeating: 16, count: 8000)).isEmpty)
        #expect(MoonshineTranscriber.trimmedToSpeech([]).isEmpty)
    }

    @Test("line audio goes to the model at 16 kHz in -1...1, twice as many samples")
    func wideband() {
        let line = (0..<800).map { (index: Int) -> Int16 in Int16(16000 * sin(Double(index) * 2 * Double.pi * 1000 / 8000)) }
        let wide = MoonshineTranscriber.wideband(line)
        #expect(wide.count == 1600)
        #expect(wide.allSatisfy { abs($0) <= 1 })
        #expect((wide.max() ?? 0) > 0.4)
    }
}

@Suite("Recogniser model files")
struct RecognizerModelFilesTests {
    @Test("speech check and the doctor name the decoder the search loads: the folded one when make deps made it, else the wheel's and what that costs")
    func decoderSummary() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wl-model-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = RecognizerModel(directory: directory.path)
        #expect(FileManager.default.createFile(atPath: model.path(RecognizerModel.decoderFile), contents: Data([1])))
        #expect(model.searchDecoderPath == model.path(RecognizerModel.decoderFile))
        #expect(model.decoderSummary.contains(RecognizerModel.decoderFile) && model.decoderSummary.contains("make deps"))
        #expect(model.decoderSummary.contains("five times the CPU"))
        #expect(FileManager.default.createFile(atPath: model.path(RecognizerModel.foldedDecoderFile), contents: Data([1])))
        #expect(model.searchDecoderPath == model.path(RecognizerModel.foldedDecoderFile))
        #expect(model.decoderSummary == "decoder \(RecognizerModel.foldedDecoderFile) (folded by make deps)")
    }
}
