import Foundation
import WarmlineConfig
import WarmlineCore

/// The prompts of every language, as clips ready for the player; recordings first, then what is rendered on first use.
public struct PromptLibrary: Sendable {
    /// Catalog per language code.
    public let catalogs: [String: PromptCatalog]
    /// The renderer and cache the clips come from.
    public let renderer: PromptRenderer
    /// Human recordings per language code and render id; they are played instead of the rendered audio.
    public let recordings: [String: [String: RecordedPrompt]]
    /// Rendered clips read into memory by `loadingRendered()`, by cache file: one copy every line plays from, with no
    /// file read on an audio thread. Empty until loaded (clips then come from the cache files).
    public let rendered: [String: [Int16]]

    /// A library over already loaded catalogs and recordings.
    public init(catalogs: [PromptCatalog], renderer: PromptRenderer, recordings: [String: [String: RecordedPrompt]] = [:]) {
        self.init(catalogs: Dictionary(catalogs.map { ($0.language, $0) }, uniquingKeysWith: { _, last in last }),
                  renderer: renderer, recordings: recordings, rendered: [:])
    }

    private init(catalogs: [String: PromptCatalog], renderer: PromptRenderer, recordings: [String: [String: RecordedPrompt]],
                 rendered: [String: [Int16]]) {
        self.catalogs = catalogs
        self.renderer = renderer
        self.recordings = recordings
        self.rendered = rendered
    }

    /// This library with every rendered clip of every language read into memory and verified (after `render`); a
    /// clip not rendered yet stays on disk-only and is reported by `clips` as before.
    public func loadingRendered() throws -> PromptLibrary {
        var loaded: [String: [Int16]] = [:]
        for (language, catalog) in catalogs {
            let recorded = recordings[language] ?? [:]
            for (id, text) in try catalog.renderTexts() where recorded[id] == nil {
                let path = renderer.path(language: language, id: id, text: text)
                if let wav = try? renderer.verify(path: path) { loaded[path] = wav.samples }
            }
        }
        return PromptLibrary(catalogs: catalogs, renderer: renderer, recordings: recordings, rendered: loaded)
    }

    /// Loads `<root>/<lang>/prompts.yaml`, `pieces.yaml` and the `recorded/<id>.wav` files for each language;
    /// a recording that cannot be played is a `RecordedPromptError` naming every such file.
    public init(root: String, languages: [String], cacheDirectory: String,
                settings: PromptRenderSettings = PromptRenderSettings()) throws {
        let catalogs = try languages.map { try PromptCatalog.load(root: root, language: $0) }
        var recordings: [String: [String: RecordedPrompt]] = [:]
        var problems: [LocatedError] = []
        for catalog in catalogs {
            do {
                recordings[catalog.language] = try RecordedPrompt.load(root: root, catalog: catalog, sampleRate: settings.sampleRate)
            } catch let error as RecordedPromptError {
                problems += error.located
            }
        }
        guard problems.isEmpty else { throw RecordedPromptError(problems) }
        self.init(catalogs: catalogs, renderer: PromptRenderer(cacheDirectory: cacheDirectory, settings: settings),
                  recordings: recordings)
    }

    /// The recording that replaces render id `id` in `language`, if there is one.
    public func recording(_ id: String, language: String) -> RecordedPrompt? { recordings[language]?[id] }

    /// Renders every text of `language` that is neither recorded nor cached yet, and verifies each file.
    public func render(language: String) async throws -> PromptRenderReport {
        let recorded = Set((recordings[language] ?? [:]).keys)
        var report = try await renderer.render(try catalog(language), skipping: recorded)
        report.recorded.sort()
        return report
    }

    private func catalog(_ language: String) throws -> PromptCatalog {
        guard let catalog = catalogs[language] else {
            throw PromptFileError(file: "Prompts/\(language)/prompts.yaml", reason: "language '\(language)' is not loaded")
        }
        return catalog
    }

    /// The cache ids and texts that say `promptID` with `values`, in playing order.
    public func parts(_ promptID: String, language: String,
                      values: [String: SpokenValue] = [:]) throws -> [(id: String, text: String)] {
        let catalog = try catalog(language)
        let speech = PlaceholderSpeech(catalog: catalog)
        var parts: [(id: String, text: String)] = []
        for segment in try catalog.segments(of: promptID) {
            switch segment {
            case .text(let id, let text):
                parts.append((id, text))
            case .placeholder(let name):
                guard let value = values[name] else {
                    throw PromptFileError(file: "Prompts/\(language)/prompts.yaml",
                                          reason: "prompt '\(promptID)' needs a value for {\(name)}")
                }
                for piece in try speech.pieceIDs(for: value) {
                    parts.append((PromptCatalog.pieceClipID(piece), catalog.pieces[piece] ?? ""))
                }
            }
        }
        return parts
    }

    /// The clips that say `promptID` in `language` with `values`; queue them together for a gapless prompt.
    /// Reads the cache only (the audio thread calls it): a part not rendered yet is an error, never a tool started here.
    public func clips(_ promptID: String, language: String, values: [String: SpokenValue] = [:]) throws -> [PromptClip] {
        let parts = try parts(promptID, language: language, values: values)
        return try samples(of: parts, language: language).enumerated().map { index, samples in
            PromptClip(id: "\(language)/\(parts[index].id)", samples: samples)
        }
    }

    /// The samples of each render id in `parts`: the recording when there is one, else the rendered file.
    private func samples(of parts: [(id: String, text: String)], language: String) throws -> [[Int16]] {
        let recorded = recordings[language] ?? [:]
        let missing = parts.filter {
            let path = renderer.path(language: language, id: $0.id, text: $0.text)
            return recorded[$0.id] == nil && rendered[path] == nil && !FileManager.default.fileExists(atPath: path)
        }
        if !missing.isEmpty {
            throw PromptRenderError(description: "\(renderer.cacheDirectory)/\(language): not rendered yet: "
                + missing.map(\.id).joined(separator: ", ") + " (`warmline prompts render`; the unit renders them at start)")
        }
        return try parts.map { part in
            if let recording = recorded[part.id] { return recording.samples }
            let path = renderer.path(language: language, id: part.id, text: part.text)
            if let samples = rendered[path] { return samples }
            return try renderer.verify(path: renderer.path(language: language, id: part.id, text: part.text)).samples
        }
    }

    /// One row per prompt of `language` (sorted by id), then one per piece: where its audio comes from, how long
    /// its fixed words last and its text; renders what the cache lacks first.
    public func listing(language: String) async throws -> [PromptListing] {
        let catalog = try catalog(language)
        _ = try await render(language: language)
        let rate = Double(renderer.settings.sampleRate)
        var rows: [PromptListing] = []
        for id in catalog.prompts.keys.sorted() {
            let segments = try catalog.segments(of: id)
            let fixed = segments.compactMap { segment -> (id: String, text: String)? in
                guard case .text(let partID, let text) = segment else { return nil }
                return (partID, text)
            }
            let recordedCount = fixed.filter { recording($0.id, language: language) != nil }.count
            let source: PromptListing.Source = recordedCount == 0 ? .rendered
                : recordedCount == fixed.count ? .recorded : .mixed
            let frames = try samples(of: fixed, language: language).reduce(0) { $0 + $1.count }
            rows.append(PromptListing(language: language, id: id, source: source, durationSeconds: Double(frames) / rate,
                                      hasPlaceholders: segments.contains { if case .placeholder = $0 { true } else { false } },
                                      text: catalog.prompts[id] ?? ""))
        }
        for piece in catalog.pieces.keys.sorted() {
            let part = (id: PromptCatalog.pieceClipID(piece), text: catalog.pieces[piece] ?? "")
            let frames = try samples(of: [part], language: language)[0].count
            rows.append(PromptListing(language: language, id: part.id,
                                      source: recording(part.id, language: language) == nil ? .rendered : .recorded,
                                      durationSeconds: Double(frames) / rate, hasPlaceholders: false, text: part.text))
        }
        return rows
    }
}

/// One row of `warmline prompts list`: a prompt or piece, where its audio comes from, and how long it lasts.
public struct PromptListing: Sendable, Equatable {
    /// Where the audio of a prompt comes from.
    public enum Source: String, Sendable {
        /// Every fixed part is a human recording.
        case recorded
        /// Every fixed part is rendered with espeak-ng.
        case rendered
        /// Some fixed parts are recorded, the others rendered.
        case mixed
    }

    /// Language code.
    public var language: String
    /// Prompt id, or `piece.<id>` for a piece.
    public var id: String
    /// Recorded, rendered or mixed.
    public var source: Source
    /// Seconds of the fixed words (placeholder values add to it at call time).
    public var durationSeconds: Double
    /// True when the text has `{placeholders}` filled at call time.
    public var hasPlaceholders: Bool
    /// The template text.
    public var text: String

    /// A row for `id`.
    public init(language: String, id: String, source: Source, durationSeconds: Double, hasPlaceholders: Bool, text: String) {
        self.language = language
        self.id = id
        self.source = source
        self.durationSeconds = durationSeconds
        self.hasPlaceholders = hasPlaceholders
        self.text = text
    }

    /// `2.4` or `2.4 + value`: the duration with one decimal, noting what placeholders add.
    public var durationText: String {
        String(format: "%.1f", durationSeconds) + (hasPlaceholders ? " + value" : "")
    }
}
