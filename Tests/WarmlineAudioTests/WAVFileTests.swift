import Foundation
import Testing
@testable import WarmlineAudio

@Suite("WAV files")
struct WAVFileTests {
    @Test("the header of a sox file gives its rate, channels and bits, and only mono 16-bit PCM is read")
    func headerOfSoxFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let cases: [(rate: Int, channels: Int, bits: Int, text: String)] = [
            (8000, 1, 16, "8000 Hz mono 16-bit PCM"), (16000, 2, 16, "16000 Hz stereo 16-bit PCM"),
            (8000, 1, 8, "8000 Hz mono 8-bit PCM"), (44100, 1, 24, "44100 Hz mono 24-bit PCM"),
        ]
        for (index, format) in cases.enumerated() {
            let path = dir.path("tone\(index).wav")
            try soxTone(path, seconds: 0.25, rate: format.rate, channels: format.channels, bits: format.bits)
            let header = try WAVFile.header(path: path)
            #expect(header.description == format.text)
            #expect(header.isMonoPCM16 == (format.channels == 1 && format.bits == 16))
            if header.isMonoPCM16 {
                #expect(try WAVFile.read(path: path).samples.count == format.rate / 4)
            } else {
                #expect(throws: WAVFile.FormatError.self) { try WAVFile.read(path: path) }
            }
        }
    }

    @Test("a file without a RIFF/WAVE header is a format error naming the file")
    func notAWAV() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = dir.path("memo.wav")
        try Data("ID3 not audio".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: WAVFile.FormatError.self) { try WAVFile.header(path: path) }
        #expect(error?.description == "\(path): not a RIFF/WAVE file")
    }
}
