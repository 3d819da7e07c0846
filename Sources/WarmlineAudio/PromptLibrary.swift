import Foundation

/// The prompts of every language, as clips ready for the player; renders what the cache lacks on first use.
public struct PromptLibrary: Sendable {
    /// Catalog per language code.
    public let catalogs: [String: PromptCatalog]
    /// The renderer and cache the clips come from.
    public let renderer: PromptRenderer

    /// A library over already loaded catalogs.
    public init(catalogs: [PromptCatalog], renderer: PromptRenderer) {
        self.catalogs = Dictionary(catalogs.map { ($0.language, $0) }, uniquingKeysWith: { _, last in last })
        self.renderer = renderer
    }

    /// Loads `<root>/<lang>/prompts.yaml` and `pieces.yaml` for each language.
    public init(root: String, languages: [String], cacheDirectory: String,
                settings: PromptRenderSettings = PromptRenderSettings()) throws {
        self.init(catalogs: try languages.map { try PromptCatalog.load(root: root, language: $0) },
                  renderer: PromptRenderer(cacheDirectory: cacheDirectory, settings: settings))
    }

    private func catalog(_ language: String) throws -> PromptCatalog {
        guard let catalog = catalogs[language] else {
            throw PromptFileError(file: "Prompts/\(language)/prompts.yaml", "language '\(language)' is not loaded")
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
                                          "prompt '\(promptID)' needs a value for {\(name)}")
                }
                for piece in try speech.pieceIDs(for: value) {
                    parts.append((PromptCatalog.pieceClipID(piece), catalog.pieces[piece] ?? ""))
                }
            }
        }
        return parts
    }

    /// The clips that say `promptID` in `language` with `values`; queue them together for a gapless prompt.
    public func clips(_ promptID: String, language: String, values: [String: SpokenValue] = [:]) throws -> [PromptClip] {
        let parts = try parts(promptID, language: language, values: values)
        let missing = parts.filter { !FileManager.default.fileExists(atPath: renderer.path(language: language, id: $0.id, text: $0.text)) }
        if !missing.isEmpty {
            _ = try renderer.render(try catalog(language), only: Set(missing.map(\.id)))
        }
        return try parts.map { part in
            let wav = try renderer.verify(path: renderer.path(language: language, id: part.id, text: part.text))
            return PromptClip(id: "\(language)/\(part.id)", samples: wav.samples)
        }
    }
}
