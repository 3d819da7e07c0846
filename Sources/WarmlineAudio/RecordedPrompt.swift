import Foundation
import WarmlineConfig
import WarmlineCore

/// A human recording at `Prompts/<lang>/recorded/<id>.wav` that is played instead of the rendered audio of `id`.
public struct RecordedPrompt: Sendable, Equatable {
    /// The render id it replaces (`greeting`, `balance_is.0`, `piece.n5`).
    public var id: String
    /// The file it was read from.
    public var path: String
    /// The samples, S16 mono at the line's rate.
    public var samples: [Int16]

    /// A recording of `id` read from `path`.
    public init(id: String, path: String, samples: [Int16]) {
        self.id = id
        self.path = path
        self.samples = samples
    }

    /// The folder holding `language`'s recordings under the prompts directory `root`.
    public static func directory(root: String, language: String) -> String { "\(root)/\(language)/recorded" }

    /// Reads and checks every recording of `catalog`'s language under `root`; throws every unusable file with its reason.
    public static func load(root: String, catalog: PromptCatalog, sampleRate: Int) throws -> [String: RecordedPrompt] {
        let directory = directory(root: root, language: catalog.language)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return [:] }
        guard isDirectory.boolValue else {
            throw RecordedPromptError([LocatedError(file: directory, reason: "is a file; it must be a folder of <id>.wav recordings")])
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw RecordedPromptError([LocatedError(file: directory, reason: "cannot list the folder (\(error.localizedDescription))")])
        }
        let renderIDs = Set(try catalog.renderTexts().map(\.id))
        var recordings: [String: RecordedPrompt] = [:]
        var problems: [LocatedError] = []
        for name in names where !name.hasPrefix(".") {
            let path = "\(directory)/\(name)"
            do {
                let recording = try read(path: path, name: name, root: root, catalog: catalog, renderIDs: renderIDs,
                                         sampleRate: sampleRate)
                recordings[recording.id] = recording
            } catch let problem as Problem {
                problems.append(LocatedError(file: path, reason: problem.reason))
            } catch {
                problems.append(LocatedError(file: path, reason: "\(error)"))
            }
        }
        guard problems.isEmpty else { throw RecordedPromptError(problems) }
        return recordings
    }

    private struct Problem: Error {
        var reason: String
    }

    private static func read(path: String, name: String, root: String, catalog: PromptCatalog, renderIDs: Set<String>,
                             sampleRate: Int) throws -> RecordedPrompt {
        let wanted = "recorded prompts must be \(sampleRate) Hz mono 16-bit PCM"
        guard name.hasSuffix(".wav") else {
            let stem = (name as NSString).deletingPathExtension
            throw Problem(reason: "not a .wav file; \(wanted), named <id>.wav (sox \(name) -r \(sampleRate) -c 1 -b 16 \(stem).wav)")
        }
        let id = String(name.dropLast(4))
        guard renderIDs.contains(id) else { throw Problem(reason: unknownID(id, root: root, catalog: catalog, renderIDs: renderIDs)) }
        let convert = "(sox in.wav -r \(sampleRate) -c 1 -b 16 \(name))"
        let header: WAVFile.Header
        do {
            header = try WAVFile.header(path: path)
        } catch let error as WAVFile.FormatError {
            throw Problem(reason: "\(error.reason); \(wanted) (sox ORIGINAL -r \(sampleRate) -c 1 -b 16 \(name))")
        } catch {
            throw Problem(reason: "cannot read the file (\(error.localizedDescription)); check that it exists and is readable")
        }
        guard header.isMonoPCM16, header.sampleRate == sampleRate else {
            throw Problem(reason: "\(header); \(wanted) \(convert)")
        }
        let samples: [Int16]
        do {
            samples = try WAVFile.read(path: path).samples
        } catch {
            throw Problem(reason: "cannot read the samples (\(error)); \(wanted) \(convert)")
        }
        guard !samples.isEmpty else { throw Problem(reason: "holds no samples; record the prompt again") }
        let peak = samples.reduce(0) { max($0, abs(Int($1))) }
        // The renderer's silence bound: a caller would hear nothing.
        guard peak > 300 else { throw Problem(reason: "is silent (peak \(peak) of 32767); record the prompt again") }
        return RecordedPrompt(id: id, path: path, samples: samples)
    }

    /// Why `id` names no recordable prompt, with the names that would work.
    private static func unknownID(_ id: String, root: String, catalog: PromptCatalog, renderIDs: Set<String>) -> String {
        let files = "\(root)/\(catalog.language)/prompts.yaml or pieces.yaml"
        if catalog.prompts[id] != nil, let segments = try? catalog.segments(of: id) {
            let parts = segments.compactMap { segment -> String? in
                guard case .text(let partID, let text) = segment else { return nil }
                return "\(partID).wav (\"\(text)\")"
            }
            let record = parts.isEmpty ? "its words all come from pieces (record those as piece.<id>.wav)"
                : "record its fixed parts as \(parts.joined(separator: ", "))"
            return "prompt '\(id)' has placeholders spoken from pieces, so it cannot be one recording; \(record)"
        }
        if catalog.pieces[id] != nil {
            return "'\(id)' is a piece; name its recording \(PromptCatalog.pieceClipID(id)).wav"
        }
        let nearest = renderIDs.map { ($0, editDistance($0, id)) }.filter { $0.1 <= 2 }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        return "no prompt or piece '\(id)' in \(files)" + (nearest.map { "; did you mean \($0.0).wav?" } ?? "")
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Recordings a technician must fix before they can be played, one `path: reason` each.
public struct RecordedPromptError: Error, CustomStringConvertible {
    /// Each unusable file (or the folder) with its reason.
    public var located: [LocatedError]

    /// Each unusable file as `path: reason`.
    public var problems: [String] { located.map(\.description) }

    /// The problems, one a line.
    public var description: String { problems.joined(separator: "\n") }

    /// An error listing `located`.
    public init(_ located: [LocatedError]) {
        self.located = located
    }
}
