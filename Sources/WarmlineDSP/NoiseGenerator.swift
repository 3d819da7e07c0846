/// Deterministic pseudo-random noise (SplitMix64): comfort noise on a line, and reproducible test signals.
public struct NoiseGenerator: Sendable {
    private var bits: SplitMix64
    private var spareGaussian: Double?

    /// Creates a generator; the same seed always gives the same sequence.
    public init(seed: UInt64) { bits = SplitMix64(seed: seed) }

    /// The next 64 random bits.
    public mutating func nextBits() -> UInt64 { bits.next() }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(nextBits() >> 11) / Double(UInt64(1) << 53) }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// Uniform integer in `range`.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(nextBits() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// Standard normal deviate (Box-Muller, both outputs used).
    public mutating func gaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        let radius = (-2 * DSPMath.log(max(unit(), 1e-300))).squareRoot()
        let angle = 2 * DSPMath.pi * unit()
        spareGaussian = radius * DSPMath.sin(angle)
        return radius * DSPMath.cos(angle)
    }

    /// White Gaussian noise at `levelDBm0`, unquantized (Int16 units), for mixing.
    public mutating func whiteNoise(count: Int, levelDBm0: Double) -> [Double] {
        let sigma = DBm0.meanPower(levelDBm0: levelDBm0).squareRoot()
        return (0..<max(0, count)).map { _ in sigma * gaussian() }
    }
}
