import ArgumentParser
import Foundation
import WarmlineStore
import WarmlineText
import WarmlineUnit

/// `warmline status`: what the running service sees, asked over its control socket (read-only; no port is opened).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the running service's lines: board link and firmware, bypass or claimed, the call in progress, the queue, the last fault.",
        discussion: "Asks the service over its control socket (control_socket in the config). Exit 0 when it answers, 1 when no service "
            + "answers, 2 for a bad config.")

    @Option(name: .customLong("config"), help: ArgumentHelp("The unit's config file (default: \(UnitConfig.defaultPath) when it exists).",
                                                            valueName: "path"))
    var configPath: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("The database of a run without a config file (its socket sits beside it).",
                                                        valueName: "path"))
    var databasePath: String?

    @Option(name: .customLong("socket"), help: ArgumentHelp("The control socket (overrides the config).", valueName: "path"))
    var socketPath: String?

    @Flag(help: "Print the status as one JSON object (the control protocol's, for fleet tools).")
    var json = false

    @Flag(help: "Keep showing the status, once a second, until interrupted.")
    var watch = false

    func run() async throws {
        let client = ControlClient(path: try socket())
        while true {
            let status: UnitStatus
            do {
                status = try await client.status()
            } catch {
                throw CommandFailure.runtime("\(error)")
            }
            if json {
                print((try? JSONText.compactLine(status)) ?? "{}")
            } else {
                if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print(TerminalText.escaped(Self.text(status), keepNewlines: true))
            }
            guard watch else { return }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// The socket to ask: --socket, else the config's, else (no config file) beside the database.
    private func socket() throws -> String {
        if let socketPath { return socketPath }
        let path = configPath ?? (FileManager.default.fileExists(atPath: UnitConfig.defaultPath) ? UnitConfig.defaultPath : nil)
        if let path, databasePath == nil {
            do {
                return try UnitConfigLoader().load(path: path).controlSocketPath
            } catch {
                FileHandle.standardError.write(Data((TerminalText.escaped(error.description, keepNewlines: true) + "\n").utf8))
                throw ExitCode(2)
            }
        }
        return UnitConfig.controlSocket(besideDatabase: databasePath ?? UnitConfig().databasePath)
    }

    /// The status for people: a summary, then one block per line.
    static func text(_ status: UnitStatus) -> String {
        var out = ["warmline (pid \(status.pid), up \(duration(status.uptimeSeconds))): \(status.summary)"]
        var unit: [String] = []
        if let depth = status.storeQueueDepth { unit.append("store queue \(depth)") }
        if let recognizer = status.recognizer { unit.append("recogniser \(recognizer)") }
        if !unit.isEmpty { out.append("  " + unit.joined(separator: ", ")) }
        for line in status.lines {
            var board: String
            switch line.board.state {
            case .connected:
                board = "board \(line.board.device): connected, firmware \(line.board.firmwareVersion ?? "?") (protocol \(line.board.protocolVersion.map(String.init) ?? "?"))"
            case .connecting:
                board = "board \(line.board.device): connecting"
            case .missing, .lost:
                board = "board \(line.board.device): \(line.board.problem ?? line.board.state.rawValue)"
                    + (line.board.retryInSeconds.map { "; retrying in \($0) s" } ?? "")
            }
            let relay: String
            switch line.relay {
            case .claimed: relay = "claimed (Warmline answers)"
            case .bypass: relay = "bypass (the agent line has it)" + (line.heldInBypass.map { ", held: \($0)" } ?? "")
            case .unknown: relay = "relay unknown"
            }
            out.append("L\(line.number)  \(board)")
            out.append("    \(relay); \(line.callsFinished) call(s) finished")
            if let call = line.call {
                out.append("    in call \(call.callID): caller \(call.callerID ?? "withheld"), \(call.language), \(call.stage), "
                           + "\(duration(call.secondsInCall)) in call, distress \(String(format: "%.2f", call.distressScore))"
                           + (call.queuePosition.map { ", queue position \($0)" } ?? ""))
            } else {
                out.append("    idle")
            }
            if let fault = line.lastFault {
                let when = line.lastFaultAtMs.map { " (" + TimeFormat(timeZone: .current).dateTime(ms: $0) + ")" } ?? ""
                out.append("    last fault\(when): \(fault)")
            }
        }
        out.append("queue: \(status.waiting) waiting for a person")
        return out.joined(separator: "\n")
    }

    static func duration(_ seconds: Int) -> String {
        seconds >= 3600 ? String(format: "%dh%02dm", seconds / 3600, seconds / 60 % 60) : String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}
