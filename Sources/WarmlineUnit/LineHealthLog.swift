import WarmlineBoard
import WarmlineCore
import WarmlineStore

/// The board's relay and reset reports as unit-wide events, whatever the line is doing: the report's time in bypass
/// and board resets per line come from these.
enum LineHealthLog {
    /// Logs `event` when it is a bypass change or a board reset; other events are not line health.
    static func record(_ event: WarmlineBoard.BoardEvent, line: Int, writer: EventWriter) {
        switch event {
        case .bypass(let engaged, let reason):
            _ = writer.enqueue(callID: nil, frameTime: 0, type: EventType.lineBypass,
                               payload: CallEventEncoder.json(["line": "\(line)", "engaged": engaged ? "yes" : "no", "reason": reason.rawValue]))
        case .boardReset:
            _ = writer.enqueue(callID: nil, frameTime: 0, type: EventType.lineBoardReset, payload: CallEventEncoder.json(["line": "\(line)"]))
            // a board starts in bypass, and says so before the host has its session again: the reset is the engagement
            _ = writer.enqueue(callID: nil, frameTime: 0, type: EventType.lineBypass,
                               payload: CallEventEncoder.json(["line": "\(line)", "engaged": "yes", "reason": "reset"]))
        default:
            break
        }
    }
}
