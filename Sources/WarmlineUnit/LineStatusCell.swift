import Synchronization

/// One line's live status, written by the line's service and thread, read by the control socket and systemd's STATUS.
public final class LineStatusCell: Sendable {
    private let state: Mutex<LineStatus>
    private let onChange: @Sendable () -> Void

    /// A cell for line `number` on `serialDevice`; `onChange` runs after each change the unit's summary may show.
    public init(number: Int, serialDevice: String, onChange: @escaping @Sendable () -> Void = {}) {
        state = Mutex(LineStatus(number: number, serialDevice: serialDevice))
        self.onChange = onChange
    }

    /// The status now.
    public var current: LineStatus { state.withLock { $0 } }

    /// Changes the status and tells the unit (board, relay, call start or end, fault).
    func update(_ body: (inout LineStatus) -> Void) {
        state.withLock { body(&$0) }
        onChange()
    }

    /// Changes the status without telling the unit (a call's seconds, stage and score, refreshed as it goes).
    func refresh(_ body: (inout LineStatus) -> Void) {
        state.withLock { body(&$0) }
    }

    /// Records a fault on the line, with the time it happened.
    func fault(_ text: String, atMs: Int64) {
        update {
            $0.lastFault = text
            $0.lastFaultAtMs = atMs
        }
    }
}
