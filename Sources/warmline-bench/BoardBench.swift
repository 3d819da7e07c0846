import ArgumentParser
import Foundation
import Synchronization
import WarmlineBoard

/// `warmline-bench board`: command round trip and bypass reaction time against the firmware emulator (and QEMU).
struct BoardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "board",
        abstract: "Board link: command round trip p50/p99 (Swift BoardLink vs the C link client) and bypass reaction time.")

    @Option(help: "Commands in the round-trip measurement.")
    var commands = 10_000

    @Option(help: "Watchdog trials (each stops heartbeats and times the bypass event).")
    var bypassTrials = 5

    @Flag(help: "Skip the QEMU (Cortex-M3) measurement.")
    var noQemu = false

    static let firmware = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Firmware")

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try Self.make("emulator", "client")
        let emulatorPath = Self.firmware.appendingPathComponent("build/host/warmline-emulator").path
        let clientPath = Self.firmware.appendingPathComponent("build/host/link-client").path

        print("== board link: host emulator on a pty (Firmware/build/host/warmline-emulator) ==")
        let swiftEmulator = try Child(emulatorPath, ["--quiet"], ptyPattern: nil)
        defer { swiftEmulator.kill() }
        let (link, recorder) = try await Self.claimedLink(swiftEmulator.ptyPath)
        let swiftRTT = try await Self.roundTrips(link, count: commands)

        let peerEmulator = try Child(emulatorPath, ["--quiet"], ptyPattern: nil)
        defer { peerEmulator.kill() }
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: clientPath)
        peer.arguments = [peerEmulator.ptyPath, "bench", "\(commands)"]
        let peerOut = Pipe()
        peer.standardOutput = peerOut
        try peer.run()
        let peerText = String(decoding: peerOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        print("command round trip host -> emulator -> host, GET_STATUS x \(commands):")
        print(String(format: "  warmline BoardLink (Swift): p50 %.1f us  p99 %.1f us  max %.1f us",
                     swiftRTT.p50, swiftRTT.p99, swiftRTT.max))
        let peerLine = peerText.split(separator: "\n").last.map(String.init) ?? "no output"
        print("  peer \(peerLine)")

        let emulatorBypass = await Self.bypassReaction(link, recorder, trials: bypassTrials)
        print("bypass reaction after the last heartbeat (firmware emulator, bar 1500 +- 50 ms):")
        Self.printTrials(emulatorBypass)
        link.close()

        guard !noQemu else { return }
        guard Self.which("qemu-system-arm") != nil, Self.which("arm-none-eabi-gcc") != nil else {
            print("== QEMU: skipped (qemu-system-arm or arm-none-eabi-gcc not installed) ==")
            return
        }
        try Self.make("lm3s")
        print("== board link: LM3S6965 firmware under qemu-system-arm -M lm3s6965evb ==")
        let elf = Self.firmware.appendingPathComponent("build/lm3s/warmline-fw.elf").path
        let qemu = try Child("/usr/bin/env", ["qemu-system-arm", "-M", "lm3s6965evb", "-nographic", "-monitor", "none",
                                              "-serial", "pty", "-kernel", elf],
                             ptyPattern: "char device redirected to ")
        defer { qemu.kill() }
        let (qemuLink, qemuEvents) = try await Self.claimedLink(qemu.ptyPath)
        let qemuRTT = try await Self.roundTrips(qemuLink, count: min(commands, 2_000))
        print(String(format: "command round trip to QEMU, GET_STATUS x %d: p50 %.1f us  p99 %.1f us  max %.1f us",
                     min(commands, 2_000), qemuRTT.p50, qemuRTT.p99, qemuRTT.max))
        let qemuBypass = await Self.bypassReaction(qemuLink, qemuEvents, trials: bypassTrials)
        print("bypass reaction after the last heartbeat (QEMU Cortex-M3, 10 ms SysTick, bar 1500 +- 50 ms):")
        Self.printTrials(qemuBypass)
        qemuLink.close()
    }

    /// A connected link with heartbeats on, once the board has taken the idle line from its reset bypass.
    static func claimedLink(_ devicePath: String) async throws -> (BoardLink, EventTimes) {
        let link = BoardLink(config: BoardConfig(devicePath: devicePath))
        let events = EventTimes(link.events)
        try await link.connect()
        link.setHeartbeatTimer(enabled: true)
        _ = await events.wait(count: 1) { $0 == .bypass(engaged: false, reason: .claimed) }
        return (link, events)
    }

    struct Percentiles {
        let p50: Double
        let p99: Double
        let max: Double
    }

    static func roundTrips(_ link: BoardLink, count: Int) async throws -> Percentiles {
        var micros: [Double] = []
        micros.reserveCapacity(count)
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await link.status()
            micros.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
        }
        micros.sort()
        return Percentiles(p50: micros[count / 2], p99: micros[count * 99 / 100], max: micros[count - 1])
    }

    static func bypassReaction(_ link: BoardLink, _ events: EventTimes, trials: Int) async -> [Double] {
        var reactions: [Double] = []
        for trial in 0..<trials {
            link.setHeartbeatTimer(enabled: false)
            try? await Task.sleep(nanoseconds: 50_000_000)
            link.heartbeat()
            let lastNs = DispatchTime.now().uptimeNanoseconds
            if let atNs = await events.wait(count: trial + 1, timeoutMs: 4_000, { $0 == .bypass(engaged: true, reason: .watchdog) }) {
                reactions.append(Double(atNs - lastNs) / 1e6)
            }
            link.setHeartbeatTimer(enabled: true)
            _ = await events.wait(count: trial + 2, timeoutMs: 4_000) { $0 == .bypass(engaged: false, reason: .claimed) }
        }
        return reactions
    }

    static func printTrials(_ ms: [Double]) {
        guard let lo = ms.min(), let hi = ms.max() else {
            print("  no bypass event seen")
            return
        }
        let mean = ms.reduce(0, +) / Double(ms.count)
        let within = ms.allSatisfy { abs($0 - 1500) <= 50 }
        print("  trials: " + ms.map { String(format: "%.1f", $0) }.joined(separator: ", ") + " ms")
        print(String(format: "  mean %.1f ms  min %.1f ms  max %.1f ms  -> %@", mean, lo, hi,
                     within ? "within 1500 +- 50 ms" : "OUTSIDE 1500 +- 50 ms"))
    }

    static func make(_ targets: String...) throws {
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["make", "-s", "-C", firmware.path] + targets
        make.standardOutput = FileHandle.nullDevice
        try make.run()
        while make.isRunning { usleep(10_000) }
        guard make.terminationStatus == 0 else {
            throw ValidationError("`make -C Firmware \(targets.joined(separator: " "))` failed")
        }
    }

    static func which(_ tool: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        return paths.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A child process that announces a pty (the emulator's first stdout line, or QEMU's "char device" line).
final class Child {
    let process = Process()
    let ptyPath: String

    init(_ path: String, _ arguments: [String], ptyPattern: String?) throws {
        let out = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = out
        process.standardInput = Pipe()
        try process.run()
        var text = ""
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { throw ValidationError("\(path) exited before announcing its pty: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
            let lines = text.split(separator: "\n")
            if let pattern = ptyPattern {
                if let line = lines.first(where: { $0.contains(pattern) }), let start = line.range(of: "/dev/pts/") {
                    ptyPath = String(line[start.lowerBound...].prefix { $0 != " " && $0 != ")" })
                    return
                }
            } else if text.contains("\n"), let first = lines.first {
                ptyPath = String(first)
                return
            }
        }
    }

    /// SIGKILL: a child spawned from a dispatch thread may have SIGTERM blocked.
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

/// Arrival times of board events, recorded off the stream as they come.
final class EventTimes: Sendable {
    private let seen = Mutex<[(BoardEvent, UInt64)]>([])

    init(_ stream: AsyncStream<BoardEvent>) {
        Task { [self] in
            for await event in stream {
                let now = DispatchTime.now().uptimeNanoseconds
                seen.withLock { $0.append((event, now)) }
            }
        }
    }

    /// Waits for the `count`-th event matching `predicate`; returns its arrival time.
    func wait(count: Int, timeoutMs: Int = 5_000, _ predicate: @Sendable (BoardEvent) -> Bool) async -> UInt64? {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMs) * 1_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let hits = seen.withLock { $0.filter { predicate($0.0) } }
            if hits.count >= count { return hits[count - 1].1 }
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        return nil
    }
}
