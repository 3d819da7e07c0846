import Foundation
import Testing
import WarmlineTestScheduling
import WarmlineTestSupport
@testable import WarmlineSpeech

/// Scripts/memory-deny-write-execute.py: systemd's MemoryDenyWriteExecute=yes seccomp filter, without a running systemd.
enum MemoryDenyWriteExecute {
    static let script = InstalledRecognizer.root + "/Scripts/memory-deny-write-execute.py"
    static let python = "/usr/bin/python3"
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: python) && FileManager.default.fileExists(atPath: script)
    }

    /// Runs `command` under the filter; returns its exit status and stderr.
    static func run(_ command: [String]) throws -> (status: Int32, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + command
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

@Suite("Recogniser under the unit's sandbox", .serialized, .holdsItsThread,
       .enabled(if: InstalledRecognizer.isInstalled, InstalledRecognizer.skipReason),
       .enabled(if: MemoryDenyWriteExecute.isAvailable, "python3 or Scripts/memory-deny-write-execute.py missing"))
struct RecognizerSandboxTests {
    @Test("the filter is in force: a writable and executable mapping is refused under it and allowed without it")
    func filterRefusesWriteExecute() throws {
        let probe = ["/usr/bin/python3", "-c",
                     "import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)"]
        let filtered = try MemoryDenyWriteExecute.run(probe)
        #expect(filtered.status != 0)
        #expect(filtered.err.contains("Operation not permitted"), "\(filtered.err)")
        let plain = Process()
        plain.executableURL = URL(fileURLWithPath: probe[0])
        plain.arguments = Array(probe.dropFirst())
        try plain.run()
        plain.waitUntilExit()
        #expect(plain.terminationStatus == 0)
    }

    @Test("the worker (ONNX Runtime, Moonshine) loads and transcribes real speech under MemoryDenyWriteExecute=yes")
    func workerSurvivesMemoryDenyWriteExecute() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-mdwe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let worker = Recognizer.defaultWorkerPath()
        #expect(worker != Recognizer.installedWorkerPath, "build the worker: swift build --build-tests")
        let wrapper = directory + "/warmline-recognizer"
        try ExecutableScript.write("#!/bin/sh\nexec \(MemoryDenyWriteExecute.python) \(MemoryDenyWriteExecute.script) \(worker) \"$@\"\n",
                                   to: wrapper)
        let recognizer = try InstalledRecognizer.start { $0.workerPath = wrapper }
        defer { recognizer.stop() }
        // the worker answering is the one under the filter (seccomp mode 2, no new privileges)
        let pid = try #require(recognizer.statistics.workerPID)
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8).split(separator: "\n")
        #expect(status.contains("Seccomp:\t2") && status.contains("NoNewPrivs:\t1"), "\(status)")
        let audio = try RenderedSpeech.render("call the police", engine: .flite("slt"))
        let outcome = recognizer.transcribe(audio, timeoutMs: 20_000)
        let transcript = try #require(outcome.text, "\(outcome)")
        #expect(transcript.lowercased().filter { $0.isLetter || $0 == " " } == "call the police", "heard '\(transcript)'")
    }
}
