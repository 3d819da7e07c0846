import ArgumentParser
import Foundation
import WarmlineStore
import WarmlineUnit
import WarmlineWeb

/// `warmline serve`: the read-only live dashboard and `/metrics` over HTTP.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the read-only live dashboard and /metrics (127.0.0.1:8080 by default).",
        discussion: "Pages: / (lines now, today's figures and charts), /calls (filters), /calls/ID (timeline), /callbacks, "
            + "/passes (day passes and the outbox), /metrics (Prometheus). Bound to any address but loopback it refuses to "
            + "start without --token-file; clients then send Authorization: Bearer TOKEN or open /?token=TOKEN once.")

    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("Address to listen on (loopback unless a token is given).", valueName: "address"))
    var bind: String = "127.0.0.1"

    @Option(help: ArgumentHelp("TCP port (0 picks a free one and prints it).", valueName: "port"))
    var port: Int = 8080

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the access token (16+ characters, one line).", valueName: "path"))
    var tokenFile: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("The unit's config: lines now come from its control_socket (default \(UnitConfig.defaultPath) when present).",
                                                             valueName: "path"))
    var configPath: String?

    @Option(name: .customLong("socket"), help: ArgumentHelp("The running service's control socket (overrides the config).", valueName: "path"))
    var socketPath: String?

    func run() async throws {
        guard (0...65_535).contains(port) else { throw CommandFailure.badInput("--port \(port) is not a TCP port (0-65535)") }
        var settings = DashboardSettings()
        settings.host = bind
        settings.port = port
        let config = try unitConfig()
        settings.timeZone = try pageZone(config)
        let server: DashboardServer
        do {
            if let tokenFile { settings.token = try DashboardSetupError.readToken(path: tokenFile) }
            server = try DashboardServer(store: try database.openForReading(), settings: settings,
                                         unit: ControlSocketLines(client: ControlClient(path: controlSocket(config))))
        } catch let error as DashboardSetupError {
            throw CommandFailure.badInput("\(error)")
        }
        let host = bind.contains(":") ? "[\(bind)]" : bind
        try await server.serve { bound in
            FileHandle.standardOutput.write(Data("warmline serve: dashboard on http://\(host):\(bound)/ (metrics at /metrics)\n".utf8))
        }
    }

    /// The unit's config: --config, else the default one when it exists (nil: none; a broken one exits 2).
    private func unitConfig() throws -> UnitConfig? {
        let path = configPath ?? (FileManager.default.fileExists(atPath: UnitConfig.defaultPath) ? UnitConfig.defaultPath : nil)
        guard let path else { return nil }
        do {
            return try UnitConfigLoader().load(path: path)
        } catch {
            throw CommandFailure.badInput(error.description)
        }
    }

    /// The socket lines now are asked on: --socket, else the config's control_socket, else the one beside the database.
    private func controlSocket(_ config: UnitConfig?) -> String {
        if let socketPath { return socketPath }
        if let config { return config.controlSocketPath }
        return UnitConfig.controlSocket(besideDatabase: database.explicitPath ?? UnitConfig().databasePath)
    }

    /// The pages' zone: the unit's `time_zone` (checked against tzdata as the listings do), else TZ.
    private func pageZone(_ config: UnitConfig?) throws -> TimeZone {
        guard let name = config?.timeZone else { return .current }
        do {
            return try ZoneInfo.displayZone(name, fromSeconds: Int64(Date().timeIntervalSince1970) - 366 * 86_400)
        } catch {
            throw CommandFailure.badInput("time_zone '\(name)': \(error)")
        }
    }
}

/// Lines now for the dashboard and `/metrics`: the running service's status over its control socket (nil when no
/// service answers: the page says "service not running").
struct ControlSocketLines: LinesNowSource {
    let client: ControlClient

    func snapshot() async -> UnitSnapshot? {
        guard let status = try? await client.status() else { return nil }
        return Self.snapshot(status, nowMs: Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// The control socket's status as the dashboard's snapshot.
    static func snapshot(_ status: UnitStatus, nowMs: Int64) -> UnitSnapshot {
        let lines = status.lines.map { line -> LineNow in
            let up = line.board.state == .connected
            let state: String
            if !up {
                state = "down"
            } else if let call = line.call {
                state = call.queuePosition != nil ? "queued" : (call.stage.hasPrefix("hand-off") ? "hand-off" : "in call")
            } else {
                state = "idle"
            }
            return LineNow(number: line.number, state: state, inBypass: line.relay == .bypass, up: up, callID: line.call?.callID,
                           callerID: line.call?.callerID, sinceMs: line.call.map { nowMs - Int64($0.secondsInCall) * 1000 })
        }
        // the recogniser's states in the dashboard's words (ready, loading, missing, failed)
        let models: [SpeechModelNow] = status.recognizer.flatMap { state -> [SpeechModelNow]? in
            switch state {
            case "ready": [SpeechModelNow(name: "moonshine-base-en", state: "ready")]
            case "starting", "restarting": [SpeechModelNow(name: "moonshine-base-en", state: "loading")]
            case "unavailable": [SpeechModelNow(name: "moonshine-base-en", state: "missing")]
            default: nil
            }
        } ?? []
        return UnitSnapshot(lines: lines, queueLength: status.waiting, storeQueueDepth: status.storeQueueDepth ?? 0, speechModels: models)
    }
}
