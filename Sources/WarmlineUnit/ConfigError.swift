/// One thing wrong in a config file, located for the technician who must fix it.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// The config file's path.
    public var file: String
    /// 1-based line of the offending key or value.
    public var line: Int
    /// What is wrong and, where possible, what would be right.
    public var reason: String

    /// Makes a problem.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`.
    public var description: String { "\(file):\(line): \(reason)" }
}

/// A config file that was refused, with every problem found in it (not just the first).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, in file order.
    public var problems: [ConfigProblem]

    /// Makes an error from its problems.
    public init(problems: [ConfigProblem]) { self.problems = problems }

    /// One problem per line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
