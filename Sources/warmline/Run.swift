import ArgumentParser
import Foundation
import WarmlineCore
import WarmlineText
import WarmlineUnit

/// `warmline run`: serve every configured line until SIGTERM; SIGHUP reloads menu and prompts between calls.
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

    func run() async throws {
        let config = try effectiveConfig()
        // Watched from the start: a SIGTERM between READY and the serving loop is queued, never lost or fatal.
        let signals = SignalWatcher(watching: [SIGTERM, SIGINT, SIGHUP])
        let unit: UnitRunner
        do {
            unit = try UnitRunner(config: config, transcript: { ConsoleOutput.line($0) })
            try await unit.start(speechInBackground: true)
        } catch {
            FileHandle.standardError.write(Data("warmline run: \(TerminalText.escaped("\(error)", keepNewlines: true))\n".utf8))
            throw ExitCode(1)
        }
        let notifier = SystemdNotifier()
        _ = notifier.ready(status: "\(config.lines.count) line(s) up")
        ConsoleOutput.line("warmline run: \(config.lines.count) line(s) up; database \(config.databasePath)")
        await Self.serve(unit: unit, notifier: notifier, signals: signals)
        ConsoleOutput.line("warmline run: log flushed, lines released to bypass")
    }

    /// Stops on SIGTERM/SIGINT and reloads on SIGHUP, in arrival order; pings the watchdog meanwhile.
    static func serve(unit: UnitRunner, notifier: SystemdNotifier, signals: SignalWatcher) async {
        if let interval = notifier.watchdogPingInterval {
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "warmline.watchdog"))
            timer.schedule(deadline: .now(), repeating: .milliseconds(Int(interval.components.seconds * 1000)))
            // Fed only while every line's thread (idle wait or audio loop) shows progress.
            timer.setEventHandler { if unit.lines.allSatisfy({ $0.secondsSinceAlive < 2 }) { _ = notifier.watchdog() } }
            timer.resume()
            SignalSources.keep(timer)
        }
        for await signal in signals.received {
            guard signal == SIGHUP else { break }
            do {
                try unit.reload()
                ConsoleOutput.line("warmline run: SIGHUP: menu and prompts reloaded; calls starting from now use them")
            } catch {
                ConsoleOutput.line("warmline run: SIGHUP: reload refused, the old flow stays: \(error)")
            }
        }
        _ = notifier.stopping()
        unit.stop()
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
        if let promptsDirectory { config.promptsDirectory = promptsDirectory }
        if let promptCacheDirectory { config.promptCacheDirectory = promptCacheDirectory }
        if let alsaConfigPath { config.alsaConfigPath = alsaConfigPath }
        if noSpeech { config.speechEnabled = false }
        if !lineSpecs.isEmpty { config.lines = try lineSpecs.map(Self.line) }
        if !agentSpecs.isEmpty { config.call.handoff.targets = try agentSpecs.map(Self.agent) }
        return config
    }

    static func line(_ spec: String) throws -> LineConfig {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let number = Int(parts[0]), number > 0 else {
            throw ValidationError("--line '\(spec)': expected NUMBER:SERIAL:CAPTURE:PLAYBACK, e.g. 1:/dev/ttyACM0:hw:0:hw:0 is not allowed; name PCMs without ':' (e.g. 1:/dev/ttyACM0:line1_in:line1_out)")
        }
        var line = LineConfig()
        line.number = number
        line.serialDevice = parts[1]
        line.captureDevice = parts[2]
        line.playbackDevice = parts[3]
        return line
    }

    static func agent(_ spec: String) throws -> HandoffTarget {
        let parts = spec.split(separator: ":").map(String.init)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ "0123456789*#".contains($0) }) else {
            throw ValidationError("--agent '\(spec)': expected NAME:DIGITS, e.g. desk:201")
        }
        return HandoffTarget(name: parts[0], dial: parts[1])
    }
}

/// Signals as a stream, from the moment it is made: each arrives once, in order, whatever the program is doing.
final class SignalWatcher: Sendable {
    /// The signals received, oldest first.
    let received: AsyncStream<Int32>

    /// Starts watching `signals`. Dispatch registers a source a moment after `resume()`; until then the default
    /// action (termination) stands, which is right that early: ignoring the signal first would drop it instead.
    init(watching signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .unbounded)
        received = stream
        let queue = DispatchQueue(label: "warmline.signals")
        for number in signals {
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            SignalSources.keep(source)
        }
    }
}

/// Keeps dispatch sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) static var kept: [Any] = []
    static func keep(_ source: Any) { kept.append(source) }
}
