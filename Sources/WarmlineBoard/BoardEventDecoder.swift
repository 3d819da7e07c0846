/// Turns board event frames into `BoardEvent`s.
enum BoardEventDecoder {
    static func decode(_ frame: BoardFrame) -> BoardEvent? {
        let p = frame.payload
        func byte(_ i: Int) -> Int { i < p.count ? Int(p[i]) : 0 }
        switch frame.type {
        case BoardMessage.ring:
            return .ring(count: byte(0), bursts: byte(1))
        case BoardMessage.callerID:
            var fields: [String] = []
            var i = 0
            while fields.count < 3 && i < p.count {
                let len = Int(p[i])
                let end = min(p.count, i + 1 + len)
                fields.append(String(decoding: p[(i + 1)..<end], as: UTF8.self))
                i = end
            }
            while fields.count < 3 { fields.append("") }
            return .callerID(number: fields[0], name: fields[1], time: fields[2])
        case BoardMessage.ringEnd:
            return .ringEnded(rings: byte(0))
        case BoardMessage.farEndDisconnect:
            switch byte(0) {
            case 1: return .farEndDisconnect(.loopCurrentDrop)
            case 2: return .farEndDisconnect(.polarityReversal)
            default: return .farEndDisconnect(.unknown)
            }
        case BoardMessage.bypass:
            return .bypass(engaged: byte(0) != 0, reason: BypassReason(code: UInt8(byte(1))))
        case BoardMessage.hostReturned:
            return .hostReturned(silenceMs: byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3))
        case BoardMessage.flashDone:
            return .flashDone(flashMs: byte(0) << 8 | byte(1))
        case BoardMessage.dialDone:
            return .dialDone(digits: byte(0))
        case BoardMessage.callProgress:
            let kinds: [Int: CallProgress] = [1: .dialTone, 2: .ringback, 3: .busy, 4: .answered]
            return .callProgress(kinds[byte(0)] ?? .unknown)
        default:
            return nil
        }
    }
}
