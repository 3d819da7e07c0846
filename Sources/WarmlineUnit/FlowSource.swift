import Foundation
import Synchronization
import WarmlineAudio
import WarmlineCore

/// The menu flow and prompts every line runs on; a reload swaps them between calls, never during one.
public final class FlowSource: Sendable {
    /// One loaded generation of flow and prompts.
    public struct Generation: Sendable {
        /// The validated flow and catalogs.
        public var bundle: FlowBundle
        /// The prompt audio.
        public var library: PromptLibrary
    }

    /// Where the prompts live.
    public let promptsDirectory: String
    /// Where rendered prompt audio is cached.
    public let cacheDirectory: String
    /// Enabled languages, default first.
    public let languages: [String]
    private let generation: Mutex<Generation>

    /// Loads `<promptsDirectory>/menu.yaml` and the languages' prompts; throws every problem with file and line.
    public init(promptsDirectory: String, cacheDirectory: String, languages: [String]) throws {
        self.promptsDirectory = promptsDirectory
        self.cacheDirectory = cacheDirectory
        self.languages = languages
        generation = Mutex(try Self.load(promptsDirectory: promptsDirectory, cacheDirectory: cacheDirectory, languages: languages))
    }

    /// The flow a call starting now runs on.
    public var current: Generation { generation.withLock { $0 } }

    /// Re-reads the files; on any error the old flow stays and the error is thrown.
    public func reload() throws {
        let fresh = try Self.load(promptsDirectory: promptsDirectory, cacheDirectory: cacheDirectory, languages: languages)
        generation.withLock { $0 = fresh }
    }

    /// Renders every prompt of every language that is neither recorded nor cached (before calls, not on the audio path),
    /// then reads the clips into memory once for every line to play from.
    @discardableResult
    public func renderAll() async throws -> [PromptRenderReport] {
        let library = current.library
        var reports: [PromptRenderReport] = []
        for language in languages where library.catalogs[language] != nil { reports.append(try await library.render(language: language)) }
        let loaded = try library.loadingRendered()
        generation.withLock { generation in
            // a reload that came meanwhile brought its own library: it is rendered and loaded by its own renderAll
            if generation.library.catalogs == library.catalogs { generation.library = loaded }
        }
        return reports
    }

    private static func load(promptsDirectory: String, cacheDirectory: String, languages: [String]) throws -> Generation {
        func source(_ relative: String) throws -> SourceText {
            let path = promptsDirectory + "/" + relative
            // never read a huge file into memory: the loader would refuse it anyway
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
            guard bytes <= FlowLoader.maximumFileBytes else {
                throw FlowSourceError(description: "\(path):1: the file is \(bytes) bytes; at most \(FlowLoader.maximumFileBytes) are read, nothing was loaded")
            }
            do {
                return SourceText(name: path, text: try String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw FlowSourceError(description: "\(path): cannot read (\(error.localizedDescription))")
            }
        }
        var prompts: [String: SourceText] = [:]
        for language in languages { prompts[language] = try source("\(language)/prompts.yaml") }
        let bundle = try FlowLoader.load(menu: try source("menu.yaml"), prompts: prompts, enabledLanguages: languages)
        let library = try PromptLibrary(root: promptsDirectory, languages: languages, cacheDirectory: cacheDirectory)
        return Generation(bundle: bundle, library: library)
    }
}

/// A flow file that cannot be read.
public struct FlowSourceError: Error, CustomStringConvertible {
    /// File and reason.
    public var description: String
}
