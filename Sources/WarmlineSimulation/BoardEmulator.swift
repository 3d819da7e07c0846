import Foundation
import Synchronization

/// The firmware's host emulator (`Firmware/build/host/warmline-emulator`) on a pty, driven by its control commands;
/// the demo's and the end-to-end tests' line-interface board (the real firmware core, a simulated phone network).
public final class BoardEmulator: Sendable {
    /// The pty the unit opens as its serial device.
    public let ptyPath: String
    /// Relay changes and network events (the emulator's stderr).
    public let logPath: String
    private let process = Process()
    /// The emulator's stdin: one command at a time is written to it.
    private let control: Mutex<FileHandle>

    /// Starts `binary`; fails when it does not print its pty. `watchdogMs` replaces the board's 1500 ms heartbeat
    /// watchdog (a harness setting: call-flow tests on a loaded machine; nil keeps the firmware's).
    public init(binary: String, logPath: String, watchdogMs: Int? = nil) throws {
        signal(SIGPIPE, SIG_IGN)  // a dead emulator must make a control write fail, not kill the unit
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)  // a missing log is caught just below
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw BoardEmulatorError(description: "cannot write the emulator log \(logPath)")
        }
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.executableURL = URL(fileURLWithPath: binary)
        if let watchdogMs { process.arguments = ["--watchdog-ms", String(watchdogMs)] }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = log
        do { try process.run() } catch {
            throw BoardEmulatorError(description: "cannot start \(binary) (build it with `make -C Firmware emulator`): \(error)")
        }
        control = Mutex(stdinPipe.fileHandleForWriting)
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdoutPipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw BoardEmulatorError(description: "\(binary) exited before printing its pty") }
            line.append(chunk)
        }
        ptyPath = String(String(decoding: line, as: UTF8.self).split(separator: "\n").first ?? "")
        self.logPath = logPath
        // The replies (`ok ring`) are not needed: drain them so the emulator never blocks on a full pipe.
        let reader = stdoutPipe.fileHandleForReading
        Thread.detachNewThread { while !reader.availableData.isEmpty {} }
    }

    /// Sends one control command (`ring +1555 "Ana" uk`, `hangup`, `agent busy`, `reset`).
    public func send(_ command: String) {
        control.withLock { try? $0.write(contentsOf: Data((command + "\n").utf8)) }
    }

    /// The emulator's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }

    /// The emulator's log so far.
    public func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// True while the bypass relay is energised: the line is Warmline's (a ring now reaches Warmline, not the agent line).
    public var lineIsWarmlines: Bool {
        let log = log()
        guard let claimed = log.range(of: "energised (line to Warmline)", options: .backwards) else { return false }
        guard let released = log.range(of: "released (line to agent)", options: .backwards) else { return true }
        return claimed.lowerBound > released.lowerBound
    }

    /// Stops it (quit, then SIGTERM) and waits up to 2 s, polling (never `waitUntilExit` on a concurrency thread).
    public func stop() {
        guard process.isRunning else { return }
        send("quit")
        control.withLock { try? $0.close() }
        process.terminate()
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
    }

    deinit { stop() }
}

/// The emulator could not start.
public struct BoardEmulatorError: Error, CustomStringConvertible {
    /// What failed.
    public var description: String
}
