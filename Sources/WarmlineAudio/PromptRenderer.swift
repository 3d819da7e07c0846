import Foundation
import WarmlineCore

/// How prompts are rendered; every field is part of the cache key, so changing one re-renders.
public struct PromptRenderSettings: Sendable, Equatable {
    /// Output rate (the line's rate).
    public var sampleRate = 8000
    /// espeak-ng speed in words per minute.
    public var speedWPM = 150
    /// Normalised peak level in dBFS (headroom against clipping in the codec).
    public var peakDBFS = -3.0
    /// espeak-ng voice per language code.
    public var voices: [String: String] = ["en": "en", "uk": "uk", "tr": "tr"]

    /// Default settings: 8 kHz, 150 wpm, -3 dBFS peak.
    public init() {}

    /// The espeak-ng voice for `language` (the language code itself when not listed).
    public func voice(for language: String) -> String { voices[language] ?? language }

    func cacheKey(language: String, text: String) -> String {
        "warmline-prompt-v1|\(voice(for: language))|\(speedWPM)|\(sampleRate)|\(peakDBFS)|\(text)"
    }
}

/// A rendered file that failed verification, or a renderer that could not run.
public struct PromptRenderError: Error, CustomStringConvertible {
    /// What failed and where.
    public var description: String
}

/// What one render run did for one language.
public struct PromptRenderReport: Sendable, Equatable {
    /// Language code.
    public var language: String
    /// Ids rendered now (new or changed text or settings).
    public var rendered: [String] = []
    /// Ids whose cached file was current and verified.
    public var cached: [String] = []
    /// Stale files of older texts or settings that were removed.
    public var removed = 0
    /// Ids not rendered because a recording replaces them (`Prompts/<lang>/recorded/<id>.wav`).
    public var recorded: [String] = []
}

/// The tools a renderer runs: names looked up on PATH, or paths (not part of the cache key: the same text, voice and
/// settings give the same file whichever copy of the tool made it).
public struct PromptRenderTools: Sendable, Equatable {
    /// The speech synthesiser (Debian package espeak-ng).
    public var espeak = "espeak-ng"
    /// The resampler and trimmer (Debian package sox).
    public var sox = "sox"

    /// espeak-ng and sox from PATH.
    public init() {}
}

/// Renders prompt texts with espeak-ng into a content-addressed WAV cache and verifies each file.
/// Rendering runs the tools through `HelperTool` (swift-subprocess) from async code; reading the cache is synchronous.
public struct PromptRenderer: Sendable {
    /// Where rendered files live: `<cacheDirectory>/<lang>/<id>.<hash>.wav`.
    public var cacheDirectory: String
    /// Voice, rate, speed and level.
    public var settings: PromptRenderSettings
    /// The synthesiser and resampler it runs.
    public var tools: PromptRenderTools

    /// A renderer writing under `cacheDirectory`.
    public init(cacheDirectory: String, settings: PromptRenderSettings = PromptRenderSettings(),
                tools: PromptRenderTools = PromptRenderTools()) {
        self.cacheDirectory = cacheDirectory
        self.settings = settings
        self.tools = tools
    }

    /// The cache file for `id` saying `text` in `language` (its name carries the content hash).
    public func path(language: String, id: String, text: String) -> String {
        let hash = fnv1a64(settings.cacheKey(language: language, text: text))
        return "\(cacheDirectory)/\(language)/\(id).\(String(format: "%016llx", hash)).wav"
    }

    /// Renders every prompt segment and piece of `catalog` (or only the ids in `only`, never those in `skipping`) not cached yet.
    /// At most as many tools run at once as there are cores.
    public func render(_ catalog: PromptCatalog, only: Set<String>? = nil,
                       skipping: Set<String> = []) async throws -> PromptRenderReport {
        let directory = "\(cacheDirectory)/\(catalog.language)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var report = PromptRenderReport(language: catalog.language)
        var targets: [String: String] = [:]
        var pending: [(id: String, text: String, path: String)] = []
        for (id, text) in try catalog.renderTexts() where only?.contains(id) ?? true {
            if skipping.contains(id) {
                report.recorded.append(id)
                continue
            }
            let target = path(language: catalog.language, id: id, text: text)
            targets[id] = target
            if (try? verify(path: target)) != nil {
                report.cached.append(id)
            } else {
                pending.append((id, text, target))
            }
        }
        let jobs = pending
        let language = catalog.language
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let failures: [String] = await withTaskGroup(of: String?.self) { group in
            var failures: [String] = []
            var next = 0
            func addJob() {
                let job = jobs[next]
                next += 1
                group.addTask {
                    do {
                        try await renderOne(text: job.text, language: language, to: job.path)
                        try verify(path: job.path)
                        return nil
                    } catch {
                        return "\(language)/\(job.id) (\"\(job.text)\"): \(error)"
                    }
                }
            }
            while next < min(width, jobs.count) { addJob() }
            for await failure in group {
                if let failure { failures.append(failure) }
                if next < jobs.count { addJob() }
            }
            return failures
        }
        if let first = failures.sorted().first {
            throw PromptRenderError(description: first)
        }
        report.rendered = jobs.map(\.id)
        report.removed = try removeStale(directory: directory, current: targets)
        return report
    }

    /// Checks a rendered file: the expected rate, at least one sample, and a peak below clipping but above silence.
    @discardableResult
    public func verify(path: String) throws -> WAVFile {
        let wav = try WAVFile.read(path: path)
        guard wav.sampleRate == settings.sampleRate else {
            throw PromptRenderError(description: "\(path): rate \(wav.sampleRate) Hz, expected \(settings.sampleRate) Hz")
        }
        guard !wav.samples.isEmpty else { throw PromptRenderError(description: "\(path): no samples") }
        let peak = wav.samples.reduce(0) { max($0, abs(Int($1))) }
        guard peak < 32767 else { throw PromptRenderError(description: "\(path): clipped (peak at full scale)") }
        guard peak > 300 else { throw PromptRenderError(description: "\(path): silent (peak \(peak))") }
        return wav
    }

    private func renderOne(text: String, language: String, to target: String) async throws {
        let scratch = "\(target).tmp-\(UUID().uuidString)"
        defer {
            for suffix in [".txt", ".raw.wav", ".wav"] { try? FileManager.default.removeItem(atPath: scratch + suffix) }
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: scratch + ".txt"))
        try await run(tools.espeak, package: "espeak-ng", ["-v", settings.voice(for: language), "-s", "\(settings.speedWPM)",
                              "-f", scratch + ".txt", "-w", scratch + ".raw.wav"])
        // Trim espeak's long edges so joined pieces flow; repeatable (-R) and undithered (-D) for stable files.
        try await run(tools.sox, package: "sox", ["-R", "-D", scratch + ".raw.wav", "-r", "\(settings.sampleRate)", "-c", "1", "-b", "16",
                        "-e", "signed-integer", scratch + ".wav",
                        "silence", "1", "0.01", "0.1%", "reverse", "silence", "1", "0.01", "0.1%", "reverse",
                        "pad", "0.03", "0.06", "norm", "\(settings.peakDBFS)"])
        // rename(2) is atomic: a concurrent reader sees the old file or the whole new one.
        guard rename(scratch + ".wav", target) == 0 else {
            throw PromptRenderError(description: "cannot move the rendered file to \(target): errno \(errno)")
        }
    }

    private func run(_ tool: String, package: String, _ arguments: [String]) async throws {
        let outcome: HelperTool.Outcome
        do {
            outcome = try await HelperTool.run([tool] + arguments)
        } catch {
            throw PromptRenderError(description: "\(error) (install Debian package \(package))")
        }
        guard outcome.status == 0 else {
            throw PromptRenderError(description: "\(tool) exited \(outcome.status): "
                + outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    private func removeStale(directory: String, current: [String: String]) throws -> Int {
        var removed = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".wav") {
            let stem = name.dropLast(4)
            guard let dot = stem.lastIndex(of: ".") else { continue }
            let id = String(stem[..<dot])
            let full = "\(directory)/\(name)"
            if let keep = current[id], keep != full {
                try FileManager.default.removeItem(atPath: full)
                removed += 1
            }
        }
        return removed
    }
}

/// 64-bit FNV-1a: a stable content hash for cache file names (not for security).
func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}
