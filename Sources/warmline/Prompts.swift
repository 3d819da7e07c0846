import ArgumentParser
import Foundation
import WarmlineAudio

/// `warmline prompts`: work on the spoken prompts.
struct Prompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render, list and check the spoken prompts.",
        subcommands: [RenderPrompts.self, ListPrompts.self])
}

/// `--lang`, `--prompts`, `--cache`, `--rate`: where the prompts and their audio are, shared by the prompts commands.
struct PromptOptions: ParsableArguments {
    @Option(help: "Comma-separated languages.")
    var lang = "en,uk,tr"

    @Option(help: "Directory with <lang>/prompts.yaml, <lang>/pieces.yaml and <lang>/recorded/<id>.wav.")
    var prompts = "Prompts"

    @Option(help: "Cache directory for rendered audio (never committed).")
    var cache = ".cache/prompts"

    @Option(help: "Sample rate of the rendered files (the line's rate: 8000 or 16000).")
    var rate = 8000

    /// The languages of `--lang`, in order.
    var languages: [String] {
        lang.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Loads texts, pieces and recordings; a bad file prints `file:line: reason` (every bad recording) and exits 2.
    func loadLibrary() throws -> PromptLibrary {
        var settings = PromptRenderSettings()
        settings.sampleRate = rate
        do {
            return try PromptLibrary(root: prompts, languages: languages, cacheDirectory: cache, settings: settings)
        } catch let error as PromptFileError {
            throw CommandFailure.badInput("\(error)")
        } catch let error as RecordedPromptError {
            for problem in error.problems { CommandFailure.printError(problem) }
            throw CommandFailure.badInput("\(error.problems.count) recorded prompt(s) cannot be played; nothing was done")
        }
    }
}

/// `warmline prompts render`: renders changed prompt texts with espeak-ng into the cache and verifies every file.
struct RenderPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render prompt texts with espeak-ng to 8 kHz WAV (only what changed) and verify each file.",
        discussion: "Ids with a recording at <prompts>/<lang>/recorded/<id>.wav are not rendered. Exits 2 on a bad prompt file or recording.")

    @OptionGroup var options: PromptOptions

    func run() throws {
        let library = try options.loadLibrary()
        for language in options.languages {
            let report = try library.render(language: language)
            let recorded = report.recorded.isEmpty ? ""
                : "; \(report.recorded.count) recorded, not rendered (\(report.recorded.joined(separator: ", ")))"
            print("\(language): \(report.rendered.count) rendered, \(report.cached.count) cached, "
                + "\(report.removed) stale removed, all \(report.rendered.count + report.cached.count) verified "
                + "(\(options.rate) Hz, non-empty, not clipped) in \(options.cache)/\(language)\(recorded)")
        }
    }
}

/// `warmline prompts list`: every prompt and piece with the source of its audio, its length and its text.
struct ListPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every prompt and piece: recorded or rendered, seconds, text (renders what the cache lacks first).",
        discussion: "A prompt with {placeholders} shows its template and the seconds of its fixed words, \"+ value\" for what a call adds. Exits 2 on a bad prompt file or recording.")

    @OptionGroup var options: PromptOptions

    func run() throws {
        let library = try options.loadLibrary()
        var rows: [[String]] = []
        for language in options.languages {
            for row in try library.listing(language: language) {
                rows.append([row.language, row.id, row.source.rawValue, row.durationText, row.text])
            }
        }
        print(TextTable.render(header: ["lang", "id", "source", "seconds", "text"], rows: rows))
    }
}
