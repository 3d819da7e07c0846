import WarmlineConfig

/// A flow or prompt file refused at load time: every problem found, each with file, line and reason.
public struct FlowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, in file and line order.
    public var problems: [FlowProblem]

    /// One line per problem: `menu.yaml:14: option '7' points at unknown node 'balanse'`.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// One problem in a flow or prompt file.
public struct FlowProblem: Sendable, Equatable, CustomStringConvertible {
    /// What kind of mistake it is (tests and `warmline doctor` key on it).
    public enum Kind: String, Sendable, Equatable {
        /// YAML that does not parse, or a value of the wrong shape.
        case syntax
        /// A key the flow format does not know.
        case unknownKey
        /// A reference to a node that does not exist.
        case unknownNode
        /// A node no path from the start reaches.
        case unreachableNode
        /// The same digit on two options of one node (or on an option and an everywhere digit).
        case duplicateDigit
        /// A prompt id missing in an enabled language.
        case missingPrompt
        /// A `{placeholder}` that no code fills.
        case unknownPlaceholder
        /// Nodes that loop among themselves with no way to a person.
        case loopWithoutPerson
        /// A value out of range or an action used where it is not allowed.
        case invalidValue
        /// A file bigger, or with more nodes, than a menu or prompt file ever needs: refused before it is worked on.
        case tooLarge
    }
    /// Where and what: file, line and reason, the one located error every loader uses.
    public var located: LocatedError
    /// Kind of problem.
    public var kind: Kind
    /// File name as given to the loader.
    public var file: String {
        get { located.file }
        set { located.file = newValue }
    }
    /// 1-based line.
    public var line: Int {
        get { located.line ?? 1 }
        set { located.line = newValue }
    }
    /// What is wrong, in words a technician can act on.
    public var reason: String {
        get { located.reason }
        set { located.reason = newValue }
    }

    /// Makes a problem.
    public init(file: String, line: Int, kind: Kind, reason: String) {
        located = LocatedError(file: file, line: line, reason: reason)
        self.kind = kind
    }

    /// `file:line: reason`.
    public var description: String { located.description }
}

/// A file handed to a loader: its name (for error messages) and its text (the caller reads the file).
public struct SourceText: Sendable, Equatable {
    /// Name used in error messages, e.g. `Prompts/menu.yaml`.
    public var name: String
    /// The whole file text.
    public var text: String

    /// Makes a source text.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}
