import ArgumentParser
import Foundation
import ServiceLifecycle
import UnixSignals
import WarmlineBilling
import WarmlineCore
import WarmlineStore
import WarmlineText
import WarmlineUnit

/// `warmline run`: serve every configured line until SIGTERM; SIGHUP reloads menu and prompts between calls.
///
/// The unit's parts run in one `ServiceGroup` (`UnitRunner`); SIGTERM or SIGINT shuts it down gracefully.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer calls on every configured line (SIGTERM: flush the log, release lines to bypass, exit 0; SIGHUP: reload prompts).")

    @Option(name: .customLong("config"), help: ArgumentHelp("The unit's config file (default: \(UnitConfig.defaultPath) when it exists, else built-in defaults).", valueName: "path"))
    var configPath: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("Override the database file.", valueName: "path"))
    var databasePath: String?

    @Option(name: .customLong("prompts"), help: ArgumentHelp("Override the prompts directory (menu.yaml, <lang>/prompts.yaml).", valueName: "dir"))
    var promptsDirectory: String?

    @Option(name: .customLong("prompt-cache"), help: ArgumentHelp("Override the rendered prompt cache directory.", valueName: "dir"))
    var promptCacheDirectory: String?

    @Option(name: .customLong("alsa-config"), help: ArgumentHelp("ALSA configuration laid over the system's (defines the lines' PCMs).", valueName: "path"))
    var alsaConfigPath: String?

    @Option(name: .customLong("line"), help: ArgumentHelp("A line as NUMBER:SERIAL:CAPTURE:PLAYBACK (repeat; replaces the config's lines).", valueName: "spec"))
    var lineSpecs: [String] = []

    @Option(name: .customLong("agent"), help: ArgumentHelp("A hand-off target as NAME:DIGITS (repeat; replaces the config's targets).", valueName: "target"))
    var agentSpecs: [String] = []

    @Flag(name: .customLong("no-speech"), help: "Keyword spotting off (DTMF only).")
    var noSpeech = false

    @Option(name: .customLong("control-socket"), help: ArgumentHelp(
        "Override the control socket (default: the config's control_socket; without a config file, control.sock beside the database).",
        valueName: "path"))
    var controlSocketPath: String?

    func run() async throws {
        let config = try effectiveConfig()
        // Watched from the start: the sequence returns once its handlers are registered, and a SIGTERM between READY
        // and the serving loop waits in it, never lost or fatal.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        let notifier = SystemdNotifier()
        let unit: UnitRunner
        do {
            // systemd's STATUS= follows the unit: each change of lines up, calls or waiting callers
            unit = try UnitRunner(config: config, statusChanged: { _ = notifier.status($0) }, transcript: { ConsoleOutput.line($0) })
            try await unit.start(speechInBackground: true, extraServices: try Self.billingServices(config))
        } catch {
            FileHandle.standardError.write(Data("warmline run: \(TerminalText.escaped("\(error)", keepNewlines: true))\n".utf8))
            throw ExitCode(1)
        }
        let status = unit.status()
        if let url = config.billing.url { ConsoleOutput.line("warmline run: billing sync to \(url) every \(config.billing.intervalMs / 1000) s") }
        // Every board held by another process: a second `warmline run` beside the service. It would only retry forever.
        let held = status.lines.compactMap { $0.board.problem?.hasPrefix("held by another process") == true ? $0.board.problem : nil }
        if !status.lines.isEmpty, held.count == status.lines.count {
            let message = "warmline run: every line's board is \(held[0]): a warmline service already serves this unit "
                + "(`systemctl status warmline`, `warmline status`); stop it first (`systemctl stop warmline`)\n"
            FileHandle.standardError.write(Data(message.utf8))
            await unit.stop()
            throw ExitCode(1)
        }
        // READY alone: the unit's STATUS= was sent as the lines came up, and follows each change from here on
        _ = notifier.ready()
        ConsoleOutput.line("warmline run: \(status.linesUp)/\(config.lines.count) line(s) up; database \(config.databasePath); "
                           + "control socket \(config.controlSocketPath)")
        await Self.serve(unit: unit, notifier: notifier, signals: signals)
        ConsoleOutput.line("warmline run: log flushed, lines released to bypass")
    }

    /// Stops on SIGTERM/SIGINT and reloads on SIGHUP, in arrival order; pings the watchdog meanwhile.
    static func serve(unit: UnitRunner, notifier: SystemdNotifier, signals: UnixSignalsSequence) async {
        let watchdog = notifier.watchdogPingInterval.map { interval in
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "warmline.watchdog"))
            timer.schedule(deadline: .now(), repeating: .milliseconds(max(1, Int(interval / .milliseconds(1)))))
            // Fed only while every line's thread (idle wait or audio loop) shows progress.
            timer.setEventHandler { if unit.lines.allSatisfy({ $0.secondsSinceAlive < 2 }) { _ = notifier.watchdog() } }
            timer.resume()
            return timer
        }
        // Kept (and fed) until the lines are released and the log flushed.
        defer { watchdog?.cancel() }
        for await signal in signals {
            guard signal == .sighup else { break }
            do {
                try await unit.reload()
                ConsoleOutput.line("warmline run: SIGHUP: menu and prompts reloaded; calls starting from now use them")
            } catch {
                ConsoleOutput.line("warmline run: SIGHUP: reload refused, the old flow stays: \(error)")
            }
        }
        _ = notifier.stopping()
        await unit.stop()
    }

    private func effectiveConfig() throws -> UnitConfig {
        var config: UnitConfig
        let path = configPath ?? (FileManager.default.fileExists(atPath: UnitConfig.defaultPath) ? UnitConfig.defaultPath : nil)
        if let path {
            do {
                config = try UnitConfigLoader().load(path: path)
            } catch {
                FileHandle.standardError.write(Data((TerminalText.escaped(error.description, keepNewlines: true) + "\n").utf8))
                throw ExitCode(2)
            }
        } else {
            config = UnitConfig()
        }
        if let databasePath { config.databasePath = databasePath }
        // Without a config file (a bench, a test, a trial run) the socket sits beside the database: runs never share one.
        if path == nil { config.controlSocketPath = UnitConfig.controlSocket(besideDatabase: config.databasePath) }
        if let controlSocketPath { config.controlSocketPath = controlSocketPath }
        if let promptsDirectory { config.promptsDirectory = promptsDirectory }
        if let promptCacheDirectory { config.promptCacheDirectory = promptCacheDirectory }
        if let alsaConfigPath { config.alsaConfigPath = alsaConfigPath }
        if noSpeech { config.speechEnabled = false }
        // Bad input exits 2 like a bad config value (ArgumentParser's ValidationError would exit 64).
        do {
            if !lineSpecs.isEmpty { config.lines = try RunOverride.lines(lineSpecs) }
            if !agentSpecs.isEmpty { config.call.handoff.targets = try agentSpecs.map(RunOverride.agent) }
        } catch {
            FileHandle.standardError.write(Data("warmline run: \(error)\n".utf8))
            throw ExitCode(2)
        }
        return config
    }

    /// The billing sync as a service of the unit when `billing.url` is set: granted day passes are POSTed as they come.
    static func billingServices(_ config: UnitConfig) throws -> [any Service] {
        guard let url = config.billing.url else { return [] }
        let endpoint = try BillingEndpoint(url: url, tokenFile: config.billing.tokenFile, timeoutMs: config.billing.timeoutMs,
                                           retryBaseMs: config.billing.retryBaseMs, retryMaxMs: config.billing.retryMaxMs)
        let sync = BillingSync(store: try StoreDatabase(path: config.databasePath), endpoint: endpoint)
        return [BillingSyncService(sync: sync, intervalMs: Int64(config.billing.intervalMs))]
    }
}
