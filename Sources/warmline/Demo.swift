import ArgumentParser
import Foundation
import Logging
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

/// `warmline demo`: scripted callers on two emulated lines, a live transcript per line, then the session's report.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scripted callers through the firmware emulator on two lines and print a live transcript, then the report.")

    @Option(name: .customLong("work-dir"), help: ArgumentHelp("Scratch directory; the database stays here.", valueName: "dir"))
    var workDirectory = ".cache/demo"

    @Option(name: .customLong("emulator"), help: ArgumentHelp("The firmware host emulator.", valueName: "path"))
    var emulator = "Firmware/build/host/warmline-emulator"

    @Option(name: .customLong("prompts"), help: ArgumentHelp("The Prompts directory.", valueName: "dir"))
    var prompts = "Prompts"

    @Flag(name: .customLong("no-speech"), help: "Keyword spotting off (the \"help me please\" caller then waits for the menu).")
    var noSpeech = false

    func run() async throws {
        // The transcript says what the board did; the link's own notices would repeat it on stderr.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let work = URL(fileURLWithPath: workDirectory).standardizedFileURL.path
        var options = DemoSession.Options(workDirectory: work, emulatorBinary: emulator, promptsDirectory: prompts)
        options.speechEnabled = !noSpeech
        try? FileManager.default.removeItem(atPath: options.databasePath)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: options.databasePath + suffix) }
        let startedMs = Int64(Date().timeIntervalSince1970 * 1000)
        ConsoleOutput.line("warmline demo: rendering caller speech and prompts, starting two emulated lines")
        let callers = try DemoSession.demoCallers(speechDirectory: work + "/caller-speech")
        let session = DemoSession(options: options, transcript: { ConsoleOutput.line($0) })
        let calls = try await session.run(lines: callers)
        ConsoleOutput.line("\n── calls ──")
        for call in calls {
            ConsoleOutput.line("line \(call.line)  \(call.caller.label.padding(toLength: 44, withPad: " ", startingAt: 0))  \(call.result.outcome.padding(toLength: 17, withPad: " ", startingAt: 0))  \(call.result.endReason)")
        }
        let store = try StoreDatabase(readingAt: options.databasePath)
        let report = try store.report(fromMs: startedMs, toMs: Int64(Date().timeIntervalSince1970 * 1000) + 1)
        ConsoleOutput.line("\n── warmline report (this session) ──\n" + report.renderedTable(timeZone: .current))
        ConsoleOutput.line("\nThe database stays at \(options.databasePath):\n  warmline logs --db \(options.databasePath)\n  warmline calls --db \(options.databasePath)")
    }
}
