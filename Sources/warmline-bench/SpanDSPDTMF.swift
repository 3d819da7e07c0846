import CSpanDSP

/// spandsp's `dtmf_rx` with its default Q.24 parameters, reporting key-down/up frame offsets.
final class SpanDSPDTMF {
    /// A key-down or key-up from spandsp's real-time callback.
    struct Event { var digit: Character?; var frame: Int }

    private var state: OpaquePointer?
    private(set) var events: [Event] = []
    private var position = 0

    init() {
        state = dtmf_rx_init(nil, nil, nil)
        dtmf_rx_set_realtime_callback(state, { user, code, _, _ in
            guard let user else { return }
            let me = Unmanaged<SpanDSPDTMF>.fromOpaque(user).takeUnretainedValue()
            let digit: Character? = code > 0 ? Character(UnicodeScalar(UInt8(truncatingIfNeeded: code))) : nil
            me.events.append(Event(digit: digit, frame: me.position))
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { dtmf_rx_free(state) }

    /// Feeds samples in chunks of `chunk` frames; an event's frame is the end of its chunk.
    func process(_ samples: UnsafeBufferPointer<Int16>, chunk: Int) {
        guard let base = samples.baseAddress else { return }
        var index = 0
        while index < samples.count {
            let n = min(chunk, samples.count - index)
            position += n
            _ = dtmf_rx(state, base + index, Int32(n))
            index += n
        }
    }
}
