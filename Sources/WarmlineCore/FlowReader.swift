import WarmlineConfig

/// Reads a menu or prompt file's YAML nodes (`YAMLDocument`), collecting problems with file and line instead of stopping at the first.
struct FlowReader {
    let file: String
    var problems: [FlowProblem] = []

    init(file: String) { self.file = file }

    /// Parses the text; nil (with a problem recorded) when it is not YAML.
    mutating func root(_ text: String) -> YAMLNode? {
        do throws(YAMLReadFailure) {
            guard let node = try YAMLDocument.compose(text) else {
                fail(line: 1, .syntax, "file is empty")
                return nil
            }
            return node
        } catch {
            switch error {
            case .syntax(let syntax): fail(line: syntax.line, .syntax, "not valid YAML: \(syntax.problem)")
            case .tooLarge, .tooManyNodes: fail(line: 1, .tooLarge, "\(error)")  // no limits asked: the loader checks sizes first
            }
        }
        return nil
    }

    mutating func fail(line: Int, _ kind: FlowProblem.Kind, _ reason: String) {
        problems.append(FlowProblem(file: file, line: line, kind: kind, reason: reason))
    }

    /// The mapping at `node`, or nil with a problem.
    mutating func mapping(_ node: YAMLNode, _ what: String) -> [YAMLEntry]? {
        guard let entries = node.entries else {
            fail(line: node.line, .syntax, "\(what) must be a mapping of keys to values")
            return nil
        }
        return entries
    }

    /// A scalar string, or nil with a problem.
    mutating func string(_ node: YAMLNode, _ what: String) -> String? {
        guard let scalar = node.scalar else {
            fail(line: node.line, .syntax, "\(what) must be a single value")
            return nil
        }
        return scalar.string
    }

    /// A list of strings; a single string counts as a list of one.
    mutating func strings(_ node: YAMLNode, _ what: String) -> [String] {
        if let scalar = node.scalar { return [scalar.string] }
        guard let sequence = node.sequence else {
            fail(line: node.line, .syntax, "\(what) must be a value or a list of values")
            return []
        }
        return sequence.compactMap { string($0, what) }
    }

    /// A non-negative integer, or nil with a problem.
    mutating func count(_ node: YAMLNode, _ what: String) -> Int? {
        guard let value = node.scalar.flatMap({ Int($0.string) }), value >= 0 else {
            fail(line: node.line, .invalidValue, "\(what) must be a whole number >= 0, not '\(node.scalar?.string ?? "?")'")
            return nil
        }
        return value
    }
}
