import Foundation
import WarmlineBoard
import WarmlineCore

/// Something that reaches a line's thread from outside the audio loop.
public enum LineMessage: Sendable {
    /// A board or link event.
    case board(WarmlineBoard.BoardEvent)
    /// A board command finished; `error` is nil when the board acknowledged it.
    case commandDone(name: String, error: String?, seconds: Double)
    /// A rendered whisper is ready to play (nil samples: rendering failed).
    case whisperReady(playbackID: Int, samples: [Int16]?)
    /// A store write finished (day pass, callback); `note` says what the store did.
    case storeDone(note: String)
    /// A store write the call depends on failed (day pass, callback): the call fails safe to the bypass relay.
    case storeFailed(note: String)
    /// A store lookup found something the call engine must hear (a day pass confirmed by billing).
    case callInput(CallInput)
}

/// A thread-safe queue of line messages: producers post, the line's thread drains or waits.
// @unchecked: `messages` is read and written only under `condition`.
public final class LineInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [LineMessage] = []

    /// An empty inbox.
    public init() {}

    /// Adds a message and wakes the line.
    public func post(_ message: LineMessage) {
        condition.lock()
        messages.append(message)
        condition.signal()
        condition.unlock()
    }

    /// Everything queued, oldest first, without waiting.
    public func drain() -> [LineMessage] {
        condition.lock()
        defer { condition.unlock() }
        let all = messages
        messages.removeAll()
        return all
    }

    /// Waits up to `timeoutMs` for at least one message, then drains.
    public func wait(timeoutMs: Int) -> [LineMessage] {
        condition.lock()
        defer { condition.unlock() }
        if messages.isEmpty { _ = condition.wait(until: Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)) }
        let all = messages
        messages.removeAll()
        return all
    }
}
