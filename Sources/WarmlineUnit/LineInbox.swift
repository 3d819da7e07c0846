import Foundation
import Synchronization
import WarmlineBoard
import WarmlineCore
import WarmlineStore

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
public final class LineInbox: Sendable {
    private struct State {
        var messages: [LineMessage] = []
        /// The line's thread is waiting on `wake` for the inbox to fill: the next post signals it.
        var waiting = false
    }

    private let state = Mutex(State())
    /// Wakes the waiting line; signalled only by the post that clears `waiting`, so it never holds stale signals.
    private let wake = DispatchSemaphore(value: 0)

    /// An empty inbox.
    public init() {}

    /// Adds a message and wakes the line.
    public func post(_ message: LineMessage) {
        let wakeLine = state.withLock { state in
            state.messages.append(message)
            defer { state.waiting = false }
            return state.waiting
        }
        if wakeLine { wake.signal() }
    }

    /// Everything queued, oldest first, without waiting.
    public func drain() -> [LineMessage] {
        state.withLock {
            let all = $0.messages
            $0.messages.removeAll()
            return all
        }
    }

    /// Waits up to `timeoutMs` for at least one message, then drains. Only the line's own thread waits.
    public func wait(timeoutMs: Int) -> [LineMessage] {
        let empty = state.withLock {
            if $0.messages.isEmpty { $0.waiting = true }
            return $0.messages.isEmpty
        }
        if empty, wake.wait(timeout: .now() + .milliseconds(timeoutMs)) == .timedOut {
            // A post that raced the timeout has cleared `waiting` and signals: take that signal now, not at the next wait.
            let signalled = state.withLock { state in
                defer { state.waiting = false }
                return !state.waiting
            }
            if signalled { wake.wait() }
        }
        return drain()
    }
}

/// A line's board events into its inbox in the order the board sent them: those the link's stream held before the
/// line started first, then those its port owner hands over directly (held back until the earlier ones are in).
final class BoardEventOrder: Sendable {
    private struct State {
        var earlierPending = true
        var held: [WarmlineBoard.BoardEvent] = []
    }
    private let state = Mutex(State())
    private let inbox: LineInbox
    private let writer: EventWriter
    private let line: Int

    init(inbox: LineInbox, writer: EventWriter, line: Int) {
        self.inbox = inbox
        self.writer = writer
        self.line = line
    }

    /// An event from before the line started (the stream).
    func earlier(_ event: WarmlineBoard.BoardEvent) { post(event) }

    /// The stream is read to its end: what came directly meanwhile goes in now, the rest as it comes.
    func earlierDone() {
        state.withLock { state in
            state.earlierPending = false
            state.held.forEach(post)
            state.held = []
        }
    }

    /// An event straight from the port owner's thread.
    func live(_ event: WarmlineBoard.BoardEvent) {
        let now = state.withLock { state in
            if state.earlierPending { state.held.append(event) }
            return !state.earlierPending
        }
        if now { post(event) }
    }

    private func post(_ event: WarmlineBoard.BoardEvent) {
        LineHealthLog.record(event, line: line, writer: writer)
        inbox.post(.board(event))
    }
}
