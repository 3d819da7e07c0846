import Foundation
import WarmlineAudio

/// A fresh temporary directory for one test, removed by the caller with `cleanUp()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// A deterministic ramp-like caller signal: every sample differs from its neighbours.
func callerSignal(frames: Int) -> [Int16] {
    (0..<frames).map { Int16(truncatingIfNeeded: ($0 * 7919) % 20000 - 10000) }
}

/// The repository's `Prompts/` directory.
let promptsRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Prompts").path
