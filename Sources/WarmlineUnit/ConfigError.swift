import WarmlineConfig

/// One thing wrong in a config file, located for the technician who must fix it: `file:line: reason`.
public typealias ConfigProblem = LocatedError

/// A config file that was refused, with every problem found in it (not just the first).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, in file order.
    public var problems: [ConfigProblem]

    /// Makes an error from its problems.
    public init(problems: [ConfigProblem]) { self.problems = problems }

    /// One problem per line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
