/// Where a call stands, in words, for the live status (`warmline status`) and the control socket.
extension CallEngine {
    /// The call's stage: "language", "menu main", "announcement", "day pass offer", "hand-off: ringing target 1", "queue",
    /// "closing", "ended" (nil before `start`).
    public var stage: String? {
        switch mode {
        case .notStarted: return nil
        case .language: return "language"
        case .menu(let node): return "menu \(node)"
        case .announce: return "announcement"
        case .dayPassConfirm: return "day pass offer"
        case .handoff(let step):
            switch step {
            case .announcing: return "hand-off: announcing"
            case .waitingDialTone(let target): return "hand-off: dialling target \(target + 1)"
            case .ringing(let target, _): return "hand-off: ringing target \(target + 1)"
            case .whispering(let target): return "hand-off: whispering to target \(target + 1)"
            case .returning: return "hand-off: back with the caller"
            }
        case .queue(let step):
            switch step {
            case .waiting: return "queue"
            case .callbackReadback: return "queue: callback read-back"
            case .releasing: return "queue: releasing to bypass"
            }
        case .closing: return "closing"
        case .ended: return "ended"
        }
    }
}
