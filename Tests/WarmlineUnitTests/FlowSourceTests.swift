import Foundation
import Testing
import WarmlineAudio
import WarmlineTestScheduling
@testable import WarmlineUnit

@Suite("Flow source", .holdsItsThread)
struct FlowSourceTests {
    static let prompts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Prompts").path

    /// A copy of the repository's Prompts in a fresh directory.
    static func copy() throws -> String {
        let directory = NSTemporaryDirectory() + "warmline-flowsource-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: prompts, toPath: directory)
        return directory
    }

    @Test("A reload with a broken menu is refused with the file named, and the old flow stays")
    func badReloadKeepsOldFlow() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try FlowSource(promptsDirectory: directory, cacheDirectory: directory + "/cache", languages: ["en"])
        let before = source.current.bundle
        let menu = directory + "/menu.yaml"
        let text = try String(contentsOfFile: menu, encoding: .utf8)
        try text.replacingOccurrences(of: "start: main", with: "start: mian").write(toFile: menu, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try source.reload() }
        do { try source.reload() } catch { #expect("\(error)".contains("menu.yaml")) }
        #expect(source.current.bundle == before)
    }

    @Test("A 2 MB menu.yaml (SIGHUP or start-up) is refused from its size without being read, and the old flow stays")
    func hugeMenuRefused() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try FlowSource(promptsDirectory: directory, cacheDirectory: directory + "/cache", languages: ["en"])
        let before = source.current.bundle
        let menu = directory + "/menu.yaml"
        let original = try String(contentsOfFile: menu, encoding: .utf8)
        let padding = (0..<20_000).map { "  n\($0): {greet_long: main_menu, on_exhausted: {action: goto, node: n\($0 + 1)}}\n" }.joined()
        try (original + padding).write(toFile: menu, atomically: true, encoding: .utf8)
        let size = try #require((try FileManager.default.attributesOfItem(atPath: menu))[.size] as? NSNumber).intValue
        #expect(size > 1_000_000)
        let clock = ContinuousClock()
        var message = ""
        let took = clock.measure {
            do { try source.reload() } catch { message = "\(error)" }
        }
        #expect(message == "\(menu):1: the file is \(size) bytes; at most 524288 are read, nothing was loaded")
        #expect(took < .seconds(1))
        #expect(source.current.bundle == before)
    }

    @Test("A good reload swaps the prompts for calls that start afterwards")
    func goodReloadSwaps() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try FlowSource(promptsDirectory: directory, cacheDirectory: directory + "/cache", languages: ["en"])
        let file = directory + "/en/prompts.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "Goodbye.", with: "Goodbye, take care.").write(toFile: file, atomically: true, encoding: .utf8)
        try source.reload()
        #expect(source.current.library.catalogs["en"]?.prompts["goodbye"] == "Goodbye, take care.")
    }

    @Test("A reload with a recording at the wrong rate is refused with the file and the sox command, and the old prompts stay")
    func badRecordingKeepsOldFlow() async throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try FlowSource(promptsDirectory: directory, cacheDirectory: directory + "/cache", languages: ["en"])
        let recorded = directory + "/en/recorded"
        try FileManager.default.createDirectory(atPath: recorded, withIntermediateDirectories: true)
        let status = try WarmlineAudio.ChildProcess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", recorded + "/goodbye.wav",
                                                         "synth", "0.5", "sine", "440"]).status
        #expect(status == 0)
        let error = #expect(throws: RecordedPromptError.self) { try source.reload() }
        #expect(error?.description == "\(recorded)/goodbye.wav: 16000 Hz mono 16-bit PCM; recorded prompts must be 8000 Hz mono "
            + "16-bit PCM (sox in.wav -r 8000 -c 1 -b 16 goodbye.wav)")
        #expect(source.current.library.recordings["en"]?.isEmpty ?? true)
        let fixed = try WarmlineAudio.ChildProcess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", recorded + "/goodbye.wav",
                                                        "synth", "0.5", "sine", "440"]).status
        #expect(fixed == 0)
        try source.reload()
        #expect(source.current.library.recording("goodbye", language: "en")?.samples.count == 4000)
        #expect(try await source.renderAll().first?.recorded == ["goodbye"])
    }
}
