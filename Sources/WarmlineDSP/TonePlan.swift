/// A call-progress tone Warmline recognises.
public enum CallProgressTone: String, Sendable, Equatable, CaseIterable {
    /// The exchange is ready for digits.
    case dialTone
    /// The far end is ringing (transfer in progress).
    case ringback
    /// The far end is busy, or hung up on an analog line.
    case busy
    /// Congestion / reorder (fast busy): the network could not complete, or the far end is gone.
    case reorder
}

/// A country's call-progress tones: frequencies and cadences (ITU-T E.180 and its Supplement 2).
///
/// Plans are plain values: a deployment may build its own (`TonePlan(name:tones:)`) when the local
/// operator differs from the built-in table; the built-in values should be checked on site.
public struct TonePlan: Sendable, Equatable {
    /// One tone of the plan.
    public struct Tone: Sendable, Equatable {
        /// Which call-progress tone this is.
        public var kind: CallProgressTone
        /// Component frequencies in Hz (one or two).
        public var frequenciesHz: [Double]
        /// Alternating on/off durations in ms starting with an on-time; empty for a continuous tone.
        public var cadenceMs: [Int]

        /// Creates a tone.
        public init(_ kind: CallProgressTone, frequenciesHz: [Double], cadenceMs: [Int]) {
            self.kind = kind
            self.frequenciesHz = frequenciesHz
            self.cadenceMs = cadenceMs
        }

        /// True for a continuous (uncadenced) tone.
        public var isContinuous: Bool { cadenceMs.isEmpty }
    }

    /// Short name used in configuration (`us`, `uk`, `eu`, `tr`, `ua`).
    public var name: String
    /// The tones of the plan.
    public var tones: [Tone]

    /// Creates a plan.
    public init(name: String, tones: [Tone]) {
        self.name = name
        self.tones = tones
    }

    /// US / NANP (ANSI T1.401): precise tone plan.
    public static let nanp = TonePlan(name: "us", tones: [
        Tone(.dialTone, frequenciesHz: [350, 440], cadenceMs: []),
        Tone(.ringback, frequenciesHz: [440, 480], cadenceMs: [2000, 4000]),
        Tone(.busy, frequenciesHz: [480, 620], cadenceMs: [500, 500]),
        Tone(.reorder, frequenciesHz: [480, 620], cadenceMs: [250, 250]),
    ])

    /// United Kingdom (BT SIN 350).
    public static let uk = TonePlan(name: "uk", tones: [
        Tone(.dialTone, frequenciesHz: [350, 440], cadenceMs: []),
        Tone(.ringback, frequenciesHz: [400, 450], cadenceMs: [400, 200, 400, 2000]),
        Tone(.busy, frequenciesHz: [400], cadenceMs: [375, 375]),
        Tone(.reorder, frequenciesHz: [400], cadenceMs: [400, 350, 225, 525]),
    ])

    /// EU / ETSI (CEPT recommended values, ETSI TR 101 041).
    public static let etsi = TonePlan(name: "eu", tones: [
        Tone(.dialTone, frequenciesHz: [425], cadenceMs: []),
        Tone(.ringback, frequenciesHz: [425], cadenceMs: [1000, 4000]),
        Tone(.busy, frequenciesHz: [425], cadenceMs: [500, 500]),
        Tone(.reorder, frequenciesHz: [425], cadenceMs: [250, 250]),
    ])

    /// Turkey (E.180 Suppl. 2).
    public static let turkey = TonePlan(name: "tr", tones: [
        Tone(.dialTone, frequenciesHz: [450], cadenceMs: []),
        Tone(.ringback, frequenciesHz: [450], cadenceMs: [2000, 4000]),
        Tone(.busy, frequenciesHz: [450], cadenceMs: [500, 500]),
        Tone(.reorder, frequenciesHz: [450], cadenceMs: [200, 200]),
    ])

    /// Ukraine (E.180 Suppl. 2).
    public static let ukraine = TonePlan(name: "ua", tones: [
        Tone(.dialTone, frequenciesHz: [425], cadenceMs: []),
        Tone(.ringback, frequenciesHz: [425], cadenceMs: [1000, 4000]),
        Tone(.busy, frequenciesHz: [425], cadenceMs: [350, 350]),
        Tone(.reorder, frequenciesHz: [425], cadenceMs: [175, 175]),
    ])

    /// The built-in plans.
    public static let builtIn: [TonePlan] = [nanp, uk, etsi, turkey, ukraine]

    /// The built-in plan with this configuration name (`us`, `uk`, `eu`, `tr`, `ua`), if any.
    public static func named(_ name: String) -> TonePlan? {
        builtIn.first { $0.name == name.lowercased() }
    }

    /// The tone of `kind` in this plan, if the plan has one.
    public func tone(_ kind: CallProgressTone) -> Tone? { tones.first { $0.kind == kind } }
}
