/// Streaming DTMF detector for 8 kHz audio, built to ITU-T Q.24.
///
/// Eight Goertzel filters run over 26-sample blocks (one SIMD lane per frequency); every block the
/// last four blocks are combined coherently into a 104-sample window, so a decision is made every
/// 3.25 ms. A window holds a digit when one row and one column tone carry most of its energy, each
/// within the frequency tolerance (measured from the phase advance between successive windows),
/// above the minimum level and within the twist limits. Durations and gaps are counted in samples,
/// which gives the ≤ 23 ms rejection, the 10 ms break bridging and the 40 ms pause separation; a
/// window with one block much weaker than the others straddles a tone edge and is not counted.
/// The same input gives the same events whatever the chunking.
public struct DTMFDetector: Sendable {
    /// Acceptance thresholds; the defaults meet Q.24 with margin.
    public struct Configuration: Sendable, Equatable {
        /// Each tone must be at least this loud (dBm0); Q.24 accepts 0 to -25 per tone plus twist.
        public var minimumToneLevelDBm0: Double = -38
        /// Largest accepted "normal" twist (high tone weaker than low tone) in dB; Q.24 needs 8.
        public var normalTwistLimitDB: Double = 11
        /// Largest accepted "reverse" twist (high tone stronger) in dB; Q.24 needs 4.
        public var reverseTwistLimitDB: Double = 7
        /// Largest accepted relative frequency error; Q.24 accepts 1.5 % and rejects 3.5 %.
        public var frequencyTolerance: Double = 0.025
        /// Share of the window's power the two tones must carry (rejects speech and noise).
        public var minimumTonePurity: Double = 0.70
        /// Every block of a window must hold this share of the window's mean block energy (trims tone edges).
        public var minimumBlockShare: Double = 0.5
        /// Span of window starts that must hold the digit before key-down (frames); sets the ≤ 23 ms rejection.
        public var keyDownSpanFrames: Int = 130
        /// Valid windows a digit needs before key-down (guards against scattered speech windows).
        public var minimumValidWindows: Int = 5
        /// Longest gap between valid windows of one digit that does not split it (frames).
        public var bridgedGapFrames: Int = 200

        /// Creates the default configuration.
        public init() {}
    }

    static let blockFrames = 26
    static let blocksPerWindow = 4
    static let windowFrames = blockFrames * blocksPerWindow

    /// The configuration in force.
    public let configuration: Configuration
    /// Total input frames consumed so far.
    public private(set) var framesProcessed = 0
    /// The digit currently held down, if any.
    public private(set) var activeDigit: Character?

    // Per-frequency constants (lanes 0-3 rows, 4-7 columns).
    private let coefficient: SIMD8<Float>
    private let cosW: SIMD8<Float>
    private let sinW: SIMD8<Float>
    private let hopRotRe: SIMD8<Float>
    private let hopRotIm: SIMD8<Float>
    private let radiansPerHop: SIMD8<Float>
    private let blockRotRe: ContiguousArray<SIMD8<Float>>
    private let blockRotIm: ContiguousArray<SIMD8<Float>>
    private let minimumTonePower: Float
    private let normalTwistRatio: Float
    private let reverseTwistRatio: Float
    private let tolerance: Float
    private let purity: Float
    private let blockShare: Float

    // Goertzel state of the block being filled.
    private var s1 = SIMD8<Float>()
    private var s2 = SIMD8<Float>()
    private var blockEnergy: Float = 0
    private var blockFill = 0

    // Ring of the last blocks' spectra and energies.
    private var ringRe: ContiguousArray<SIMD8<Float>>
    private var ringIm: ContiguousArray<SIMD8<Float>>
    private var ringEnergy: ContiguousArray<Float>
    private var ringHead = 0
    private var blocksSeen = 0
    private var previousRe = SIMD8<Float>()
    private var previousIm = SIMD8<Float>()
    private var previousZRe = SIMD8<Float>()
    private var previousZIm = SIMD8<Float>()
    private var zRe = SIMD8<Float>()
    private var zIm = SIMD8<Float>()

    // Digit state machine (all positions are absolute frames).
    private var candidateDigit: Int = -1
    private var candidateStart = 0
    private var candidateLastEnd = 0
    private var candidateWindows = 0
    private var activeCode: Int = -1
    private var activeStart = 0
    private var lastValidEnd = 0
    private var keyDownReported = false

    /// Creates a detector for `sampleRate` Hz audio; only 8000 is supported.
    public init(sampleRate: Int = 8000, configuration: Configuration = Configuration()) {
        precondition(sampleRate == 8000,
                     "DTMFDetector works on 8000 Hz audio only, got \(sampleRate) Hz: resample to 8 kHz first")
        self.configuration = configuration
        let freqs = DTMFKeypad.rowFrequenciesHz + DTMFKeypad.columnFrequenciesHz
        var coef = SIMD8<Float>(), c = SIMD8<Float>(), s = SIMD8<Float>()
        var hr = SIMD8<Float>(), hi = SIMD8<Float>(), rph = SIMD8<Float>()
        var rotRe = ContiguousArray(repeating: SIMD8<Float>(), count: Self.blocksPerWindow)
        var rotIm = rotRe
        for (lane, f) in freqs.enumerated() {
            let w = 2 * DSPMath.pi * f / Double(sampleRate)
            coef[lane] = Float(2 * DSPMath.cos(w))
            c[lane] = Float(DSPMath.cos(w))
            s[lane] = Float(DSPMath.sin(w))
            let hop = w * Double(Self.blockFrames)
            hr[lane] = Float(DSPMath.cos(hop))
            hi[lane] = Float(-DSPMath.sin(hop))
            rph[lane] = Float(hop)
            for i in 0..<Self.blocksPerWindow {
                rotRe[i][lane] = Float(DSPMath.cos(hop * Double(i)))
                rotIm[i][lane] = Float(-DSPMath.sin(hop * Double(i)))
            }
        }
        coefficient = coef; cosW = c; sinW = s
        hopRotRe = hr; hopRotIm = hi; radiansPerHop = rph
        blockRotRe = rotRe; blockRotIm = rotIm
        minimumTonePower = Float(DBm0.meanPower(levelDBm0: configuration.minimumToneLevelDBm0))
        normalTwistRatio = Float(DSPMath.powerRatio(dB: configuration.normalTwistLimitDB))
        reverseTwistRatio = Float(DSPMath.powerRatio(dB: configuration.reverseTwistLimitDB))
        tolerance = Float(configuration.frequencyTolerance)
        purity = Float(configuration.minimumTonePurity)
        blockShare = Float(configuration.minimumBlockShare)
        ringRe = ContiguousArray(repeating: SIMD8<Float>(), count: Self.blocksPerWindow)
        ringIm = ringRe
        ringEnergy = ContiguousArray(repeating: 0, count: Self.blocksPerWindow)
    }

    /// Feeds samples and returns the events they complete, with absolute frame offsets.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [DTMFEvent] {
        var events: [DTMFEvent] = []
        process(samples, into: &events)
        return events
    }

    /// Feeds samples and returns the events they complete, with absolute frame offsets.
    public mutating func process(_ samples: [Int16]) -> [DTMFEvent] {
        samples.withUnsafeBufferPointer { process($0) }
    }

    /// Feeds samples and appends the events they complete to `events`.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, into events: inout [DTMFEvent]) {
        let count = samples.count
        guard count > 0, let base = samples.baseAddress else { return }
        var index = 0
        let coef = coefficient
        let coefSquaredMinusOne = coef * coef - 1
        while index < count {
            let take = min(Self.blockFrames - blockFill, count - index)
            var a = s1, b = s2, energy = blockEnergy, energyOdd: Float = 0
            var j = index
            let end = index + take
            // Two samples per step: s[n+1] = x1 + c·x0 + (c²-1)·s[n-1] - c·s[n-2], so both new states
            // depend only on the old pair and the loop-carried chain is one multiply-add per two samples.
            while j + 1 < end {
                let x0 = Float(base[j]), x1 = Float(base[j + 1])
                let v0 = SIMD8<Float>(repeating: x0), v1 = SIMD8<Float>(repeating: x1)
                let first = (v0 - b) + coef * a
                let second = (v1 + coef * (v0 - b)) + coefSquaredMinusOne * a
                b = first
                a = second
                energy += x0 * x0
                energyOdd += x1 * x1
                j += 2
            }
            if j < end {
                let x = Float(base[j])
                let next = (SIMD8<Float>(repeating: x) - b) + coef * a
                b = a
                a = next
                energy += x * x
            }
            s1 = a; s2 = b; blockEnergy = energy + energyOdd
            index += take
            blockFill += take
            framesProcessed += take
            if blockFill == Self.blockFrames {
                finishBlock(into: &events)
            }
        }
    }

    /// Ends the stream: reports key-up for a digit still held. Returns the events.
    public mutating func finish() -> [DTMFEvent] {
        var events: [DTMFEvent] = []
        if activeCode >= 0 {
            events.append(keyUpEvent())
            activeCode = -1
            activeDigit = nil
        }
        return events
    }

    private mutating func finishBlock(into events: inout [DTMFEvent]) {
        ringRe[ringHead] = s1 - cosW * s2
        ringIm[ringHead] = sinW * s2
        ringEnergy[ringHead] = blockEnergy
        ringHead = (ringHead + 1) % Self.blocksPerWindow
        s1 = .zero; s2 = .zero; blockEnergy = 0; blockFill = 0
        blocksSeen += 1
        guard blocksSeen >= Self.blocksPerWindow else { return }

        // Coherent sum of the blocks, oldest first, into one window spectrum.
        var re = SIMD8<Float>(), im = SIMD8<Float>()
        var total: Float = 0
        var smallestBlock = Float.greatestFiniteMagnitude
        for i in 0..<Self.blocksPerWindow {
            let slot = (ringHead + i) % Self.blocksPerWindow
            let xr = ringRe[slot], xi = ringIm[slot]
            let rr = blockRotRe[i], ri = blockRotIm[i]
            re += xr * rr - xi * ri
            im += xr * ri + xi * rr
            total += ringEnergy[slot]
            smallestBlock = min(smallestBlock, ringEnergy[slot])
        }
        // z = X_t · conj(X_{t-1}) · e^{-jωL}: its angle is the phase drift per hop (the frequency error).
        let ar = re * previousRe + im * previousIm
        let ai = im * previousRe - re * previousIm
        let newZRe = ar * hopRotRe - ai * hopRotIm
        let newZIm = ar * hopRotIm + ai * hopRotRe
        // Summing two hops' z averages out leakage from the other tone, weighted by magnitude.
        zRe = newZRe + previousZRe
        zIm = newZIm + previousZIm
        previousZRe = newZRe
        previousZIm = newZIm
        var code = -1
        // A block much weaker than the window's mean means the window straddles a tone edge.
        if blocksSeen > Self.blocksPerWindow, smallestBlock * Float(Self.blocksPerWindow) >= blockShare * total {
            code = classify(re: re, im: im, totalEnergy: total)
        }
        previousRe = re
        previousIm = im
        advanceStateMachine(code: code, into: &events)
    }

    /// Returns the digit code (row * 4 + column) the window holds, or -1.
    private func classify(re: SIMD8<Float>, im: SIMD8<Float>, totalEnergy: Float) -> Int {
        let n = Float(Self.windowFrames)
        // Cheap exit: the window cannot hold two tones at the minimum level.
        guard totalEnergy >= 2 * minimumTonePower * n else { return -1 }
        let power = re * re + im * im
        var row = 0, column = 4
        for lane in 1..<4 where power[lane] > power[row] { row = lane }
        for lane in 5..<8 where power[lane] > power[column] { column = lane }

        // Phase advance over one hop relative to the nominal one gives the frequency error.
        let rowShift = phaseShift(lane: row)
        let columnShift = phaseShift(lane: column)
        guard abs(rowShift) <= tolerance * radiansPerHop[row],
              abs(columnShift) <= tolerance * radiansPerHop[column] else { return -1 }

        // Tone power, corrected for the window's response at the measured frequency error.
        let scale = 2 / (n * n)
        let rowPower = power[row] * scale / Self.windowGain(hopShift: rowShift)
        let columnPower = power[column] * scale / Self.windowGain(hopShift: columnShift)
        guard rowPower >= minimumTonePower, columnPower >= minimumTonePower else { return -1 }
        guard columnPower <= rowPower * reverseTwistRatio,
              rowPower <= columnPower * normalTwistRatio else { return -1 }
        guard rowPower + columnPower >= purity * totalEnergy / n else { return -1 }
        return row * 4 + (column - 4)
    }

    @inline(__always)
    private func phaseShift(lane: Int) -> Float { DSPMath.atan2(zIm[lane], zRe[lane]) }

    /// Power response of the rectangular window to a tone whose phase drifts `hopShift` per block.
    @inline(__always)
    static func windowGain(hopShift: Float) -> Float {
        let y = hopShift * Float(blocksPerWindow) / 2
        let y2 = y * y
        let sinc = 1 - y2 / 6 * (1 - y2 / 20 * (1 - y2 / 42 * (1 - y2 / 72)))
        return max(sinc * sinc, 1e-3)
    }

    private mutating func advanceStateMachine(code: Int, into events: inout [DTMFEvent]) {
        let windowEnd = framesProcessed
        let windowStart = windowEnd - Self.windowFrames
        let bridged = configuration.bridgedGapFrames
        if code >= 0 {
            if code == activeCode {
                lastValidEnd = windowEnd
                candidateDigit = -1
                return
            }
            // A short break inside a tone does not restart it: the candidate bridges gaps like the active digit.
            if code == candidateDigit, windowStart - candidateLastEnd <= bridged {
                candidateWindows += 1
            } else {
                candidateDigit = code
                candidateStart = windowStart
                candidateWindows = 1
            }
            candidateLastEnd = windowEnd
            if windowStart - candidateStart >= configuration.keyDownSpanFrames,
               candidateWindows >= configuration.minimumValidWindows {
                if activeCode >= 0 { events.append(keyUpEvent()) }
                activeCode = code
                activeDigit = Self.digit(code)
                activeStart = candidateStart
                lastValidEnd = windowEnd
                candidateDigit = -1
                events.append(DTMFEvent(kind: .keyDown, digit: Self.digit(code), frame: windowEnd,
                                        startFrame: activeStart, durationFrames: windowEnd - activeStart))
            }
        } else if candidateDigit >= 0, windowStart - candidateLastEnd > bridged {
            candidateDigit = -1
        }
        if activeCode >= 0, windowStart - lastValidEnd > bridged {
            events.append(keyUpEvent())
            activeCode = -1
            activeDigit = nil
        }
    }

    private func keyUpEvent() -> DTMFEvent {
        DTMFEvent(kind: .keyUp, digit: Self.digit(activeCode), frame: framesProcessed,
                  startFrame: activeStart, durationFrames: lastValidEnd - activeStart)
    }

    static func digit(_ code: Int) -> Character { DTMFKeypad.keys[code / 4][code % 4] }
}
