import Yams

/// A node of a YAML document with its position: the one node type every Warmline file reader walks.
public typealias YAMLNode = Node

/// One key of a mapping: the key's text, the line it stands on, and its value.
public typealias YAMLEntry = (key: String, line: Int, value: YAMLNode)

/// Why a YAML text was refused before any reader looked at its keys; each reader words it for its own file.
public enum YAMLReadFailure: Error, Sendable, Equatable {
    /// The text is longer than the reader's limit: refused before it is parsed.
    case tooLarge(bytes: Int, limit: Int)
    /// The tree has more nodes than the reader's limit (aliases count each time they are used).
    case tooManyNodes(limit: Int)
    /// The parser refused the text.
    case syntax(YAMLSyntaxError)
}

/// The parser's complaint about a text that is not YAML, at its line.
public struct YAMLSyntaxError: Sendable, Equatable {
    /// 1-based line the parser stopped at (1 when it gives none).
    public var line: Int
    /// The parser's one-line problem (Yams' own description quotes the file over several lines).
    public var problem: String
    /// What the parser was reading when it stopped ("while scanning a quoted scalar"), when it says.
    public var context: String?
    /// Yams' whole description of the error.
    public var whole: String

    /// The problem after its context: `while scanning a quoted scalar, found unexpected end of stream`.
    public var problemInContext: String { (context.map { "\($0), " } ?? "") + problem }
}

/// The one YAML reader: parses text into a node tree within size and node limits, and locates parser errors.
public enum YAMLDocument {
    /// The root node of `text`, nil for an empty document; a text over `maximumBytes` is refused before it is parsed,
    /// a tree over `maximumNodes` after.
    public static func compose(_ text: String, maximumBytes: Int? = nil,
                               maximumNodes: Int? = nil) throws(YAMLReadFailure) -> YAMLNode? {
        if let maximumBytes, text.utf8.count > maximumBytes {
            throw .tooLarge(bytes: text.utf8.count, limit: maximumBytes)
        }
        let root: YAMLNode?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .syntax(syntaxError(error))
        }
        if let root, let maximumNodes, count(root, upTo: maximumNodes + 1) > maximumNodes {
            throw .tooManyNodes(limit: maximumNodes)
        }
        return root
    }

    /// Nodes in the tree under `node`, counting stops past `limit` (aliases count each time they are used).
    public static func count(_ node: YAMLNode, upTo limit: Int) -> Int {
        var total = 0
        var stack = [node]
        while let next = stack.popLast(), total < limit {
            total += 1
            if let mapping = next.mapping {
                for (key, value) in mapping { stack.append(key); stack.append(value) }
            } else if let sequence = next.sequence {
                stack.append(contentsOf: sequence)
            }
        }
        return total
    }

    private static func syntaxError(_ error: any Error) -> YAMLSyntaxError {
        let whole = "\(error)"
        guard let error = error as? YamlError else { return YAMLSyntaxError(line: 1, problem: whole, context: nil, whole: whole) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return YAMLSyntaxError(line: mark.line, problem: problem, context: context?.text, whole: whole)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return YAMLSyntaxError(line: context.mark.line, problem: "duplicate key \(duplicates.sorted().joined(separator: ", "))",
                                   context: nil, whole: whole)
        default:
            return YAMLSyntaxError(line: 1, problem: whole, context: nil, whole: whole)
        }
    }
}

extension Node {
    /// 1-based line of the node (1 when the parser gave it no mark).
    public var line: Int { mark?.line ?? 1 }

    /// The entries of a mapping in file order, each key with its line; nil when the node is not a mapping.
    public var entries: [YAMLEntry]? {
        mapping.map { mapping in mapping.map { (key: $0.key.string ?? "", line: $0.key.line, value: $0.value) } }
    }
}
