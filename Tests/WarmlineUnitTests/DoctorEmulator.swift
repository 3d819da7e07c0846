import Foundation

/// The real firmware host emulator (Firmware/build/host/warmline-emulator) serving the board protocol on a pty.
final class DoctorEmulator {
    static let firmwareDirectory = "\(checkoutRoot)/Firmware"
    static let binary = "\(firmwareDirectory)/build/host/warmline-emulator"

    /// Builds (make is incremental) the emulator once per test run.
    private static let built: Bool = {
        // A dead emulator must make a control write fail, not kill the test run.
        signal(SIGPIPE, SIG_IGN)
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["make", "-s", "-C", firmwareDirectory, "emulator"]
        make.standardOutput = FileHandle.nullDevice
        let ran = (try? make.run()) != nil
        // isRunning polling, not waitUntilExit(): the latter can hang on a concurrency thread on Linux.
        while ran && make.isRunning { usleep(10_000) }
        return FileManager.default.isExecutableFile(atPath: binary)
    }()

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The pty the emulator serves (the serial device to configure).
    let ptyPath: String
    private let process = Process()
    private let control: FileHandle
    private let output: FileHandle
    private var pending = ""

    /// Starts the emulator with `arguments` (`--audio FIFO --tones eu` gives the line's call-progress audio).
    init(arguments: [String] = []) throws {
        guard Self.built else { throw Failure(description: "`make -C Firmware emulator` failed (needs gcc and make)") }
        let input = Pipe()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--quiet"] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        control = input.fileHandleForWriting
        self.output = output.fileHandleForReading
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = self.output.availableData
            if chunk.isEmpty { throw Failure(description: "emulator exited before printing its pty") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        ptyPath = String(text.split(separator: "\n").first ?? "")
        pending = String(text.drop { $0 != "\n" }.dropFirst())
    }

    /// The emulator's `status` line (`status net=idle bypass=1 ...`), as its control interface prints it.
    func status() throws -> String {
        try control.write(contentsOf: Data("status\n".utf8))
        while true {
            while let newline = pending.firstIndex(of: "\n") {
                let line = String(pending[..<newline])
                pending = String(pending[pending.index(after: newline)...])
                if line.hasPrefix("status ") { return line }
            }
            let chunk = output.availableData
            if chunk.isEmpty { throw Failure(description: "emulator exited before answering status") }
            pending += String(decoding: chunk, as: UTF8.self)
        }
    }

    /// Sends one control command (`agent busy`, `ring ...`).
    func send(_ command: String) throws {
        try control.write(contentsOf: Data((command + "\n").utf8))
    }

    /// Stops the emulator: quit on its control input, then SIGTERM.
    func stop() {
        guard process.isRunning else { return }
        try? control.write(contentsOf: Data("quit\n".utf8))
        try? control.close()
        process.terminate()
    }

    deinit { stop() }
}
