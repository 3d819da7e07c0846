/// What happened to a prompt during one period, at the playback frame it happened.
public enum PromptPlaybackEvent: Sendable, Equatable {
    /// The clip's first sample goes out at `frame`.
    case started(id: String, frame: Int64)
    /// The clip's last sample went out just before `frame`.
    case finished(id: String, frame: Int64)
    /// The clip was cut at `frame` by `stop()` (barge-in); it never resumes.
    case stopped(id: String, frame: Int64)
}

/// Plays queued prompt clips back to back, sample-exactly, and stops within the current period on barge-in.
public struct PromptPlayer: Sendable {
    private var queue: [PromptClip] = []
    private var head = 0
    private var position = 0
    /// The clip cut by `stop()`, reported at the next render.
    private var stoppedID: String?

    /// An idle player.
    public init() {}

    /// Whether a clip is playing or queued.
    public var isPlaying: Bool { head < queue.count }

    /// Ids of the clips still to play, the current one first.
    public var queuedIDs: [String] { queue[head...].map(\.id) }

    /// Adds a clip after the ones already queued; it follows the previous one with no gap.
    public mutating func enqueue(_ clip: PromptClip) {
        queue.append(clip)
    }

    /// Adds clips in order (a prompt made of pieces).
    public mutating func enqueue(_ clips: [PromptClip]) {
        queue.append(contentsOf: clips)
    }

    /// Barge-in: the current clip and the queue are dropped at once and never resumed; clips enqueued after
    /// this call play from the next period, otherwise the next period is silence.
    public mutating func stop() {
        guard isPlaying else { return }
        stoppedID = queue[head].id
        queue.removeAll(keepingCapacity: true)
        head = 0
        position = 0
    }

    /// Fills `out` with the next prompt samples (silence when idle) and reports clip starts, ends and stops.
    public mutating func render(into out: UnsafeMutableBufferPointer<Int16>, startFrame: Int64) -> [PromptPlaybackEvent] {
        var events: [PromptPlaybackEvent] = []
        if let id = stoppedID {
            stoppedID = nil
            events.append(.stopped(id: id, frame: startFrame))
        }
        var filled = 0
        while filled < out.count, head < queue.count {
            let clip = queue[head]
            if position == 0 {
                events.append(.started(id: clip.id, frame: startFrame + Int64(filled)))
            }
            let count = min(out.count - filled, clip.samples.count - position)
            clip.samples.withUnsafeBufferPointer { source in
                for index in 0..<count {
                    out[filled + index] = source[position + index]
                }
            }
            filled += count
            position += count
            if position == clip.samples.count {
                events.append(.finished(id: clip.id, frame: startFrame + Int64(filled)))
                head += 1
                position = 0
            }
        }
        if head == queue.count, head > 0 {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        for index in filled..<out.count {
            out[index] = 0
        }
        return events
    }
}
