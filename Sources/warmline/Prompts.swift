import ArgumentParser
import Foundation
import WarmlineAudio

/// `warmline prompts`: work on the spoken prompts.
struct Prompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render and check the spoken prompts.",
        subcommands: [RenderPrompts.self])
}

/// `warmline prompts render`: renders changed prompt texts with espeak-ng into the cache and verifies every file.
struct RenderPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render prompt texts with espeak-ng to 8 kHz WAV (only what changed) and verify each file.")

    @Option(help: "Comma-separated languages to render.")
    var lang = "en,uk,tr"

    @Option(help: "Directory with <lang>/prompts.yaml and <lang>/pieces.yaml.")
    var prompts = "Prompts"

    @Option(help: "Cache directory for rendered audio (never committed).")
    var cache = ".cache/prompts"

    @Option(help: "Sample rate of the rendered files (the line's rate: 8000 or 16000).")
    var rate = 8000

    func run() throws {
        var settings = PromptRenderSettings()
        settings.sampleRate = rate
        let renderer = PromptRenderer(cacheDirectory: cache, settings: settings)
        for language in lang.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let catalog = try PromptCatalog.load(root: prompts, language: language)
            let report = try renderer.render(catalog)
            print("\(language): \(report.rendered.count) rendered, \(report.cached.count) cached, "
                + "\(report.removed) stale removed, all \(report.rendered.count + report.cached.count) verified "
                + "(\(rate) Hz, non-empty, not clipped) in \(cache)/\(language)")
        }
    }
}
