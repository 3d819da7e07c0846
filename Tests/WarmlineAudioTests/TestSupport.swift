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

/// A copy of the repository's `Prompts/<language>` in `directory/Prompts`; returns the copy's root.
func scratchPrompts(in directory: TemporaryDirectory, language: String = "en") throws -> String {
    let root = directory.path("Prompts")
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "\(promptsRoot)/\(language)", toPath: "\(root)/\(language)")
    try FileManager.default.createDirectory(atPath: "\(root)/\(language)/recorded", withIntermediateDirectories: true)
    return root
}

/// Makes a WAV at `path` with sox: a tone of `seconds` in the given layout (the way a technician's recorder would).
func soxTone(_ path: String, seconds: Double, rate: Int = 8000, channels: Int = 1, bits: Int = 16) throws {
    let outcome = try ChildProcess.run(["sox", "-n", "-r", "\(rate)", "-c", "\(channels)", "-b", "\(bits)", path,
                                        "synth", "\(seconds)", "sine", "440", "vol", "0.5"])
    guard outcome.status == 0 else { throw SoxFailed(message: outcome.errorOutput) }
}

/// sox could not make a test file.
struct SoxFailed: Error {
    let message: String
}

/// Runs the `warmline` binary built beside the test executable; returns exit status, stdout and stderr.
func runWarmline(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let executable = ((testBinary as NSString).deletingLastPathComponent as NSString).appendingPathComponent("warmline")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs `body` on a thread of its own and awaits its result. A real-time test waits for seconds on a sound server's
/// clock; on its concurrency thread it would hold one of this 2-core machine's two pool threads, and every other test
/// (the end-to-end lanes among them) would wait behind it. The test's assertions stay in the test, on what this returns.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
