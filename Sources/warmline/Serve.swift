import ArgumentParser
import Foundation
import WarmlineStore
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

    func run() async throws {
        guard (0...65_535).contains(port) else { throw CommandFailure.badInput("--port \(port) is not a TCP port (0-65535)") }
        var settings = DashboardSettings()
        settings.host = bind
        settings.port = port
        let server: DashboardServer
        do {
            if let tokenFile { settings.token = try DashboardSetupError.readToken(path: tokenFile) }
            server = try DashboardServer(store: try database.openForReading(), settings: settings)
        } catch let error as DashboardSetupError {
            throw CommandFailure.badInput("\(error)")
        }
        let host = bind.contains(":") ? "[\(bind)]" : bind
        try await server.serve { bound in
            FileHandle.standardOutput.write(Data("warmline serve: dashboard on http://\(host):\(bound)/ (metrics at /metrics)\n".utf8))
        }
    }
}
