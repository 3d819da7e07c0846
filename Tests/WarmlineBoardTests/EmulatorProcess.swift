import Foundation
import Synchronization
@testable import WarmlineBoard

typealias WarmlineBoardEvent = BoardEvent

/// The real firmware host emulator (Firmware/build/host/warmline-emulator) serving the protocol on a pty.
final class EmulatorProcess {
    static let firmwareDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Firmware")
    static let binary = firmwareDirectory.appendingPathComponent("build/host/warmline-emulator")

    /// Builds (or refreshes: make is incremental) the emulator once per test run; a prebuilt one will do without make.
    private static let built: Result<Void, EmulatorError> = {
        // A dead emulator must make a control write fail, not kill the test run.
        signal(SIGPIPE, SIG_IGN)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["make", "-s", "-C", firmwareDirectory.path, "emulator"]
        make.standardOutput = FileHandle.nullDevice
        let ran = (try? make.run()) != nil
        // isRunning polling, not waitUntilExit(): the latter can hang on a Swift concurrency thread on Linux.
        while ran && make.isRunning { usleep(10_000) }
        if FileManager.default.isExecutableFile(atPath: binary.path) && (!ran || make.terminationStatus == 0) {
            return .success(())
        }
        return .failure(EmulatorError(message: "`make -C Firmware emulator` failed; the Swift board tests need "
            + "Firmware/build/host/warmline-emulator (gcc and make)"))
    }()

    struct EmulatorError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    let ptyPath: String
    private let process = Process()
    private let control: FileHandle

    init(arguments: [String] = []) throws {
        try Self.built.get()
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.executableURL = Self.binary
        process.arguments = ["--quiet"] + arguments
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        control = stdinPipe.fileHandleForWriting
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            // A bounded wait: a lost line must fail the test, not hang the suite.
            var ready = pollfd(fd: stdoutPipe.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 10_000) > 0 else {
                process.terminate()
                throw EmulatorError(message: "emulator printed no pty path within 10 s")
            }
            let chunk = stdoutPipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw EmulatorError(message: "emulator exited before printing its pty") }
            line.append(chunk)
        }
        let first = String(decoding: line, as: UTF8.self).split(separator: "\n").first ?? ""
        ptyPath = String(first)
    }

    /// Sends one control command (`ring +1555 "Ana" uk`, `hangup`, `agent busy`, `reset`, `garbage 40`).
    func send(_ command: String) {
        try? control.write(contentsOf: Data((command + "\n").utf8))
    }

    /// Freezes the emulator (SIGSTOP): the board stops answering, as a hung MCU would.
    func pause() { kill(process.processIdentifier, SIGSTOP) }

    /// Lets a paused emulator run again.
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// Stops the emulator (quit on its control input, then SIGTERM) without blocking a concurrency thread.
    func stop() {
        guard process.isRunning else { return }
        try? control.write(contentsOf: Data("quit\n".utf8))
        try? control.close()
        process.terminate()
    }

    /// Stops the emulator and waits until it is gone (its pty closes with it).
    func stopAndWait() async {
        stop()
        for _ in 0..<400 where process.isRunning {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    deinit { stop() }
}
