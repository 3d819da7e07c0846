/// A piece of prompt audio ready to play: S16 mono samples at the line's rate.
public struct PromptClip: Sendable, Equatable {
    /// What it says, for the log (`greeting`, `en/number.23`).
    public var id: String
    /// The samples, S16 mono.
    public var samples: [Int16]

    /// A clip named `id` holding `samples`.
    public init(id: String, samples: [Int16]) {
        self.id = id
        self.samples = samples
    }
}
