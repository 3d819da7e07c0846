import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineSpeech
import WarmlineText
import WarmlineUnit

/// `warmline config`: work on the unit's config file.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the unit's config file.",
        subcommands: [ConfigCheck.self, ConfigDefaults.self])
}

/// `warmline config check`: validates the config and everything it names, prints the effective config and the warnings.
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config and what it names (menu flow, prompts, recordings, keywords); print the effective config "
            + "(exit 0, warnings on stderr) or every problem as file:line: reason (exit 2).",
        discussion: "Warnings (valid but dangerous: no hand-off targets, an emergency number that is not the tone plan's "
            + "country's, a distress threshold no signal combination reaches, a person bound above 120 s) do not fail the check.")

    @OptionGroup var config: ConfigOption

    func run() throws {
        guard FileManager.default.fileExists(atPath: config.path) else { _ = try config.load(); return }
        let effective: UnitConfig
        let warnings: [ConfigProblem]
        do {
            (effective, warnings) = try UnitConfigLoader().loadWithWarnings(path: config.path)
        } catch {
            _ = try config.load()  // prints every problem and exits 2
            return
        }
        let problems = Self.namedFileProblems(effective)
        guard problems.isEmpty else {
            for problem in problems { FileHandle.standardError.write(Data((TerminalText.escaped(problem, keepNewlines: true) + "\n").utf8)) }
            throw CommandFailure.badInput("\(config.path): a file it names is refused (\(problems.count) problem(s)); the unit "
                + "would not start with it")
        }
        print(EffectiveConfigPrinter.yaml(effective), terminator: "")
        for warning in warnings { FileHandle.standardError.write(Data((TerminalText.escaped(warning.description) + "\n").utf8)) }
        FileHandle.standardError.write(Data(("\(config.path): OK (menu flow, prompts and keywords of "
            + "\(effective.languages.joined(separator: ", ")) load)" + (warnings.isEmpty ? "" : "; \(warnings.count) warning(s)")
            + "\n").utf8))
    }

    /// Loads the menu flow, the prompts and recordings of every language, and the keyword files, as `warmline run`
    /// would: each refusal as `file:line: reason`.
    static func namedFileProblems(_ config: UnitConfig) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: config.promptsDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return ["\(config.promptsDirectory): prompts_dir does not exist (`warmline install` puts the prompts there)"]
        }
        var problems: [String] = []
        do {
            _ = try FlowSource(promptsDirectory: config.promptsDirectory, cacheDirectory: config.promptCacheDirectory,
                               languages: config.languages)
        } catch let error as RecordedPromptError {
            problems += error.problems
        } catch {
            problems += "\(error)".split(separator: "\n").map(String.init)
        }
        if config.speechEnabled {
            for language in config.languages {
                let status = SpeechStatus.check(keywordsFile: "\(config.promptsDirectory)/\(language)/keywords.yaml", language: language).status
                if status.isBroken { problems.append(status.description) }
            }
        }
        return problems
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
