import ArgumentParser
import Foundation
import WarmlineAudio

/// `warmline prompts`: work on the spoken prompts.
struct Prompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render, list and check the spoken prompts.",
        subcommands: [RenderPrompts.self, ListPrompts.self])
}

/// `--config` and its overrides `--lang`, `--prompts`, `--cache`, `--rate`: where the prompts and their audio are.
struct PromptOptions: ParsableArguments {
    @OptionGroup var config: ConfigOption

    @Option(help: "Comma-separated languages (default: the config's languages).")
    var lang: String?

    @Option(help: "Directory with <lang>/prompts.yaml, <lang>/pieces.yaml and <lang>/recorded/<id>.wav (default: the config's prompts_dir).")
    var prompts: String?

    @Option(help: "Cache directory for rendered audio (default: the config's prompt_cache_dir).")
    var cache: String?

    @Option(help: "Sample rate of the rendered files (default: the config's sample_rate).")
    var rate: Int?

    /// The config's values with the overrides applied (a missing or bad config given with --config exits 2).
    func resolved() throws -> (languages: [String], prompts: String, cache: String, rate: Int) {
        let unit = try config.loadOrRepositoryDefaults()
        let languages = lang.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        return (languages ?? unit.languages, prompts ?? unit.promptsDirectory, cache ?? unit.promptCacheDirectory, rate ?? unit.sampleRate)
    }

    /// Loads texts, pieces and recordings; a bad file prints `file:line: reason` (every bad recording) and exits 2.
    func loadLibrary() throws -> (library: PromptLibrary, languages: [String], cache: String, rate: Int) {
        let location = try resolved()
        var settings = PromptRenderSettings()
        settings.sampleRate = location.rate
        guard FileManager.default.fileExists(atPath: location.prompts) else {
            throw CommandFailure.badInput("prompts directory \(location.prompts) does not exist (prompts_dir in \(config.path), or --prompts)")
        }
        do {
            let library = try PromptLibrary(root: location.prompts, languages: location.languages, cacheDirectory: location.cache,
                                            settings: settings)
            return (library, location.languages, location.cache, location.rate)
        } catch let error as PromptFileError {
            throw CommandFailure.badInput("\(error)")
        } catch let error as RecordedPromptError {
            for problem in error.problems { CommandFailure.printError(problem) }
            throw CommandFailure.badInput("\(error.problems.count) recorded prompt(s) cannot be played; nothing was done")
        }
    }
}

/// `warmline prompts render`: renders changed prompt texts with espeak-ng into the cache and verifies every file.
struct RenderPrompts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render prompt texts with espeak-ng to 8 kHz WAV (only what changed) and verify each file.",
        discussion: "Ids with a recording at <prompts>/<lang>/recorded/<id>.wav are not rendered. Exits 2 on a bad prompt file or recording.")

    @OptionGroup var options: PromptOptions

    func run() async throws {
        let (library, languages, cache, rate) = try options.loadLibrary()
        for language in languages {
            let report: PromptRenderReport
            do {
                report = try await library.render(language: language)
            } catch {
                throw CommandFailure.runtime("\(language): \(error)")
            }
            let recorded = report.recorded.isEmpty ? ""
                : "; \(report.recorded.count) recorded, not rendered (\(report.recorded.joined(separator: ", ")))"
            print("\(language): \(report.rendered.count) rendered, \(report.cached.count) cached, "
                + "\(report.removed) stale removed, all \(report.rendered.count + report.cached.count) verified "
                + "(\(rate) Hz, non-empty, not clipped) in \(cache)/\(language)\(recorded)")
        }
    }
}

/// `warmline prompts list`: every prompt and piece with the source of its audio, its length and its text.
struct ListPrompts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every prompt and piece: recorded or rendered, seconds, text (renders what the cache lacks first).",
        discussion: "A prompt with {placeholders} shows its template and the seconds of its fixed words, \"+ value\" for what a call adds. Exits 2 on a bad prompt file or recording.")

    @OptionGroup var options: PromptOptions

    func run() async throws {
        let (library, languages, _, _) = try options.loadLibrary()
        var rows: [[String]] = []
        for language in languages {
            for row in try await library.listing(language: language) {
                rows.append([row.language, row.id, row.source.rawValue, row.durationText, row.text])
            }
        }
        print(TextTable.render(header: ["lang", "id", "source", "seconds", "text"], rows: rows))
    }
}
