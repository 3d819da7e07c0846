/// The prompts of one language, the one catalog the flow checks and the renderer speaks: the texts of
/// `Prompts/<lang>/prompts.yaml` (`prompt_id: "text with {placeholder}"`) and the spoken pieces of `pieces.yaml`.
public struct PromptCatalog: Sendable, Equatable {
    /// Placeholders the engine fills; any other `{name}` in a text is refused at load time.
    public static let knownPlaceholders: Set<String> = [
        "emergency_number", "balance", "expires_at", "days", "minutes", "position", "wait_minutes", "caller_number",
    ]

    /// Language code (en, uk, tr).
    public var language: String
    /// File name the texts came from.
    public var file: String
    /// Prompt texts by id: templates with `{placeholders}`.
    public var texts: [String: String]
    /// Line of each id in the file, for error messages (empty for a catalog made in memory).
    public var lines: [String: Int]
    /// Piece id -> text of a spoken placeholder piece (numbers, days, currency words).
    public var pieces: [String: String]
    /// Piece ids of nouns that take feminine numerals (Ukrainian `одна гривня`).
    public var feminine: Set<String>

    /// The prompt texts by id, under the name the renderer uses (the same map as `texts`).
    public var prompts: [String: String] {
        get { texts }
        set { texts = newValue }
    }

    /// A catalog from in-memory maps (tests, tools) or a loader; `file` defaults to `prompts.yaml (<language>)`.
    public init(language: String, prompts: [String: String], pieces: [String: String] = [:], feminine: Set<String> = [],
                file: String? = nil, lines: [String: Int] = [:]) {
        self.language = language
        self.file = file ?? "prompts.yaml (\(language))"
        self.texts = prompts
        self.lines = lines
        self.pieces = pieces
        self.feminine = feminine
    }

    /// Parses a catalog; throws every problem (bad YAML, non-text values, unknown placeholders) with file and line.
    public static func parse(_ source: SourceText, language: String) throws(FlowError) -> PromptCatalog {
        var reader = FlowReader(file: source.name)
        var texts: [String: String] = [:]
        var lines: [String: Int] = [:]
        if let root = reader.root(source.text), let entries = reader.mapping(root, "a prompt file") {
            for entry in entries {
                guard let text = reader.string(entry.value, "prompt '\(entry.key)'") else { continue }
                for name in placeholders(in: text) where !knownPlaceholders.contains(name) {
                    reader.fail(line: entry.line, .unknownPlaceholder,
                                "placeholder {\(name)} in '\(entry.key)' is filled by no code (known: "
                                    + knownPlaceholders.sorted().joined(separator: ", ") + ")")
                }
                texts[entry.key] = text
                lines[entry.key] = entry.line
            }
        }
        guard reader.problems.isEmpty else { throw FlowError(problems: reader.problems) }
        return PromptCatalog(language: language, prompts: texts, file: source.name, lines: lines)
    }

    /// The text of `id` with its placeholders filled; nil when the id is missing.
    public func render(_ id: String, placeholders values: [String: String]) -> String? {
        guard var text = texts[id] else { return nil }
        for (name, value) in values { text = text.replacingAll("{\(name)}", with: value) }
        return text
    }

    /// Names between braces in a text.
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in text {
            if character == "{" {
                current = ""
            } else if character == "}", let name = current {
                names.append(name)
                current = nil
            } else if current != nil {
                current?.append(character)
            }
        }
        return names
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in this module).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
