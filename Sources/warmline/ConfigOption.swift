import ArgumentParser
import Foundation
import WarmlineText
import WarmlineUnit

/// `--config PATH`, shared by every command that reads the unit's config (doctor, prompts, speech, test-call, status).
struct ConfigOption: ParsableArguments {
    @Option(name: .customLong("config"),
            help: ArgumentHelp("The unit's config file (default \(UnitConfig.defaultPath)).", valueName: "path"))
    var given: String?

    /// The config file read: the one given, else the default.
    var path: String { given ?? UnitConfig.defaultPath }

    /// Loads and validates the config; a missing or bad file prints each problem as `file:line: reason` and exits 2.
    func load() throws -> UnitConfig {
        do {
            return try UnitConfigLoader().load(path: path)
        } catch {
            FileHandle.standardError.write(Data((TerminalText.escaped(error.description, keepNewlines: true) + "\n").utf8))
            FileHandle.standardError.write(Data("warmline: \(TerminalText.escaped(path)): \(error.problems.count) problem(s); nothing was changed\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Like `load`, but on a development checkout without an installed config (none given, none at the default path)
    /// the shipped defaults with the repository's `Prompts` and `.cache/prompts`, said on stderr.
    func loadOrRepositoryDefaults() throws -> UnitConfig {
        guard given == nil, !FileManager.default.fileExists(atPath: path) else { return try load() }
        var config = UnitConfig()
        if FileManager.default.fileExists(atPath: "Prompts/menu.yaml") {
            config.promptsDirectory = "Prompts"
            config.promptCacheDirectory = ".cache/prompts"
        }
        CommandFailure.printError("note: no \(path); using the defaults with prompts_dir \(config.promptsDirectory) "
            + "and prompt_cache_dir \(config.promptCacheDirectory)")
        return config
    }
}
