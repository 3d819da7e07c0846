import Synchronization

/// What callers of a `BoardLink` and its port owner share: a mailbox of requests, heartbeat signals and a snapshot.
final class BoardLinkShared: Sendable {
    typealias Completion = @Sendable (Result<[UInt8], BoardError>) -> Void

    /// A request for the port owner.
    enum Request: Sendable {
        /// Open (or reopen) the device and say HELLO; completes with the HELLO reply.
        case connect(Completion)
        /// Send a command; completes with its ACK payload.
        case command(type: UInt8, payload: [UInt8], Completion)
    }

    struct Mailbox {
        var requests: [Request] = []
        var ownerRunning = false
        var closed = false
        var statistics = LinkStatistics()
        var lastStatus: BoardStatus?
    }

    let mailbox = Mutex(Mailbox())
    let wake = WakePipe()
    /// Heartbeats asked for since the owner last looked (the audio thread only adds and signals).
    let heartbeatRequests = Atomic<Int>(0)
    /// When the last heartbeat was asked for or sent: `serviceTick()` reads it without a lock.
    let lastHeartbeatMs = Atomic<UInt64>(0)
    let heartbeatTimer = Atomic<Bool>(false)
    /// Where events go once a consumer asked for them directly (`BoardLink.deliverEvents(to:)`); nil: the stream.
    /// Locked around each delivery, so an event goes to exactly one of the two.
    let eventSink = Mutex<(@Sendable (BoardEvent) -> Void)?>(nil)
}
