import Foundation
import WarmlineConfig
import WarmlineCore

/// A problem in a prompt or piece file, with the file and line a technician can fix (`file:line: reason`).
public typealias PromptFileError = LocatedError

/// One part of a prompt template: fixed words rendered once, or a placeholder spoken from pieces.
public enum PromptSegment: Sendable, Equatable {
    /// Fixed words, rendered to the cache under `id`.
    case text(id: String, text: String)
    /// A `{name}` filled at call time.
    case placeholder(String)
}

/// Reading a language's prompt and piece files from `Prompts/<lang>/`, and splitting its templates for the renderer.
extension PromptCatalog {
    /// Reads `<root>/<language>/prompts.yaml` and, when present, `<root>/<language>/pieces.yaml`.
    public static func load(root: String, language: String) throws -> PromptCatalog {
        let promptsPath = "\(root)/\(language)/prompts.yaml"
        let piecesPath = "\(root)/\(language)/pieces.yaml"
        let prompts = try readFlatMap(path: promptsPath)
        var pieces: [String: String] = [:]
        var feminine: Set<String> = []
        if FileManager.default.fileExists(atPath: piecesPath) {
            pieces = try readFlatMap(path: piecesPath, listKey: "feminine", list: &feminine)
        }
        let catalog = PromptCatalog(language: language, prompts: prompts, pieces: pieces, feminine: feminine, file: promptsPath)
        for id in prompts.keys.sorted() {
            _ = try catalog.segments(of: id, file: promptsPath)
        }
        return catalog
    }

    private static func readFlatMap(path: String) throws -> [String: String] {
        var unused: Set<String> = []
        return try readFlatMap(path: path, listKey: nil, list: &unused)
    }

    private static func readFlatMap(path: String, listKey: String?, list: inout Set<String>) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PromptFileError(file: path, reason: "cannot read the file")
        }
        let node: YAMLNode?
        do throws(YAMLReadFailure) {
            node = try YAMLDocument.compose(String(decoding: data, as: UTF8.self))
        } catch {
            guard case .syntax(let syntax) = error else { throw PromptFileError(file: path, reason: "is not valid YAML: \(error)") }
            throw PromptFileError(file: path, reason: "is not valid YAML: \(syntax.whole)")
        }
        guard let mapping = node?.mapping else {
            throw PromptFileError(file: path, reason: "must be a map of id: \"text\"")
        }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            let line = key.mark?.line
            guard let id = key.string else { throw PromptFileError(file: path, line: line, reason: "an id must be text") }
            if id == listKey, let items = value.sequence {
                list.formUnion(items.compactMap(\.string))
                continue
            }
            guard let text = value.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw PromptFileError(file: path, line: line, reason: "'\(id)' must have a non-empty text")
            }
            guard result[id] == nil else { throw PromptFileError(file: path, line: line, reason: "'\(id)' appears twice") }
            result[id] = text
        }
        return result
    }

    /// Splits prompt `id` into fixed segments and placeholders; fixed segments without letters or digits are dropped.
    public func segments(of id: String, file: String? = nil) throws -> [PromptSegment] {
        let source = file ?? "prompts.yaml (\(language))"
        guard let template = prompts[id] else {
            throw PromptFileError(file: source, reason: "no prompt '\(id)'")
        }
        var parts: [(isPlaceholder: Bool, text: String)] = []
        var current = ""
        var inPlaceholder = false
        for character in template {
            switch character {
            case "{" where !inPlaceholder:
                parts.append((false, current)); current = ""; inPlaceholder = true
            case "}" where inPlaceholder:
                guard !current.isEmpty else { throw PromptFileError(file: source, reason: "prompt '\(id)' has an empty {}") }
                parts.append((true, current)); current = ""; inPlaceholder = false
            case "{", "}":
                throw PromptFileError(file: source, reason: "prompt '\(id)' has an unbalanced '\(character)'")
            default:
                current.append(character)
            }
        }
        guard !inPlaceholder else { throw PromptFileError(file: source, reason: "prompt '\(id)' has an unclosed '{'") }
        parts.append((false, current))
        let hasPlaceholder = parts.contains { $0.isPlaceholder }
        var segments: [PromptSegment] = []
        var fixedIndex = 0
        for part in parts {
            if part.isPlaceholder {
                segments.append(.placeholder(part.text))
            } else {
                let text = part.text.trimmingCharacters(in: .whitespaces)
                guard text.unicodeScalars.contains(where: { CharacterSet.alphanumerics.contains($0) }) else { continue }
                segments.append(.text(id: hasPlaceholder ? "\(id).\(fixedIndex)" : id, text: text))
                fixedIndex += 1
            }
        }
        return segments
    }

    /// Every text to render for this language: fixed prompt segments, then pieces (ids prefixed `piece.`).
    public func renderTexts() throws -> [(id: String, text: String)] {
        var texts: [(id: String, text: String)] = []
        for id in prompts.keys.sorted() {
            for case let .text(segmentID, text) in try segments(of: id) {
                texts.append((segmentID, text))
            }
        }
        for id in pieces.keys.sorted() {
            texts.append((PromptCatalog.pieceClipID(id), pieces[id] ?? ""))
        }
        return texts
    }

    /// The cache id of spoken piece `id`.
    public static func pieceClipID(_ id: String) -> String { "piece.\(id)" }
}
