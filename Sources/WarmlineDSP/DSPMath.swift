/// Elementary functions in pure Swift, so WarmlineDSP needs neither Foundation nor Glibc.
///
/// Accuracy is close to Double precision for the ranges used here (coefficients, generators, dB);
/// hot loops never call these per sample except the tone generators.
public enum DSPMath {
    /// π in Double precision.
    public static let pi = 3.141592653589793
    static let ln2 = 0.6931471805599453
    static let ln10 = 2.302585092994046

    /// Sine of `x` radians.
    public static func sin(_ x: Double) -> Double {
        guard x.isFinite else { return .nan }
        let twoPi = 2 * pi
        var r = x - (x / twoPi).rounded() * twoPi
        if r > pi / 2 { r = pi - r } else if r < -pi / 2 { r = -pi - r }
        // Taylor series on [-π/2, π/2]: the x^23 term is below 1e-17.
        let r2 = r * r
        var term = r
        var sum = r
        var n = 1.0
        for _ in 0..<11 {
            term *= -r2 / ((n + 1) * (n + 2))
            n += 2
            sum += term
        }
        return sum
    }

    /// Cosine of `x` radians.
    public static func cos(_ x: Double) -> Double { sin(x + pi / 2) }

    /// Natural logarithm; `-inf` for 0, NaN for negative input.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return .infinity }
        let e = Double(x.exponent)
        let m = x.significand  // in [1, 2)
        let u = (m - 1) / (m + 1)
        let u2 = u * u
        var term = u
        var sum = 0.0
        var k = 1.0
        // u ≤ 1/3, so 20 odd terms reach full Double precision.
        for _ in 0..<20 {
            sum += term / k
            term *= u2
            k += 2
        }
        return e * ln2 + 2 * sum
    }

    /// Base-10 logarithm.
    public static func log10(_ x: Double) -> Double { log(x) / ln10 }

    /// e raised to `x`.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709 { return .infinity }
        if x < -745 { return 0 }
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        for i in 1...18 {
            term *= r / Double(i)
            sum += term
        }
        return scale(sum, byPowerOfTwo: Int(k))
    }

    /// 10 raised to `x`.
    public static func pow10(_ x: Double) -> Double { exp(x * ln10) }

    /// Converts decibels to a power ratio.
    public static func powerRatio(dB: Double) -> Double { pow10(dB / 10) }

    /// Converts decibels to an amplitude ratio.
    public static func amplitudeRatio(dB: Double) -> Double { pow10(dB / 20) }

    /// Converts a power ratio to decibels; `-inf` for zero.
    public static func decibels(powerRatio: Double) -> Double { 10 * log10(powerRatio) }

    /// Fast arctangent of y/x in radians for Float, max error about 1e-5 rad; 0 for (0, 0).
    @inline(__always)
    public static func atan2(_ y: Float, _ x: Float) -> Float {
        let ax = abs(x), ay = abs(y)
        let big = max(ax, ay)
        if big == 0 { return 0 }
        let z = min(ax, ay) / big
        let z2 = z * z
        var a = z * (0.99997726 + z2 * (-0.33262347 + z2 * (0.19354346 + z2 * (-0.11643287 + z2 * (0.05265332 + z2 * -0.01172120)))))
        if ay > ax { a = Float.pi / 2 - a }
        if x < 0 { a = Float.pi - a }
        return y < 0 ? -a : a
    }

    static func scale(_ value: Double, byPowerOfTwo k: Int) -> Double {
        var v = value
        var k = k
        // Step in chunks so intermediate powers of two stay representable.
        while k > 1000 { v *= Double(sign: .plus, exponent: 1000, significand: 1); k -= 1000 }
        while k < -1000 { v *= Double(sign: .plus, exponent: -1000, significand: 1); k += 1000 }
        return v * Double(sign: .plus, exponent: k, significand: 1)
    }
}
