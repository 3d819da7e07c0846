import Foundation
import WarmlineConfig

/// Reads the unit config's YAML nodes (`YAMLDocument`), collecting every problem with its line.
struct ConfigReader {
    let file: String
    var problems: [ConfigProblem] = []

    init(file: String) { self.file = file }

    mutating func fail(_ line: Int, _ reason: String) {
        problems.append(ConfigProblem(file: file, line: line, reason: reason))
    }

    /// The keys of a mapping by name; unknown keys are reported with the closest known key.
    mutating func entries(_ node: YAMLNode, _ path: String, known: [String]) -> [String: YAMLNode] {
        guard let mapping = node.mapping else {
            fail(node.line, "\(path.isEmpty ? "the file" : "'\(path)'") must be a mapping of keys to values")
            return [:]
        }
        var result: [String: YAMLNode] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? ""
            if known.contains(key) {
                result[key] = value
            } else {
                let hint = ConfigReader.closest(to: key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                fail(keyNode.line, "unknown key '\(Self.join(path, key))'\(hint)")
            }
        }
        return result
    }

    /// The items of a list, or nil with a problem.
    mutating func items(_ node: YAMLNode, _ path: String) -> [YAMLNode]? {
        guard let sequence = node.sequence else {
            fail(node.line, "'\(path)' must be a list")
            return nil
        }
        return Array(sequence)
    }

    /// Longest value any key takes (paths, device names); a longer one is refused without being echoed.
    static let maximumValueLength = 4096

    mutating func scalar(_ node: YAMLNode, _ path: String, _ expected: String) -> String? {
        guard let scalar = node.scalar else {
            fail(node.line, "'\(path)' must be \(expected), not a \(node.mapping != nil ? "mapping" : "list")")
            return nil
        }
        guard scalar.string.utf8.count <= Self.maximumValueLength else {
            fail(node.line, "'\(path)' is \(scalar.string.utf8.count) bytes long; a value is at most \(Self.maximumValueLength)")
            return nil
        }
        return scalar.string
    }

    /// A value quoted for a problem, cut to 40 characters: the technician sees what it starts with, not megabytes.
    static func shown(_ text: String) -> String {
        text.count <= 40 ? "'\(text)'" : "'\(text.prefix(40))…' (\(text.count) characters)"
    }

    mutating func int(_ node: YAMLNode, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        number(node, path, range, kind: "a whole number", parse: { Int($0) })
    }

    mutating func double(_ node: YAMLNode, _ path: String, _ range: ClosedRange<Double>) -> Double? {
        number(node, path, range, kind: "a number", parse: { Double($0).flatMap { $0.isFinite ? $0 : nil } })
    }

    private mutating func number<T: Comparable>(_ node: YAMLNode, _ path: String, _ range: ClosedRange<T>, kind: String,
                                                parse: (String) -> T?) -> T? {
        guard let text = scalar(node, path, kind) else { return nil }
        guard let value = parse(text) else {
            fail(node.line, "'\(path)' must be \(kind), not '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            let limit = (range.upperBound as? Int) == Int.max ? "at least \(range.lowerBound)"
                : "between \(range.lowerBound) and \(range.upperBound)"
            fail(node.line, "'\(path)' is \(text); it must be \(limit)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        guard let text = scalar(node, path, "true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            fail(node.line, "'\(path)' must be true or false, not '\(text)'")
            return nil
        }
    }

    mutating func string(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = scalar(node, path, "a value") else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            fail(node.line, "'\(path)' must not be empty")
            return nil
        }
        return text
    }

    mutating func digit(_ node: YAMLNode, _ path: String) -> Character? {
        guard let text = scalar(node, path, "a key") else { return nil }
        guard text.count == 1, let key = text.first, "0123456789*#".contains(key) else {
            fail(node.line, "'\(path)' must be one phone key (0-9, * or #), not '\(text)'")
            return nil
        }
        return key
    }

    /// Dial digits: phone keys plus ',' (pause) only.
    mutating func dialString(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = scalar(node, path, "digits to dial") else { return nil }
        guard !text.isEmpty else {
            fail(node.line, "'\(path)' is empty; give the digits to dial")
            return nil
        }
        guard text.count <= 40 else {
            fail(node.line, "'\(path)' is \(text.count) characters; digits to dial are at most 40")
            return nil
        }
        guard text.allSatisfy({ "0123456789*#,".contains($0) }) else {
            fail(node.line, "'\(path)' must hold only 0-9, *, # and ',' (pause), not \(ConfigReader.shown(text))")
            return nil
        }
        return text
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The known key within edit distance 3 (and less than the key's length) of `key`, if any.
    static func closest(to key: String, in known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= 3, distance < key.count else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
