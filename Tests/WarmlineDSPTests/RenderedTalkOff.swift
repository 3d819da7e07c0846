import Foundation
@testable import WarmlineDSP

/// Speech rendered at test time by espeak-ng and shifted in pitch by sox, as 8 kHz telephone audio.
enum RenderedTalkOff {
    /// A failure of an external tool, with its command and output.
    struct ToolError: Error, CustomStringConvertible {
        var command: String
        var output: String
        var description: String { "`\(command)` failed: \(output)" }
    }

    /// `text` in espeak-ng `voice` at espeak pitch `pitch`, shifted by `cents`, band-limited to 300-3400 Hz,
    /// peak-normalised to `peakDBFS` and passed through G.711 µ-law.
    static func render(_ text: String, voice: String, pitch: Int, cents: Int, peakDBFS: Double = -3) throws -> [Int16] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-dtmf-tests-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let wav = directory.appendingPathComponent("\(UUID().uuidString).wav").path
        let raw = directory.appendingPathComponent("\(UUID().uuidString).raw").path
        defer {
            try? FileManager.default.removeItem(atPath: wav)
            try? FileManager.default.removeItem(atPath: raw)
        }
        try run("/usr/bin/espeak-ng", ["-v", voice, "-p", "\(pitch)", "-s", "160", "-w", wav, text])
        try run("/usr/bin/sox", [wav, "-t", "raw", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", raw]
                + (cents != 0 ? ["pitch", "\(cents)"] : []) + ["sinc", "300-3400", "gain", "-n", "\(peakDBFS)"])
        let data = try Data(contentsOf: URL(fileURLWithPath: raw))
        let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)).map(Int16.init(littleEndian:)) }
        return samples.map { G711.muLawDecode(G711.muLawEncode($0)) }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(command: ([executable] + arguments).joined(separator: " "), output: String(decoding: output, as: UTF8.self))
        }
    }
}
