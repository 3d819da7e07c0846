import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineText
import WarmlineUnit

/// `warmline doctor`: the technician's self-test, one line per check with the fix for each failure.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Self-test the unit: audio devices, board link, bypass relay, database, disk, prompts, speech model, hand-off "
            + "targets, clock; with --dial-test LINE also dial the first hand-off target.",
        discussion: "Exit code 0 only when every check passes (SKIP is not a failure); 1 when any fails; 2 for a bad config. "
            + "Stop the service first (`systemctl stop warmline`): the doctor opens the boards and sound cards itself.")

    @OptionGroup var config: ConfigOption

    @Flag(help: "Print the report as JSON (for fleet tools).")
    var json = false

    @Option(name: .customLong("alsa-config"),
            help: ArgumentHelp("ALSA config laid over the system's (default: the config's alsa_config).", valueName: "file"))
    var alsaConfig: String?

    @Option(name: .customLong("alsa-overlay"), help: .hidden)
    var alsaOverlayDeprecated: String?

    @Option(name: .customLong("dial-test"),
            help: ArgumentHelp("Also seize this line, hear dial tone, dial the first hand-off target, hear ringback or answer, "
                               + "hang up.", valueName: "line"))
    var dialTestLine: Int?

    func run() async throws {
        let unit = try config.load()
        if alsaOverlayDeprecated != nil {
            CommandFailure.printError("note: --alsa-overlay is deprecated; it is --alsa-config now (alsa_config in the config)")
        }
        // One name everywhere: the flag overrides the config's alsa_config.
        let overlay = try Self.overlay(alsaConfig ?? alsaOverlayDeprecated ?? unit.alsaConfigPath)
        // Hook for the runtime: a running service holds the ports; `Doctor+Service.swift` asks it over the control socket.
        let doctor = WarmlineUnit.Doctor(config: unit, configPath: config.path, alsaOverlay: overlay)
        var report = await doctor.run()
        if let dialTestLine {
            report = DoctorReport(configPath: report.configPath, checks: report.checks + (await doctor.dialTest(lineNumber: dialTestLine)))
        }
        print(json ? report.json : TerminalText.escaped(report.text, keepNewlines: true), terminator: "")
        if !report.passed { throw ExitCode(report.exitCode) }
    }

    /// The ALSA overlay at `path` (nil: none); an unreadable or invalid file exits 2 naming it.
    static func overlay(_ path: String?) throws -> ALSAConfigOverlay? {
        guard let path else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure.badInput("cannot read the ALSA config \(path) (alsa_config, or --alsa-config)")
        }
        do {
            return try ALSAConfigOverlay(text)
        } catch {
            throw CommandFailure.badInput("\(path): \(error)")
        }
    }
}
