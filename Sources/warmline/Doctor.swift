import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineText
import WarmlineUnit

/// `warmline doctor`: the technician's self-test, one line per check with the fix for each failure.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Self-test the unit: audio devices, board link, bypass relay, database, disk, prompts, speech model, clock.",
        discussion: "Exit code 0 only when every check passes (SKIP is not a failure); 1 when any fails; 2 for a bad config.")

    @OptionGroup var config: ConfigOption

    @Flag(help: "Print the report as JSON (for fleet tools).")
    var json = false

    @Option(help: ArgumentHelp("ALSA config laid over the system's (test benches without a sound card).", valueName: "file"))
    var alsaOverlay: String?

    func run() async throws {
        let unit = try config.load()
        var overlay: ALSAConfigOverlay?
        if let alsaOverlay {
            guard let text = try? String(contentsOfFile: alsaOverlay, encoding: .utf8) else {
                throw CommandFailure.badInput("cannot read the ALSA overlay \(alsaOverlay)")
            }
            do {
                overlay = try ALSAConfigOverlay(text)
            } catch {
                throw CommandFailure.badInput("\(alsaOverlay): \(error)")
            }
        }
        let report = await WarmlineUnit.Doctor(config: unit, configPath: config.path, alsaOverlay: overlay).run()
        print(json ? report.json : TerminalText.escaped(report.text, keepNewlines: true), terminator: "")
        if !report.passed { throw ExitCode(report.exitCode) }
    }
}
