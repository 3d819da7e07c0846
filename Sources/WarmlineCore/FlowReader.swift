import Yams

/// Reads a Yams node tree, collecting problems with file and line instead of stopping at the first.
struct YAMLReader {
    let file: String
    var problems: [FlowProblem] = []

    init(file: String) { self.file = file }

    /// Parses the text; nil (with a problem recorded) when it is not YAML.
    mutating func root(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                fail(line: 1, .syntax, "file is empty")
                return nil
            }
            return node
        } catch let error as YamlError {
            fail(line: Self.line(of: error), .syntax, "not valid YAML: \(Self.problem(of: error))")
        } catch {
            fail(line: 1, .syntax, "not valid YAML: \(error)")
        }
        return nil
    }

    mutating func fail(line: Int, _ kind: FlowProblem.Kind, _ reason: String) {
        problems.append(FlowProblem(file: file, line: line, kind: kind, reason: reason))
    }

    /// The mapping at `node`, or nil with a problem.
    mutating func mapping(_ node: Node, _ what: String) -> [(key: String, line: Int, value: Node)]? {
        guard let mapping = node.mapping else {
            fail(line: node.line, .syntax, "\(what) must be a mapping of keys to values")
            return nil
        }
        return mapping.map { (key: $0.key.string ?? "", line: $0.key.line, value: $0.value) }
    }

    /// A scalar string, or nil with a problem.
    mutating func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar else {
            fail(line: node.line, .syntax, "\(what) must be a single value")
            return nil
        }
        return scalar.string
    }

    /// A list of strings; a single string counts as a list of one.
    mutating func strings(_ node: Node, _ what: String) -> [String] {
        if let scalar = node.scalar { return [scalar.string] }
        guard let sequence = node.sequence else {
            fail(line: node.line, .syntax, "\(what) must be a value or a list of values")
            return []
        }
        return sequence.compactMap { string($0, what) }
    }

    /// A non-negative integer, or nil with a problem.
    mutating func count(_ node: Node, _ what: String) -> Int? {
        guard let value = node.scalar.flatMap({ Int($0.string) }), value >= 0 else {
            fail(line: node.line, .invalidValue, "\(what) must be a whole number >= 0, not '\(node.scalar?.string ?? "?")'")
            return nil
        }
        return value
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: 1
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicate key \(duplicates.sorted().joined(separator: ", "))"
        default: "\(error)"
        }
    }
}

extension Node {
    /// 1-based line of the node (1 when Yams has no mark).
    var line: Int { mark?.line ?? 1 }
}
