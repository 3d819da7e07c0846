/// Streaming DTMF detector for 8 kHz audio, built to ITU-T Q.24.
///
/// Eight Goertzel filters run over 26-sample blocks (one SIMD lane per frequency); every block the
/// last four blocks are combined coherently into a 104-sample window, so a decision is made every
/// 3.25 ms. A window holds a digit when one row and one column tone carry most of its energy, each
/// stands clear of the other frequencies of its group, within the frequency tolerance (measured from
/// the phase advance between successive windows), above the minimum level and within the twist
/// limits. One window's estimates wobble by ±2 dB and ±0.7 % with leakage between the tones, so
/// these checks are loose; once a digit has held for 20 ms unbroken, a close look at those samples
/// (`TonePairAnalysis`) applies the real limits: each frequency within 1.75 %, Q.24's twist, 85 % of
/// the power in the two tones and no harmonic within 20 dB of its tone (a keypad sends pure sines;
/// voices and instruments that land on a tone pair do not), and the digit's windows 5 dB louder than
/// the line just before it began: a key press starts out of a pause or a quieter background (85 % of
/// the power in the pair already keeps a background that goes on 8 dB down), while a note pair in
/// music often takes over, legato, from notes as loud. At key-down each tone must still have
/// the level it started with, within 0.75 dB plus what the line's noise explains: a keypad holds its
/// level, while struck notes decay and synth leads beat. Durations and gaps are counted in
/// samples, which gives the ≤ 23 ms rejection, the 10 ms break bridging and the 40 ms pause
/// separation; a window with one block much weaker than the others straddles a tone edge and is not
/// counted. The same input gives the same events whatever the chunking.
public struct DTMFDetector: Sendable {
    /// Acceptance thresholds; the defaults meet Q.24 with margin.
    public struct Configuration: Sendable, Equatable {
        /// Each tone must be at least this loud (dBm0); Q.24 accepts 0 to -25 per tone plus twist.
        public var minimumToneLevelDBm0: Double = -38
        /// Largest "normal" twist (high tone weaker than low tone) in dB; Q.24 needs 8 (0.5 dB for the estimate).
        public var normalTwistLimitDB: Double = 8.5
        /// Largest "reverse" twist (high tone stronger) in dB; Q.24 needs 4 (0.5 dB for the estimate).
        public var reverseTwistLimitDB: Double = 4.5
        /// Extra twist one window may show (the strong tone leaks into the weak tone's bin), in dB.
        public var windowTwistSlackDB: Double = 3
        /// Largest relative frequency error of either tone; Q.24 accepts 1.5 % and rejects 3.5 %.
        public var frequencyTolerance: Double = 0.0175
        /// Largest relative frequency error in one window (its estimate wobbles with leakage).
        public var windowFrequencyTolerance: Double = 0.03
        /// Share of the power the two tones must carry (rejects speech, chords and noise).
        public var minimumTonePurity: Double = 0.85
        /// Share of the power the two tones must carry in one window.
        public var minimumWindowPurity: Double = 0.60
        /// Each tone must stand this far above the other frequencies of its group in a window, in dB.
        public var minimumRelativePeakDB: Double = 6
        /// Strongest second or third harmonic a tone may carry, relative to the tone, in dB (Q.23 sends them 20 dB down).
        public var maximumHarmonicDB: Double = -20
        /// Largest change of either tone's level from a digit's start to key-down on a clean line, in dB (more in noise).
        public var maximumLevelChangeDB: Double = 0.75
        /// How much louder a digit's windows must be than the line just before the digit began, in dB.
        public var minimumOnsetContrastDB: Double = 5
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
    static let historyFrames = 1024
    /// Blocks whose energy is kept (a power of two): a window's four, and the onset windows' before it.
    static let energyRingCount = 16
    /// Windows ending at or before a digit's first window start whose median energy is the line before the digit.
    static let onsetWindows = 8
    /// Frames after a run's first window start that may still precede the tone (a window counts with 12 of 26 samples).
    static let onsetGuardFrames = 16
    /// Standard deviations of the noise-driven spread a level change may add to `maximumLevelChangeDB`.
    static let levelChangeSigmas = 4.0

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
    private let normalTwistRatio: Double
    private let reverseTwistRatio: Double
    private let windowNormalTwistRatio: Float
    private let windowReverseTwistRatio: Float
    private let tolerance: Double
    private let windowTolerance: Float
    private let purity: Double
    private let windowPurity: Float
    private let relativePeakRatio: Float
    private let harmonicRatio: Double
    private let blockShare: Float
    private let onsetContrastRatio: Float
    private let levelChangeRatio: Double
    private let analysis: TonePairAnalysis

    // Goertzel state of the block being filled.
    private var s1 = SIMD8<Float>()
    private var s2 = SIMD8<Float>()
    private var blockEnergy: Float = 0
    private var blockFill = 0

    // Ring of the last blocks' spectra; their energies, indexed by block number, go further back.
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
    // The last samples, for the close look at a candidate before key-down.
    private var history: ContiguousArray<Int16>

    // Digit state machine (all positions are absolute frames).
    private var candidateDigit: Int = -1
    private var candidateStart = 0
    private var candidateLastEnd = 0
    private var candidateWindows = 0
    private var candidateSums = WindowReading()
    private var candidateRunStart = 0
    private var candidateConfirmed = false
    private var candidateLook: TonePairAnalysis.Reading?
    private var candidateOnsetEnergy: Float = 0
    private var candidateEarlyLevels: (low: Double, high: Double)?
    private var activeCode: Int = -1
    private var activeStart = 0
    private var lastValidEnd = 0

    /// The digit one window holds and its tones' phase drift; the drifts add up over a candidate's windows.
    struct WindowReading {
        var code = -1
        var rowZRe: Float = 0, rowZIm: Float = 0
        var columnZRe: Float = 0, columnZIm: Float = 0

        mutating func add(_ other: WindowReading) {
            rowZRe += other.rowZRe; rowZIm += other.rowZIm
            columnZRe += other.columnZRe; columnZIm += other.columnZIm
        }
    }

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
        normalTwistRatio = DSPMath.powerRatio(dB: configuration.normalTwistLimitDB)
        reverseTwistRatio = DSPMath.powerRatio(dB: configuration.reverseTwistLimitDB)
        windowNormalTwistRatio = Float(DSPMath.powerRatio(dB: configuration.normalTwistLimitDB + configuration.windowTwistSlackDB))
        windowReverseTwistRatio = Float(DSPMath.powerRatio(dB: configuration.reverseTwistLimitDB + configuration.windowTwistSlackDB))
        tolerance = configuration.frequencyTolerance
        windowTolerance = Float(configuration.windowFrequencyTolerance)
        purity = configuration.minimumTonePurity
        windowPurity = Float(configuration.minimumWindowPurity)
        relativePeakRatio = Float(DSPMath.powerRatio(dB: configuration.minimumRelativePeakDB))
        harmonicRatio = DSPMath.powerRatio(dB: configuration.maximumHarmonicDB)
        blockShare = Float(configuration.minimumBlockShare)
        onsetContrastRatio = Float(DSPMath.powerRatio(dB: configuration.minimumOnsetContrastDB))
        levelChangeRatio = DSPMath.powerRatio(dB: configuration.maximumLevelChangeDB)
        analysis = TonePairAnalysis(sampleRate: sampleRate)
        ringRe = ContiguousArray(repeating: SIMD8<Float>(), count: Self.blocksPerWindow)
        ringIm = ringRe
        ringEnergy = ContiguousArray(repeating: 0, count: Self.energyRingCount)
        history = ContiguousArray(repeating: 0, count: Self.historyFrames)
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
        // Copy ahead into the history in stretches short enough never to overwrite what a close look or a level hold reads.
        let stretch = Self.historyFrames - TonePairAnalysis.maximumSpanFrames
        while index < count {
            let stop = index + min(stretch, count - index)
            remember(base + index, count: stop - index)
            while index < stop {
                let take = min(Self.blockFrames - blockFill, stop - index)
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
    }

    /// Copies `count` samples (at most `historyFrames`) into the history ring from the current frame position.
    private mutating func remember(_ samples: UnsafePointer<Int16>, count: Int) {
        let slot = framesProcessed & (Self.historyFrames - 1)
        let first = min(count, Self.historyFrames - slot)
        history.withUnsafeMutableBufferPointer { ring in
            guard let base = ring.baseAddress else { return }
            (base + slot).update(from: samples, count: first)
            if first < count { base.update(from: samples + first, count: count - first) }
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
        ringEnergy[blocksSeen & (Self.energyRingCount - 1)] = blockEnergy
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
            let energy = ringEnergy[(blocksSeen - Self.blocksPerWindow + i) & (Self.energyRingCount - 1)]
            total += energy
            smallestBlock = min(smallestBlock, energy)
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
        var reading = WindowReading()
        // A block much weaker than the window's mean means the window straddles a tone edge.
        if blocksSeen > Self.blocksPerWindow, smallestBlock * Float(Self.blocksPerWindow) >= blockShare * total {
            reading = classify(re: re, im: im, totalEnergy: total)
        }
        previousRe = re
        previousIm = im
        advanceStateMachine(reading, into: &events)
    }

    /// The digit the window holds (code = row * 4 + column, or -1) with its tone estimates.
    private func classify(re: SIMD8<Float>, im: SIMD8<Float>, totalEnergy: Float) -> WindowReading {
        let none = WindowReading()
        let n = Float(Self.windowFrames)
        // Cheap exit: the window cannot hold two tones at the minimum level.
        guard totalEnergy >= 2 * minimumTonePower * n else { return none }
        let power = re * re + im * im
        var row = 0, column = 4
        for lane in 1..<4 where power[lane] > power[row] { row = lane }
        for lane in 5..<8 where power[lane] > power[column] { column = lane }
        // Each tone stands clear of the rest of its group (a chord or a vowel's formant fills several bins).
        for lane in 0..<4 where lane != row && power[lane] * relativePeakRatio > power[row] { return none }
        for lane in 4..<8 where lane != column && power[lane] * relativePeakRatio > power[column] { return none }

        // Phase advance over one hop relative to the nominal one gives the frequency error.
        let rowShift = phaseShift(lane: row)
        let columnShift = phaseShift(lane: column)
        guard abs(rowShift) <= windowTolerance * radiansPerHop[row],
              abs(columnShift) <= windowTolerance * radiansPerHop[column] else { return none }

        // Tone power, corrected for the window's response at the measured frequency error.
        let scale = 2 / (n * n)
        let rowPower = power[row] * scale / Self.windowGain(hopShift: rowShift)
        let columnPower = power[column] * scale / Self.windowGain(hopShift: columnShift)
        guard rowPower >= minimumTonePower, columnPower >= minimumTonePower else { return none }
        guard columnPower <= rowPower * windowReverseTwistRatio,
              rowPower <= columnPower * windowNormalTwistRatio else { return none }
        guard rowPower + columnPower >= windowPurity * totalEnergy / n else { return none }
        return WindowReading(code: row * 4 + (column - 4), rowZRe: zRe[row], rowZIm: zIm[row],
                             columnZRe: zRe[column], columnZIm: zIm[column])
    }

    /// A close look at the last samples if it finds a keypad's pair (frequencies, twist, share of power, no
    /// harmonics) in a window clearly louder than the line before the digit began; nil otherwise.
    private func closeLook(_ sums: WindowReading) -> TonePairAnalysis.Reading? {
        let row = sums.code / 4, column = sums.code % 4
        // The windows' mean phase drift puts the close look within a few hertz of each tone.
        let rowShift = DSPMath.atan2(sums.rowZIm, sums.rowZRe) / radiansPerHop[row]
        let columnShift = DSPMath.atan2(sums.columnZIm, sums.columnZRe) / radiansPerHop[4 + column]
        let rowHz = DTMFKeypad.rowFrequenciesHz[row], columnHz = DTMFKeypad.columnFrequenciesHz[column]
        let pair = history.withUnsafeBufferPointer { ring in
            analysis.measure(ring: ring, end: framesProcessed, row: row, column: column,
                             lowHz: rowHz * (1 + Double(rowShift)), highHz: columnHz * (1 + Double(columnShift)))
        }
        let holds = abs(pair.lowHz / rowHz - 1) <= tolerance
            && abs(pair.highHz / columnHz - 1) <= tolerance
            && pair.highPower <= pair.lowPower * reverseTwistRatio
            && pair.lowPower <= pair.highPower * normalTwistRatio
            && pair.lowPower + pair.highPower >= purity * pair.meanPower
            && pair.worstHarmonicRatio <= harmonicRatio
            && windowEnergy(endingAtBlock: blocksSeen) >= candidateOnsetEnergy * onsetContrastRatio
        return holds ? pair : nil
    }

    /// Energy of the window of the four blocks before block count `end` (blocks before the stream are silent).
    private func windowEnergy(endingAtBlock end: Int) -> Float {
        var energy: Float = 0
        for block in (end - Self.blocksPerWindow)..<end where block >= 0 {
            energy += ringEnergy[block & (Self.energyRingCount - 1)]
        }
        return energy
    }

    /// The median energy of the `onsetWindows` windows (a block apart) that ended by the time the current window
    /// began: the line just before it. The median passes over a gap between two notes, and over a window or two of
    /// a tone whose first windows failed the checks.
    @inline(never)
    private func energyBeforeWindow() -> Float {
        // The blocks the windows span, newest first, then each window's four.
        let newest = blocksSeen - Self.blocksPerWindow - 1
        var blocks = SIMD16<Float>()
        for i in 0..<(Self.onsetWindows + Self.blocksPerWindow - 1) where newest - i >= 0 {
            blocks[i] = ringEnergy[(newest - i) & (Self.energyRingCount - 1)]
        }
        var energies = SIMD8<Float>()
        for i in 0..<Self.onsetWindows {
            energies[i] = blocks[i] + blocks[i + 1] + blocks[i + 2] + blocks[i + 3]
        }
        // The lower median of eight: the value with at most three below it and at least four at or below it.
        for i in 0..<Self.onsetWindows {
            var below = 0, atOrBelow = 0
            for j in 0..<Self.onsetWindows {
                if energies[j] < energies[i] { below += 1 }
                if energies[j] <= energies[i] { atOrBelow += 1 }
            }
            if below <= 3, atOrBelow >= 4 { return energies[i] }
        }
        return energies.min()
    }

    /// Whether both tones still have the level they had at the start of the digit (read at its first key-down
    /// attempt, from the start of that unbroken run), within what a keypad on a line with the noise `look` measured
    /// can show.
    @inline(never)
    private mutating func levelHolds(_ look: TonePairAnalysis.Reading, code: Int) -> Bool {
        let span = framesProcessed - (candidateRunStart + Self.onsetGuardFrames)
        let hold = history.withUnsafeBufferPointer { ring in
            analysis.levelHold(ring: ring, end: framesProcessed, span: span, row: code / 4, column: code % 4,
                               lowHz: look.lowHz, highHz: look.highHz)
        }
        // A later attempt (after a failed one) still compares with the start: a struck note's decay slows, a keypad's
        // level never moved.
        let early = candidateEarlyLevels ?? (hold.lowEarly, hold.highEarly)
        candidateEarlyLevels = early
        let noise = max(look.meanPower - look.lowPower - look.highPower, 0)
        let n = Double(TonePairAnalysis.levelWindowFrames)
        func holds(_ early: Double, _ late: Double, power: Double) -> Bool {
            // White noise of power σ² moves the amplitude read in an n-sample Hann window by δ = √(1.5σ²/(n·P)) of
            // itself (one standard deviation), 8.69·δ dB; the difference of two reads by √2 times that. k of those
            // in dB, as a power ratio, is e^(2kδ).
            let spread = (3 * noise / (n * max(power, .leastNormalMagnitude))).squareRoot()
            let allowed = levelChangeRatio * DSPMath.exp(2 * Self.levelChangeSigmas * spread)
            return late <= early * allowed && early <= late * allowed
        }
        return holds(early.low, hold.lowLate, power: look.lowPower)
            && holds(early.high, hold.highLate, power: look.highPower)
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

    private mutating func advanceStateMachine(_ reading: WindowReading, into events: inout [DTMFEvent]) {
        let code = reading.code
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
                candidateSums.add(reading)
                // A window or two lost to a wobbling estimate keeps the run; a real break loses seven or more.
                if windowEnd - candidateLastEnd > 3 * Self.blockFrames { candidateRunStart = windowStart }
            } else {
                startCandidate(reading, at: windowStart, fresh: true)
            }
            candidateLastEnd = windowEnd
            // The close looks need an unbroken stretch of tone: a break's phase jump would read as splatter.
            let unbroken = windowEnd - candidateRunStart >= TonePairAnalysis.lengthFrames
            if !candidateConfirmed, unbroken {
                if let look = closeLook(candidateSums) {
                    candidateConfirmed = true
                    candidateLook = look
                } else {
                    // Not a keypad digit so far: judge the next stretch on its own windows, from the same onset.
                    startCandidate(reading, at: windowStart, fresh: false)
                }
            }
            if candidateConfirmed, unbroken, let look = candidateLook,
               windowStart - candidateStart >= configuration.keyDownSpanFrames,
               candidateWindows >= configuration.minimumValidWindows {
                if levelHolds(look, code: code) {
                    keyDown(code, at: windowEnd, into: &events)
                } else {
                    // The level moved: look again later, against the same start.
                    startCandidate(reading, at: windowStart, fresh: false)
                }
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

    private mutating func keyDown(_ code: Int, at windowEnd: Int, into events: inout [DTMFEvent]) {
        if activeCode >= 0 { events.append(keyUpEvent()) }
        activeCode = code
        activeDigit = Self.digit(code)
        activeStart = candidateStart
        lastValidEnd = windowEnd
        candidateDigit = -1
        events.append(DTMFEvent(kind: .keyDown, digit: Self.digit(code), frame: windowEnd,
                                startFrame: activeStart, durationFrames: windowEnd - activeStart))
    }

    /// Starts judging `reading`'s digit from its window at `windowStart`; a `fresh` digit (not a later stretch of one
    /// that failed a check) notes the line's energy before it and forgets the level its tones started at.
    private mutating func startCandidate(_ reading: WindowReading, at windowStart: Int, fresh: Bool) {
        candidateDigit = reading.code
        candidateStart = windowStart
        candidateWindows = 1
        candidateSums = reading
        candidateRunStart = windowStart
        candidateConfirmed = false
        candidateLook = nil
        if fresh {
            candidateOnsetEnergy = energyBeforeWindow()
            candidateEarlyLevels = nil
        }
    }

    private func keyUpEvent() -> DTMFEvent {
        DTMFEvent(kind: .keyUp, digit: Self.digit(activeCode), frame: framesProcessed,
                  startFrame: activeStart, durationFrames: lastValidEnd - activeStart)
    }

    static func digit(_ code: Int) -> Character { DTMFKeypad.keys[code / 4][code % 4] }
}
