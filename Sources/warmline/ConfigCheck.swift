import ArgumentParser
import Foundation
import WarmlineText
import WarmlineUnit

/// `--config PATH`, shared by every command that reads the unit's config.
struct ConfigOption: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("The unit's config file.", valueName: "path"))
    var path: String = UnitConfig.defaultPath

    /// Loads and validates the config; on problems prints each as `file:line: reason` to stderr and exits 2.
    func load() throws -> UnitConfig {
        do {
            return try UnitConfigLoader().load(path: path)
        } catch {
            FileHandle.standardError.write(Data((TerminalText.escaped(error.description, keepNewlines: true) + "\n").utf8))
            FileHandle.standardError.write(Data("warmline: \(TerminalText.escaped(path)): \(error.problems.count) problem(s); nothing was changed\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `warmline config`: work on the unit's config file.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the unit's config file.",
        subcommands: [ConfigCheck.self, ConfigDefaults.self])
}

/// `warmline config check`: validates the config and prints the effective config (defaults filled in).
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config; print the effective config as YAML (exit 0) or every problem as file:line: reason (exit 2).")

    @OptionGroup var config: ConfigOption

    func run() throws {
        let effective = try config.load()
        print(EffectiveConfigPrinter.yaml(effective), terminator: "")
        if effective.call.handoff.targets.isEmpty {
            FileHandle.standardError.write(Data(("note: handoff.targets is empty: a caller who asks for a person or is in distress "
                + "goes straight to the bypass relay (the agent line), with no whisper and no queue\n").utf8))
        }
    }
}

/// `warmline config defaults`: prints the documented default config (the file `warmline install` writes).
struct ConfigDefaults: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "defaults",
        abstract: "Print the default config with a comment on every key.")

    func run() {
        print(EffectiveConfigPrinter.yaml(UnitConfig(), comments: true), terminator: "")
    }
}
