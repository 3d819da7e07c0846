/// A problem in a file a technician can fix: the file, the line when known, and the reason, printed as compilers do.
public struct LocatedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault, as the loader was given it.
    public var file: String
    /// 1-based line in `file`, nil when the problem is the file as a whole.
    public var line: Int?
    /// What is wrong, in words a technician can act on.
    public var reason: String

    /// Makes an error at `file`, `line` (when known).
    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`, or `file: reason` without a line.
    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
